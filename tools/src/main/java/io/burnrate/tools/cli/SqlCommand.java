package io.burnrate.tools.cli;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.tools.demo.SqlRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description =
        "Runs a SQL query over an Iceberg warehouse written by the demo or the job; tables of the"
            + " 'burnrate' namespace can be named bare (workload_windows, cost_allocations).")
final class SqlCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin WarehouseOptions where = new WarehouseOptions();

  @Option(names = "--json", description = "Print rows as JSON lines instead of a table.")
  boolean json;

  @Option(
      names = "--shared-cost",
      defaultValue = "weighted",
      description =
          "How the view shared_cost_allocation distributes shared cost over teams: weighted (by"
              + " GPU cost), even, or none (default: ${DEFAULT-VALUE}).")
  String sharedCost;

  @Option(
      names = "--sites",
      description =
          "The owned sites file (onprem.sites-file) for the view site_payback (docs/onprem.md).")
  Path sitesFile;

  @Option(
      names = "--statements",
      paramLabel = "FILE",
      description =
          "Runs the statements of FILE ('-': standard input, answered one by one as they"
              + " arrive) in one session; a statement ends at a line that ends with ';'. Prints"
              + " one JSON line per statement: {\"statement\": N, \"columns\": [...],"
              + " \"rows\": [{...}]}, or {\"statement\": N, \"error\": \"...\"} and goes on;"
              + " exits with 1 if any failed.")
  String statements;

  @Option(
      names = "--allow-writes",
      description =
          "Allows statements that change the lake (INSERT, CREATE, DROP, ALTER, ...). Without it"
              + " the command is read-only: such a statement is refused before it runs.")
  boolean allowWrites;

  @Parameters(paramLabel = "QUERY", arity = "0..1", description = "The SQL statement.")
  String query;

  @Override
  public Integer call() throws Exception {
    if ((query == null) == (statements == null)) {
      System.err.println("burnrate sql: give a QUERY or --statements FILE (not both)");
      return 2;
    }
    CatalogConfig catalog;
    try {
      catalog = where.catalog();
    } catch (IllegalArgumentException e) {
      System.err.println("burnrate sql: " + e.getMessage());
      return 2;
    }
    if (catalog == null) {
      System.err.println("burnrate sql: no warehouse: give --warehouse DIR or --config FILE");
      return 2;
    }
    if (WarehouseOptions.missingFolder(catalog) != null) {
      System.err.println(
          "burnrate sql: "
              + WarehouseOptions.missingFolder(catalog)
              + " (run ./burnrate demo first)");
      return 2;
    }
    io.burnrate.jobs.allocation.SharedCost.Policy policy;
    try {
      policy = io.burnrate.jobs.allocation.SharedCost.Policy.parse(sharedCost);
    } catch (IllegalArgumentException e) {
      System.err.println("burnrate sql: --shared-cost: " + e.getMessage());
      return 2;
    }
    io.burnrate.jobs.onprem.Sites sites = io.burnrate.jobs.onprem.Sites.none();
    if (sitesFile != null) {
      try {
        sites = io.burnrate.jobs.onprem.Sites.fromFile(sitesFile);
      } catch (IllegalArgumentException e) {
        System.err.println("burnrate sql: --sites: " + e.getMessage());
        return 2;
      }
    }
    SqlRunner opened;
    try {
      opened = new SqlRunner(catalog, policy, sites);
    } catch (RuntimeException e) {
      // the catalog is unreachable or refuses us (no stack trace; no secret is in the message)
      Throwable root = rootCause(e);
      System.err.println(
          "burnrate sql: cannot open the catalog " + catalog + ": " + root.getMessage());
      return 2;
    }
    try (SqlRunner sql = opened) {
      if (statements != null) {
        return runStatements(sql);
      }
      if (!allowWrites && !sql.readsOnly(query)) {
        System.err.println(REFUSED);
        return 2;
      }
      if (!json) {
        sql.print(query);
      } else {
        java.io.PrintStream out = System.out;
        sql.stream(
            query,
            (columns, row) -> {
              try {
                out.println(JSON.writeValueAsString(jsonRow(columns, row)));
              } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
      }
    } catch (org.apache.flink.table.api.ValidationException
        | org.apache.flink.table.api.SqlParserException e) {
      Throwable root = rootCause(e);
      System.err.println("burnrate sql: " + root.getMessage());
      System.err.println(
          "burnrate sql: tables of the 'burnrate' database: workload_windows, cost_allocations,"
              + " billing_line_items, billing_line_items_current (SHOW TABLES lists them)");
      return 2;
    }
    return 0;
  }

  static final String REFUSED =
      "burnrate sql: refused: this statement changes the lake and the command is read-only"
          + " (add --allow-writes to run it)";

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Runs every statement of {@link #statements}, each answered on one JSON line. */
  private int runStatements(SqlRunner sql) throws java.io.IOException {
    java.io.Reader in =
        statements.equals("-")
            ? new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)
            : Files.newBufferedReader(Path.of(statements));
    int failed = 0;
    try (in) {
      io.burnrate.tools.demo.SqlScript script = new io.burnrate.tools.demo.SqlScript(in);
      int n = 0;
      for (String s = script.next(); s != null; s = script.next()) {
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("statement", ++n);
        try {
          if (!allowWrites && !sql.readsOnly(s)) {
            throw new IllegalArgumentException(REFUSED.substring("burnrate sql: ".length()));
          }
          SqlRunner.Result r = sql.query(s);
          List<Map<String, Object>> rows = new java.util.ArrayList<>();
          for (org.apache.flink.types.Row row : r.rows()) {
            rows.add(jsonRow(r.columns(), row));
          }
          answer.put("columns", r.columns());
          answer.put("rows", rows);
        } catch (Exception e) {
          answer.put("error", String.valueOf(rootCause(e).getMessage()));
          failed++;
        }
        System.out.println(JSON.writeValueAsString(answer));
        System.out.flush();
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }

  /** A row as a JSON object: numbers, booleans, nulls and arrays as they are, else text. */
  private static Map<String, Object> jsonRow(List<String> columns, org.apache.flink.types.Row row) {
    Map<String, Object> o = new java.util.LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      Object v = row.getField(i);
      boolean plain =
          v == null || v instanceof Number || v instanceof Boolean || v instanceof Object[];
      o.put(columns.get(i), plain ? v : v.toString());
    }
    return o;
  }
}
