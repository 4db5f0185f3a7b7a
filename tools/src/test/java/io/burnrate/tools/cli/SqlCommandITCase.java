package io.burnrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.schemas.iceberg.TableSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate sql} on a real Iceberg warehouse (a folder catalog): read-only unless told
 * otherwise, whatever the statement's spelling; results as JSON lines, one per row.
 */
class SqlCommandITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path warehouse;

  @BeforeEach
  void lake() {
    warehouse = tmp.resolve("wh");
    IcebergTables.ensureTable(
        CatalogConfig.hadoop(warehouse),
        TableSchemas.BILLING_LINE_ITEMS,
        TableSchemas.BILLING_LINE_ITEMS_SCHEMA,
        TableSchemas.BILLING_LINE_ITEMS_SPEC);
  }

  private boolean billingTableExists() throws Exception {
    Catalog c = IcebergTables.catalogLoader(CatalogConfig.hadoop(warehouse)).loadCatalog();
    return c.tableExists(TableSchemas.BILLING_LINE_ITEMS);
  }

  @Test
  void statementsThatChangeTheLakeAreRefusedBeforeTheyRun() throws Exception {
    for (String statement :
        List.of(
            "DROP TABLE billing_line_items",
            "  /* tidy up */ drop table `billing_line_items`",
            "CREATE TABLE scratch (a INT)",
            "ALTER TABLE billing_line_items SET ('write.format.default'='orc')",
            "INSERT INTO billing_line_items SELECT * FROM billing_line_items")) {
      CliRun.Result r = CliRun.run("sql", "--warehouse", warehouse.toString(), statement);
      assertThat(r.code()).as(statement).isEqualTo(2);
      assertThat(r.err()).as(statement).contains("refused").contains("--allow-writes");
      assertThat(billingTableExists()).as("after " + statement).isTrue();
    }
    assertThat(Files.exists(warehouse.resolve("burnrate/scratch"))).isFalse();
  }

  @Test
  void aScriptRefusesEachWritingStatementAndGoesOn() throws Exception {
    Path script = tmp.resolve("script.sql");
    Files.writeString(
        script,
        "SELECT COUNT(*) AS n FROM billing_line_items;\n"
            + "DROP TABLE billing_line_items;\n"
            + "SHOW TABLES;\n");
    CliRun.Result r =
        CliRun.run("sql", "--warehouse", warehouse.toString(), "--statements", script.toString());
    assertThat(r.code()).isEqualTo(1);
    List<JsonNode> answers = new ArrayList<>();
    for (String line : r.out().strip().split("\n")) {
      answers.add(JSON.readTree(line));
    }
    assertThat(answers).hasSize(3);
    assertThat(answers.get(0).at("/rows/0/n").asLong()).isZero();
    assertThat(answers.get(1).path("error").asText()).contains("--allow-writes");
    assertThat(answers.get(2).path("rows").size()).isPositive();
    assertThat(billingTableExists()).isTrue();
  }

  @Test
  void withAllowWritesTheStatementRunsAndRowsComeBackAsJsonLines() throws Exception {
    CliRun.Result created =
        CliRun.run(
            "sql",
            "--warehouse",
            warehouse.toString(),
            "--allow-writes",
            "CREATE TABLE scratch (a INT, b STRING)");
    assertThat(created.code()).isZero();
    CliRun.Result inserted =
        CliRun.run(
            "sql",
            "--warehouse",
            warehouse.toString(),
            "--allow-writes",
            "INSERT INTO scratch VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    assertThat(inserted.code()).isZero();
    CliRun.Result read =
        CliRun.run(
            "sql", "--warehouse", warehouse.toString(), "--json", "SELECT a, b FROM scratch");
    assertThat(read.code()).isZero();
    List<String> rows = new ArrayList<>();
    for (String line : read.out().strip().split("\n")) {
      JsonNode n = JSON.readTree(line);
      rows.add(n.path("a").asInt() + "=" + n.path("b").asText());
    }
    assertThat(rows).containsExactlyInAnyOrder("1=one", "2=two", "3=three");
  }
}
