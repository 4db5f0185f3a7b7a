package io.burnrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.billing.BillingIngest;
import io.burnrate.connectors.billing.WarehouseLock;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.SqlRunner;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./burnrate ingest-billing} does about a month split over loose files delivered in
 * separate runs (it warns), the same bytes under two names or through a symlink (one object), and
 * two ingests of one warehouse at once (the second is refused), on real files and a real warehouse.
 */
class IngestBillingSafetyITCase {
  private static final String HEADER =
      "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,"
          + "EffectiveCost,ChargeCategory,ResourceId\n";
  private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");

  @TempDir Path tmp;

  /** Hourly FOCUS usage rows of account {@code account} from hour {@code from}, one per cost. */
  private static String rows(String account, int from, String... costs) {
    StringBuilder sb = new StringBuilder(HEADER);
    for (int i = 0; i < costs.length; i++) {
      Instant t = MARCH.plusSeconds(3600L * (from + i));
      sb.append(account)
          .append(",2026-03-01,")
          .append(t)
          .append(',')
          .append(t.plusSeconds(3600))
          .append(',')
          .append(costs[i])
          .append(',')
          .append(costs[i])
          .append(",Usage,i-0gpu")
          .append(i % 3)
          .append('\n');
    }
    return sb.toString();
  }

