package io.burnrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.tools.demo.SqlRunner;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate ingest-billing} on bad input, into a real warehouse: cells outside the
 * plausibility bounds are dead letters {@code out_of_range} (the rest of the file and folder
 * ingest, the totals line balances); an object that cannot be read to its end (a truncated {@code
 * .csv.gz}, a CSV whose quoting breaks) fails its delivery whole: nothing of it is committed, the
 * previous delivery of the month stays current, the command exits non-zero with one line naming the
 * object, and the readable objects of the run still ingest.
 */
class IngestBillingBadInputITCase {
  private static final String HEADER =
      "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,"
          + "EffectiveCost,ChargeCategory,ResourceId\n";
  private static final String DATA = "exports/gpu-focus/data/BILLING_PERIOD=2026-03/";
  private static final String META = "exports/gpu-focus/metadata/BILLING_PERIOD=2026-03/";

  @TempDir Path tmp;

  /** {@code n} hourly FOCUS usage rows of account {@code account} at {@code cost} each. */
  private static String month(String account, int n, String cost) {
    StringBuilder sb = new StringBuilder(HEADER);
    Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      sb.append(account)
          .append(",2026-03-01,")
          .append(t0.plusSeconds(3600L * i))
          .append(',')
          .append(t0.plusSeconds(3600L * (i + 1)))
          .append(',')
          .append(cost)
          .append(',')
          .append(cost)
          .append(",Usage,i-0gpu")
          .append(i % 7)
          .append('\n');
    }
    return sb.toString();
  }

  private static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  private static void deliver(Path root, String execution, String file, byte[] content)
      throws Exception {
    Files.createDirectories(root.resolve(DATA));
    Files.createDirectories(root.resolve(META));
    Files.write(root.resolve(DATA + file), content);
    Files.writeString(
        root.resolve(META + "gpu-focus-Manifest.json"),
        "{\"executionId\":\""
            + execution
            + "\",\"exportName\":\"gpu-focus\",\"billingPeriod\":\"2026-03\",\"dataFiles\":[\""
            + DATA
            + file
            + "\"]}");
  }

  /** The command as {@code ./burnrate} runs it (enum values in any case), output captured. */
  private CliRun.Result ingest(Path root, Path warehouse) {
    return CliRun.ingestBilling(root, warehouse, tmp.resolve("work"));
  }

  private static JsonNode summary(CliRun.Result r) throws Exception {
    return CliRun.jsonSummary(r);
  }

  private static List<String> errorLines(CliRun.Result r) {
    return Arrays.stream(r.err().split("\n"))
        .filter(l -> l.startsWith("burnrate ingest-billing:"))
        .toList();
  }

  private static BigDecimal currentTotal(SqlRunner sql, String slice) throws Exception {
    return CliRun.currentBilled(sql, slice);
  }

  @Test
  void outOfRangeCellsAreDeadLettersAndTheRestIngests() throws Exception {
    Path root = tmp.resolve("billing");
    Path warehouse = tmp.resolve("warehouse");
    Files.createDirectories(root);
    Files.writeString(root.resolve("good.csv"), month("acct-good", 10, "2.50"));
    Files.writeString(
        root.resolve("bad.csv"),
        HEADER
            + "acct-bad,2026-03-01,2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,4.00,4.00,Usage,i-1\n"
            + "acct-bad,2026-03-01,2026-03-01T01:00:00Z,2026-03-01T02:00:00Z,1e30,1e30,Usage,i-1\n"
            + "acct-bad,2026-03-01,0001-01-01T00:00:00Z,2026-03-01T03:00:00Z,5.00,5.00,Usage,i-1\n"
            + "acct-bad,2026-03-01,2026-03-01T03:00:00Z,2026-03-01T04:00:00Z,6.00,6.00,Usage,i-1\n");

    CliRun.Result r = ingest(root, warehouse);
    assertThat(r.code()).isZero();
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    JsonNode s = summary(r);
    assertThat(s.path("rows_read").asLong()).isEqualTo(14);
    assertThat(s.path("rows_ingested").asLong()).isEqualTo(12);
    assertThat(s.path("dead_letters").path("out_of_range").asLong()).isEqualTo(2);
    assertThat(s.path("dead_letters").size()).isEqualTo(1);
    JsonNode amounts = s.path("amounts");
    assertThat(amounts.path("balanced").asBoolean()).isTrue();
    // 10 x 2.50 + 4.00 + 6.00 ingested; the 0001-01-01 row's 5.00 dead-lettered; 1e30 in none
    assertThat(new BigDecimal(amounts.path("ingested_billed_cost").asText()))
        .isEqualByComparingTo("35");
    assertThat(new BigDecimal(amounts.path("dead_letter_billed_cost").asText()))
        .isEqualByComparingTo("5");
    assertThat(new BigDecimal(amounts.path("file_billed_cost").asText()))
        .isEqualByComparingTo("40");
    assertThat(amounts.path("dead_letters_without_amount").asLong()).isEqualTo(1);
    assertThat(r.err()).contains("(balanced)");

    try (SqlRunner sql = new SqlRunner(CatalogConfig.hadoop(warehouse))) {
      List<Row> dead =
          sql.query(
                  "SELECT reason, detail, source_row FROM billing_dead_letters ORDER BY source_row")
              .rows();
      assertThat(dead).hasSize(2);
      assertThat(dead.get(0).getField(0)).isEqualTo("out_of_range");
      assertThat((String) dead.get(0).getField(1)).startsWith("BilledCost: 1.0E30");
      assertThat(dead.get(0).getField(2)).isEqualTo(2L);
      assertThat(dead.get(1).getField(0)).isEqualTo("out_of_range");
      assertThat((String) dead.get(1).getField(1)).startsWith("ChargePeriodStart: 0001-01-01");
      assertThat(dead.get(1).getField(2)).isEqualTo(3L);
      assertThat(currentTotal(sql, "acct-good/2026-03")).isEqualByComparingTo("25");
      assertThat(currentTotal(sql, "acct-bad/2026-03")).isEqualByComparingTo("10");
    }
    // a rerun finds nothing new and does not fail
    CliRun.Result again = ingest(root, warehouse);
    assertThat(again.code()).isZero();
    assertThat(summary(again).path("rows_read").asLong()).isZero();
  }

  @Test
  void aTruncatedGzipRefreshFailsWholeAndThePreviousDeliveryStaysCurrent() throws Exception {
    Path root = tmp.resolve("billing");
    Path warehouse = tmp.resolve("warehouse");
    deliver(root, "exec-1", "part-00001.csv.gz", gzip(month("acct-1", 1000, "1.25")));
    assertThat(ingest(root, warehouse).code()).isZero();

    // the refresh of the same month breaks off in the middle of its gzip stream
    byte[] full = gzip(month("acct-1", 1000, "2.00"));
    deliver(root, "exec-2", "part-00002.csv.gz", Arrays.copyOf(full, full.length / 2));
    CliRun.Result r = ingest(root, warehouse);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("\tat ");
    List<String> errors = errorLines(r);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0))
        .contains(root.resolve(DATA + "part-00002.csv.gz").toString())
        .contains("gpu-focus/2026-03/exec-2 not committed");
    JsonNode s = summary(r);
    assertThat(s.path("deliveries").size()).isZero();
    assertThat(s.path("objects_failed").size()).isEqualTo(1);

    try (SqlRunner sql = new SqlRunner(CatalogConfig.hadoop(warehouse))) {
      assertThat(currentTotal(sql, "acct-1/2026-03")).isEqualByComparingTo("1250");
      assertThat(sql.query("SELECT delivery_id FROM billing_deliveries").rows()).hasSize(1);
      assertThat(sql.query("SELECT x_RowId FROM billing_line_items").rows()).hasSize(1000);
      assertThat(sql.query("SELECT reason FROM billing_dead_letters").rows()).isEmpty();
    }
    // not recorded as ingested: every rerun says so again
    assertThat(ingest(root, warehouse).code()).isEqualTo(1);
  }

  @Test
  void brokenQuotingFailsItsDeliveryAndReadableObjectsStillIngest() throws Exception {
    Path root = tmp.resolve("billing");
    Path warehouse = tmp.resolve("warehouse");
    deliver(
        root,
        "exec-1",
        "part-00001.csv",
        month("acct-1", 100, "3.00").getBytes(StandardCharsets.UTF_8));
    assertThat(ingest(root, warehouse).code()).isZero();

    // the refresh: a quoted field opened in row 41 is never closed
    String[] rows = month("acct-1", 100, "9.00").split("\n", -1);
    rows[41] = rows[41].replace(",Usage,", ",\"Usage,");
    deliver(
        root, "exec-2", "part-00002.csv", String.join("\n", rows).getBytes(StandardCharsets.UTF_8));
    // and in the same run two loose files: one readable, one truncated
    Files.createDirectories(root.resolve("loose"));
    Files.writeString(root.resolve("loose/other.csv"), month("acct-2", 4, "1.50"));
    byte[] full = gzip(month("acct-3", 1000, "1.00"));
    Files.write(root.resolve("loose/cut.csv.gz"), Arrays.copyOf(full, full.length / 2));

    CliRun.Result r = ingest(root, warehouse);
    assertThat(r.code()).isEqualTo(1);
    List<String> errors = errorLines(r);
    assertThat(errors).hasSize(2);
    assertThat(errors)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains(root.resolve(DATA + "part-00002.csv").toString())
                    .contains("exec-2 not committed"));
    assertThat(errors)
        .anySatisfy(l -> assertThat(l).contains(root.resolve("loose/cut.csv.gz").toString()));

    try (SqlRunner sql = new SqlRunner(CatalogConfig.hadoop(warehouse))) {
      assertThat(currentTotal(sql, "acct-1/2026-03")).isEqualByComparingTo("300");
      assertThat(currentTotal(sql, "acct-2/2026-03")).isEqualByComparingTo("6");
      assertThat(currentTotal(sql, "acct-3/2026-03")).isNull();
      assertThat(sql.query("SELECT delivery_id FROM billing_deliveries").rows()).hasSize(2);
    }
  }
}
