package io.burnrate.connectors.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.connectors.testing.S3ProxyServer;
import io.burnrate.schemas.iceberg.TableSchemas;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Billing files on a real S3 API (S3Proxy on loopback): an AWS Data Exports layout with a Parquet
 * and a gzip'd CSV data file named by a manifest, a loose CSV, and a corrupt gzip (which fails
 * alone); read with the AWS SDK v2 and ingested into a real Iceberg warehouse.
 */
class BillingS3ITCase {
  private static final String BUCKET = "billing";
  private static final String DATA = "exports/gpu-cur/data/BILLING_PERIOD=2026-03/";
  private static final String MANIFEST =
      "exports/gpu-cur/metadata/BILLING_PERIOD=2026-03/gpu-cur-Manifest.json";

  @TempDir static Path tmp;
  private static S3ProxyServer s3proxy;
  private static S3Client s3;
  private static final List<BillingTestFiles.CurLine> PARQUET_LINES =
      BillingTestFiles.month("111122223333", 100, 0);
  private static final List<BillingTestFiles.CurLine> CSV_LINES =
      BillingTestFiles.month("111122223333", 50, 0.5).subList(0, 50);
  private static final List<BillingTestFiles.CurLine> LOOSE_LINES =
      BillingTestFiles.month("999988887777", 20, 0);

  @BeforeAll
  static void startS3() throws Exception {
    s3proxy = new S3ProxyServer(Files.createDirectories(tmp.resolve("s3proxy")));
    s3 = s3proxy.settings().client();
    s3.createBucket(b -> b.bucket(BUCKET));
    Path parquet = tmp.resolve("cur-00001.snappy.parquet");
    BillingTestFiles.parquet(parquet, PARQUET_LINES);
    put(DATA + "gpu-cur-00001.snappy.parquet", Files.readAllBytes(parquet));
    put(DATA + "gpu-cur-00002.csv.gz", BillingTestFiles.gzip(BillingTestFiles.csv(CSV_LINES)));
    put(
        MANIFEST,
        ("{\"executionId\":\"exec-1\",\"exportName\":\"gpu-cur\",\"billingPeriod\":\"2026-03\","
                + "\"dataFiles\":[\"s3://billing/"
                + DATA
                + "gpu-cur-00001.snappy.parquet\",\"s3://billing/"
                + DATA
                + "gpu-cur-00002.csv.gz\"]}")
            .getBytes(StandardCharsets.UTF_8));
    put("adhoc/other-account.csv", BillingTestFiles.csv(LOOSE_LINES));
    byte[] gz = BillingTestFiles.gzip(BillingTestFiles.csv(LOOSE_LINES));
    put("adhoc/truncated.csv.gz", java.util.Arrays.copyOf(gz, gz.length / 2));
    put("adhoc/README.txt", "not billing".getBytes(StandardCharsets.UTF_8));
  }

  private static void put(String key, byte[] bytes) {
    s3.putObject(
        PutObjectRequest.builder().bucket(BUCKET).key(key).build(), RequestBody.fromBytes(bytes));
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (s3proxy != null) {
      s3proxy.close();
    }
  }

