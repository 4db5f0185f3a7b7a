package io.burnrate.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

  private static List<String> statements(String script) throws Exception {
    SqlScript s = new SqlScript(new StringReader(script));
    List<String> out = new ArrayList<>();
    for (String next = s.next(); next != null; next = s.next()) {
      out.add(next);
    }
    return out;
  }

  @Test
  void aStatementEndsAtALineThatEndsWithASemicolon() throws Exception {
    assertThat(
            statements(
                "SELECT team\nFROM workload_windows\nWHERE kind = 'idle';\n"
                    + "SELECT 1 ;  \n;\n\n  ;\nSELECT 'a;b' AS x\nFROM t;"))
        .containsExactly(
            "SELECT team\nFROM workload_windows\nWHERE kind = 'idle'",
            "SELECT 1",
            "SELECT 'a;b' AS x\nFROM t");
  }

  @Test
  void theLastStatementNeedsNoSemicolonAndBlankInputHasNone() throws Exception {
    assertThat(statements("SELECT 1;\nSELECT 2\n")).containsExactly("SELECT 1", "SELECT 2");
    assertThat(statements("")).isEmpty();
    assertThat(statements("\n  \n;\n")).isEmpty();
  }

  @Test
  void aSemicolonInsideALineDoesNotEndTheStatement() throws Exception {
    assertThat(statements("SELECT ';' AS x,\n  1 AS y;\n"))
        .containsExactly("SELECT ';' AS x,\n  1 AS y");
  }
}
