package io.burnrate.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.tools.demo.SqlRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntSupplier;
import org.apache.flink.types.Row;
import picocli.CommandLine;

/** Runs {@code ./burnrate} in the test's JVM, capturing its standard output and error. */
final class CliRun {
  private CliRun() {}

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    return capture(() -> new CommandLine(new BurnrateCli()).execute(args));
  }

  /** {@code ./burnrate ingest-billing --from root --warehouse warehouse --json}, captured. */
  static Result ingestBilling(Path root, Path warehouse, Path work) {
    return capture(
        () ->
            IngestBillingCommand.run(
                "--from",
                root.toString(),
                "--warehouse",
                warehouse.toString(),
                "--json",
                "--tmp-dir",
                work.toString()));
  }

  /** The {@code --json} summary: the last line of standard output. */
  static JsonNode jsonSummary(Result r) throws IOException {
    String[] lines = r.out().strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  /** SUM(BilledCost) of a slice in {@code billing_line_items_current} (null: no row). */
  static BigDecimal currentBilled(SqlRunner sql, String slice) throws Exception {
    List<Row> rows =
        sql.query(
                "SELECT SUM(BilledCost) FROM billing_line_items_current"
                    + " WHERE x_BillingAccountSlice = '"
                    + slice
                    + "'")
            .rows();
    return (BigDecimal) rows.get(0).getField(0);
  }

  /** Runs {@code command}, capturing what it prints; the result has its exit code. */
  static synchronized Result capture(IntSupplier command) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = command.getAsInt();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String so = o.toString(StandardCharsets.UTF_8);
    String se = e.toString(StandardCharsets.UTF_8);
    out.print(so);
    err.print(se);
    return new Result(code, so, se);
  }
}