  @Test
  void readsParquetAndGzipCsvFromS3() throws Exception {
    try (ObjectStore store = ObjectStore.of("s3://" + BUCKET + "/exports", s3proxy.settings())) {
      List<BillingObject> objects = store.list();
      assertThat(objects)
          .extracting(BillingObject::key)
          .containsExactly(
              "gpu-cur/data/BILLING_PERIOD=2026-03/gpu-cur-00001.snappy.parquet",
              "gpu-cur/data/BILLING_PERIOD=2026-03/gpu-cur-00002.csv.gz",
              "gpu-cur/metadata/BILLING_PERIOD=2026-03/gpu-cur-Manifest.json");
      assertThat(objects).allMatch(o -> o.etag() != null && o.size() > 0);
      assertThat(objects.get(0).uri())
          .isEqualTo(
              "s3://billing/exports/gpu-cur/data/BILLING_PERIOD=2026-03/gpu-cur-00001.snappy.parquet");

      List<BillingRow> rows = new ArrayList<>();
      try (BillingFileReader r = BillingFileReader.open(store, objects.get(0), tmp)) {
        assertThat(r.columns()).contains("line_item_unblended_cost", "resource_tags");
        BillingRow row;
        while ((row = r.next()) != null) {
          rows.add(row);
        }
      }
      assertThat(rows).hasSize(100);
      assertThat(rows.get(0).number()).isEqualTo(1);
      Object[] first = rows.get(0).values();
      assertThat(first[3]).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
      assertThat(first[5]).isEqualTo(1.25);
      assertThat(first[9]).isEqualTo(Map.of("user_team", "team-0"));
      assertThat(rows.get(9).values()[9]).as("empty map").isEqualTo(Map.of());

      int csvRows = 0;
      try (BillingFileReader r = BillingFileReader.open(store, objects.get(1), tmp)) {
        while (r.next() != null) {
          csvRows++;
        }
      }
      assertThat(csvRows).isEqualTo(50);
      assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().startsWith("billing-")))
          .as("Parquet copies are deleted")
          .isEmpty();
    }
  }

  @Test
  void ingestsTheBucketOnceAndAccountsForEveryRow() throws Exception {
    CatalogConfig catalog = CatalogConfig.hadoop(tmp.resolve("warehouse-s3"));
    BillingIngest.Options options =
        new BillingIngest.Options(
            "s3://" + BUCKET + "/",
            catalog,
            BillingIngest.FormatChoice.AUTO,
            s3proxy.settings(),
            null,
            tmp.resolve("work"),
            line -> {});
    BillingIngest.Summary s = new BillingIngest(options).run();

    assertThat(s.deliveries).hasSize(2);
    assertThat(s.rowsRead).isEqualTo(100 + 50 + 20);
    assertThat(s.rowsIngested).isEqualTo(170);
    assertThat(s.deadLetters).isEmpty();
    // the truncated gzip fails (its loose delivery is not committed); the other loose file is a
    // delivery of its own
    assertThat(s.failed)
        .singleElement()
        .satisfies(
            f -> assertThat(f.get("object")).isEqualTo("s3://billing/adhoc/truncated.csv.gz"));
    assertThat(s.ignoredObjects).isEqualTo(1);
    BigDecimal expected =
        BillingTestFiles.billed(PARQUET_LINES)
            .add(BillingTestFiles.billed(CSV_LINES))
            .add(BillingTestFiles.billed(LOOSE_LINES));
    assertThat(s.billedCost).isEqualByComparingTo(expected);
    assertThat(s.credits).isEqualByComparingTo(BigDecimal.valueOf(-5.0 * (10 + 5 + 2)));

    Catalog c = IcebergTables.catalogLoader(catalog).loadCatalog();
    BigDecimal warehouse = BigDecimal.ZERO;
    List<String> sources = new ArrayList<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(c.loadTable(TableSchemas.BILLING_LINE_ITEMS)).build()) {
      for (Record r : rows) {
        warehouse = warehouse.add((BigDecimal) r.getField("BilledCost"));
        sources.add(r.getField("x_SourceObject") + "#" + r.getField("x_SourceRow"));
      }
    }
    assertThat(warehouse).isEqualByComparingTo(expected);
    assertThat(sources).hasSize(170).doesNotHaveDuplicates();
    assertThat(sources).contains("s3://billing/" + DATA + "gpu-cur-00001.snappy.parquet#100");
    List<String> dead = new ArrayList<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(c.loadTable(TableSchemas.BILLING_DEAD_LETTERS)).build()) {
      rows.forEach(r -> dead.add(r.getField("reason") + " " + r.getField("source_object")));
    }
    assertThat(dead).isEmpty();

    BillingIngest.Summary again = new BillingIngest(options).run();
    assertThat(again.deliveries).isEmpty();
    assertThat(again.rowsRead).isZero();
    assertThat(again.alreadyIngested).as("the manifest and the readable loose file").isEqualTo(2);
    assertThat(again.failed).as("the truncated gzip, again").hasSize(1);
  }
}