  private static void write(Path file, String text, long mtime) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtime));
  }

  private CliRun.Result ingest(Path root, Path warehouse) {
    return CliRun.ingestBilling(root, warehouse, tmp.resolve("work"));
  }

  private static JsonNode summary(CliRun.Result r) throws Exception {
    return CliRun.jsonSummary(r);
  }

  private static BigDecimal currentTotal(Path warehouse, String slice) throws Exception {
    try (SqlRunner sql = new SqlRunner(CatalogConfig.hadoop(warehouse))) {
      return CliRun.currentBilled(sql, slice);
    }
  }

  private static List<Record> table(Path warehouse, org.apache.iceberg.catalog.TableIdentifier id)
      throws IOException {
    Catalog catalog = IcebergTables.catalogLoader(CatalogConfig.hadoop(warehouse)).loadCatalog();
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(id)).build()) {
      rows.forEach(r -> out.add(r.copy()));
    }
    return out;
  }

  /**
   * March of account 123 in two loose files: 6 rows (5.99) and 4 rows (14.69), 20.68 together.
   * Delivered in one run they are one delivery (20.68, no warning); delivered in two runs the
   * second replaces the first (each loose delivery restates the month, as a FOCUS refresh does), so
   * the month is 14.69, and the run says so in one warning line, in {@code --json} and in the
   * second delivery's {@code billing_deliveries.warning}.
   */
  @Test
  void aMonthSplitOverLooseFilesInTwoRunsIsReplacedWithAWarning() throws Exception {
    long t0 = System.currentTimeMillis() - 3_600_000;
    String part1 = rows("123", 0, "1.00", "1.00", "1.00", "1.00", "1.00", "0.99");
    String part2 = rows("123", 6, "3.67", "3.67", "3.67", "3.68");

    Path together = tmp.resolve("together");
    write(together.resolve("march-1.csv"), part1, t0);
    write(together.resolve("march-2.csv"), part2, t0 + 60_000);
    Path wh1 = tmp.resolve("wh-together");
    CliRun.Result one = ingest(together, wh1);
    assertThat(one.code()).isZero();
    assertThat(summary(one).path("warnings").size()).isZero();
    assertThat(summary(one).path("deliveries").size()).isEqualTo(1);
    assertThat(currentTotal(wh1, "123/2026-03")).isEqualByComparingTo("20.68");

    Path apart = tmp.resolve("apart");
    Path wh2 = tmp.resolve("wh-apart");
    write(apart.resolve("march-1.csv"), part1, t0);
    CliRun.Result first = ingest(apart, wh2);
    assertThat(first.code()).isZero();
    assertThat(summary(first).path("warnings").size()).isZero();
    write(apart.resolve("march-2.csv"), part2, t0 + 60_000);
    CliRun.Result second = ingest(apart, wh2);
    assertThat(second.code()).isZero();
    JsonNode s = summary(second);
    assertThat(s.path("warnings").size()).isEqualTo(1);
    String warning = s.path("warnings").get(0).asText();
    String firstId = summary(first).path("deliveries").get(0).path("delivery_id").asText();
    String secondId = s.path("deliveries").get(0).path("delivery_id").asText();
    assertThat(warning)
        .isEqualTo(
            "warning: slice 123/2026-03 replaced by delivery "
                + secondId
                + " with 4 rows (BilledCost 14.69); the previous delivery "
                + firstId
                + " had 6 rows (5.99): if the month is split over several files, deliver them"
                + " together (one run) or with a manifest");
    assertThat(second.err()).contains(warning);
    assertThat(second.out()).contains(warning);
    System.out.println("split month, second run: " + warning);
    assertThat(currentTotal(wh2, "123/2026-03")).isEqualByComparingTo("14.69");
    List<Record> deliveries = table(wh2, TableSchemas.BILLING_DELIVERIES);
    assertThat(deliveries).hasSize(2);
    for (Record r : deliveries) {
      assertThat(r.getField("warning"))
          .isEqualTo(r.getField("delivery_id").equals(secondId) ? warning : null);
    }

    // an older loose file of the month (mtime before the current delivery's) does not replace
    write(apart.resolve("march-0.csv"), rows("123", 20, "7.00"), t0 - 60_000);
    JsonNode third = summary(ingest(apart, wh2));
    assertThat(third.path("warnings").get(0).asText())
        .startsWith("warning: slice 123/2026-03: delivery files-")
        .contains("is older than the current delivery " + secondId);
    assertThat(currentTotal(wh2, "123/2026-03")).isEqualByComparingTo("14.69");
  }

  /**
   * A file, a symlink to it and a copy of it under another name in a subfolder: one object. The
   * file is read (10 rows, 25.00), the other two are skipped with a line naming the file they
   * repeat; a later copy, and the file rewritten with the same bytes, are skipped too. The SHA-256
   * of every object is in {@code billing_deliveries.object_sha256}.
   */
  @Test
  void theSameBytesThroughASymlinkOrACopyAreOneObject() throws Exception {
    Path root = tmp.resolve("billing");
    Path wh = tmp.resolve("warehouse");
    String text =
        rows(
            "acct-7", 0, "2.50", "2.50", "2.50", "2.50", "2.50", "2.50", "2.50", "2.50", "2.50",
            "2.50");
    Path file = root.resolve("focus-2026-03.csv");
    write(file, text, System.currentTimeMillis() - 120_000);
    Files.createSymbolicLink(root.resolve("link.csv"), file);
    Files.createDirectories(root.resolve("sub"));
    Files.copy(file, root.resolve("sub/copy.csv"));

    CliRun.Result r = ingest(root, wh);
    assertThat(r.code()).isZero();
    JsonNode s = summary(r);
    assertThat(s.path("rows_read").asLong()).isEqualTo(10);
    assertThat(s.path("objects_same_content").size()).isEqualTo(2);
    for (JsonNode skipped : s.path("objects_same_content")) {
      assertThat(skipped.path("same_as").asText()).isEqualTo(file.toUri().toString());
    }
    assertThat(r.err())
        .contains(
            root.resolve("link.csv").toUri()
                + ": skipped, the same content (sha256 "
                + s.path("objects_same_content").get(0).path("sha256").asText().substring(0, 12)
                + ") as "
                + file.toUri());
    System.out.printf(
        "same content: %d bytes hashed in %.3f s (3 objects)%n",
        s.path("bytes_hashed").asLong(), s.path("hash_seconds").asDouble());
    assertThat(table(wh, TableSchemas.BILLING_LINE_ITEMS)).hasSize(10);
    List<Record> deliveries = table(wh, TableSchemas.BILLING_DELIVERIES);
    assertThat(deliveries).hasSize(1);
    Map<?, ?> hashes = (Map<?, ?>) deliveries.get(0).getField("object_sha256");
    assertThat(hashes).hasSize(3);
    assertThat(hashes.values().stream().distinct()).hasSize(1);
    assertThat(deliveries.get(0).getField("object_count")).isEqualTo(1);

    // nothing new on a rerun; a copy made later is the same object as well
    assertThat(summary(ingest(root, wh)).path("rows_read").asLong()).isZero();
    Files.copy(file, root.resolve("focus-2026-03 (1).csv"));
    JsonNode later = summary(ingest(root, wh));
    assertThat(later.path("rows_read").asLong()).isZero();
    assertThat(later.path("objects_same_content").get(0).path("same_as").asText())
        .isEqualTo(file.toUri().toString());
    // the file itself written again with the same bytes (a new mtime, which the symlink shows
    // too): still the same object, both skipped
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    JsonNode touched = summary(ingest(root, wh));
    assertThat(touched.path("rows_read").asLong()).isZero();
    assertThat(touched.path("objects_same_content").size()).isEqualTo(2);
    assertThat(table(wh, TableSchemas.BILLING_LINE_ITEMS)).hasSize(10);
    assertThat(currentTotal(wh, "acct-7/2026-03")).isEqualByComparingTo("25");
  }

  /**
   * Two ingests of one warehouse at the same time: while the first holds its delivery between
   * reading and committing, a second one in another thread and a third in another JVM ({@code
   * BurnrateCli}, as {@code ./burnrate} runs it) are refused, the process with exit code 3 and one
   * line naming the lock and its holder. The warehouse has one marker row and the rows once.
   */
  @Test
  void aSecondIngestOfTheSameWarehouseIsRefused() throws Exception {
    Path root = tmp.resolve("billing");
    Path wh = tmp.resolve("warehouse");
    write(
        root.resolve("march.csv"),
        rows("acct-9", 0, "4.00", "4.00", "4.00", "4.00", "4.00"),
        System.currentTimeMillis() - 60_000);
    List<Throwable> second = new ArrayList<>();
    List<String> third = new ArrayList<>();
    BillingIngest.Summary s =
        ingestApi(root, wh)
            .beforeCommit(
                d -> {
                  CompletableFuture<BillingIngest.Summary> t =
                      CompletableFuture.supplyAsync(
                          () -> {
                            try {
                              return ingestApi(root, wh).run();
                            } catch (Exception e) {
                              throw new RuntimeException(e);
                            }
                          });
                  try {
                    t.get(60, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    second.add(e.getCause() != null ? e.getCause().getCause() : e);
                  }
                  third.addAll(otherJvm(root, wh));
                })
            .run();
    assertThat(s.rowsIngested).isEqualTo(5);
    assertThat(second).hasSize(1);
    assertThat(second.get(0))
        .isInstanceOf(WarehouseLock.Busy.class)
        .hasMessageContaining(wh.resolve(WarehouseLock.FILE).toString())
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
    assertThat(third.get(0)).isEqualTo("exit 3");
    List<String> lines = third.subList(1, third.size());
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("burnrate ingest-billing: another ingest holds the warehouse")
        .contains(wh.resolve(WarehouseLock.FILE).toString())
        .contains("held by pid " + ProcessHandle.current().pid() + " on ");
    System.out.println("concurrent ingest, other JVM: " + lines.get(0));

    assertThat(table(wh, TableSchemas.BILLING_DELIVERIES)).hasSize(1);
    assertThat(table(wh, TableSchemas.BILLING_LINE_ITEMS)).hasSize(5);
    assertThat(currentTotal(wh, "acct-9/2026-03")).isEqualByComparingTo("20");
    // the lock went with its run: the next one runs (and finds nothing new)
    assertThat(ingestApi(root, wh).run().rowsRead).isZero();
    try (WarehouseLock lock = WarehouseLock.acquire(CatalogConfig.hadoop(wh))) {
      assertThat(lock.file()).exists();
    }
  }

  private BillingIngest ingestApi(Path root, Path wh) {
    return new BillingIngest(
        new BillingIngest.Options(
            root.toString(),
            CatalogConfig.hadoop(wh),
            BillingIngest.FormatChoice.AUTO,
            null,
            null,
            tmp.resolve("work"),
            null));
  }

  /** {@code ./burnrate ingest-billing} in another JVM: "exit N", then its stderr lines. */
  private static List<String> otherJvm(Path root, Path wh) {
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.burnrate.tools.cli.BurnrateCli",
                  "ingest-billing",
                  "--from",
                  root.toString(),
                  "--warehouse",
                  wh.toString())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      List<String> out = new ArrayList<>();
      out.add("exit " + p.exitValue());
      assertThat(err).doesNotContain("\tat ");
      Arrays.stream(err.split("\n")).filter(l -> l.startsWith("burnrate")).forEach(out::add);
      return out;
    } catch (IOException | InterruptedException e) {
      throw new RuntimeException(e);
    }
  }
}
