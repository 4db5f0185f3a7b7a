package io.burnrate.tools.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/**
 * The statements of a SQL script, one at a time as they arrive (so that a caller can write a
 * statement to a pipe and read its answer before it writes the next): a statement ends at a line
 * whose text ends with {@code ;}, or at the end of the input. The {@code ;} is not part of the
 * statement; blank statements are skipped. A {@code ;} elsewhere on a line (in a string literal, in
 * the middle of a line) does not end a statement.
 *
 * <pre>{@code
 * SqlScript script = new SqlScript(new InputStreamReader(System.in, UTF_8));
 * for (String s = script.next(); s != null; s = script.next()) { ... }
 * }</pre>
 */
public final class SqlScript {
  private final BufferedReader in;

  public SqlScript(Reader in) {
    this.in = in instanceof BufferedReader b ? b : new BufferedReader(in);
  }

  /** The next statement, without its ending {@code ;}; null at the end of the input. */
  public String next() throws IOException {
    StringBuilder statement = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      String trimmed = line.strip();
      if (trimmed.endsWith(";")) {
        statement.append(line, 0, line.lastIndexOf(';'));
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
          return s;
        }
        statement.setLength(0);
      } else {
        statement.append(line).append('\n');
      }
    }
    String rest = statement.toString().strip();
    return rest.isEmpty() ? null : rest;
  }
}
