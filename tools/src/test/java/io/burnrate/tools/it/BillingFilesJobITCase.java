package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with {@code billing.files.location}: a FOCUS CSV export dropped in a folder is read by
 * the job's file source, its rows land in {@code billing_line_items} with their provenance, and the
 * row that cannot be used goes to the dead-letter topic naming the object and row; an object that
 * breaks off lands no row and is one {@code unreadable_object} dead letter.
 */
class BillingFilesJobITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void run() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 1);
    Path exports = Files.createDirectories(tmp.resolve("exports/focus"));
    Files.writeString(
        exports.resolve("focus-2026-01.csv"),
        "BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,"
            + "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ResourceId,ServiceName\n"
            + "123,2026-01-01 00:00:00,2026-02-01 00:00:00,2026-01-05 10:00:00,"
            + "2026-01-05 11:00:00,32.7726,21.30,USD,Usage,i-0abc,Amazon Elastic Compute Cloud\n"
            + "123,2026-01-01 00:00:00,2026-02-01 00:00:00,2026-01-05 10:00:00,"
            + "2026-01-05 11:00:00,-5,-5,USD,Credit,NULL,Amazon Elastic Compute Cloud\n"
            + "123,2026-01-01 00:00:00,2026-02-01 00:00:00,2026-01-05 10:00:00,"
            + "2026-01-05 11:00:00,abc,1,USD,Usage,i-0abc,Amazon Elastic Compute Cloud\n");
    // February's export breaks off in the middle of its gzip stream: no row of it may land
    StringBuilder feb =
        new StringBuilder(
            "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,"
                + "EffectiveCost,ChargeCategory,ResourceId\n");
    for (int i = 0; i < 1000; i++) {
      feb.append("123,2026-02-01,2026-02-01T00:00:00Z,2026-02-01T01:00:00Z,1.25,1.25,Usage,i-")
          .append(i)
          .append('\n');
    }
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(feb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Files.write(
        exports.resolve("focus-2026-02.csv.gz"),
        java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
    Configuration c = new Configuration();
    c.set(BurnrateOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    c.set(BurnrateOptions.KAFKA_GROUP, "it-files");
    c.set(BurnrateOptions.KAFKA_TXN_PREFIX, "it-files");
    c.set(BurnrateOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    c.set(BurnrateOptions.ICEBERG_WAREHOUSE, tmp.resolve("warehouse").toString());
    c.set(BurnrateOptions.BILLING_FILES, tmp.resolve("exports").toString());
    JobConfig cfg = JobConfig.from(c);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            Configuration.fromMap(Map.of("pipeline.generic-types", "false")));
    env.setParallelism(2);
    BurnrateJob.addTo(env, cfg, true);
    env.execute("burnrate-it-billing-files");
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void rowsLandWithTheirProvenanceAndTheBadRowIsADeadLetter() throws Exception {
    List<Record> rows =
        IntegrationEnv.readTable(
            CatalogConfig.hadoop(tmp.resolve("warehouse")), TableSchemas.BILLING_LINE_ITEMS);
    assertThat(rows).hasSize(2);
    BigDecimal billed =
        rows.stream().map(r -> (BigDecimal) r.getField("BilledCost")).reduce(BigDecimal::add).get();
    assertThat(billed).isEqualByComparingTo("27.7726");
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat((String) r.getField("x_SourceObject")).endsWith("focus-2026-01.csv");
              assertThat(r.getField("x_DeliveryId")).isNotNull();
            });
    List<JsonNode> dlq = IntegrationEnv.readCommitted(kafka, Topics.DLQ);
    assertThat(dlq).hasSize(2);
    JsonNode bad =
        dlq.stream()
            .filter(d -> d.get("source_topic").asText().endsWith("focus-2026-01.csv"))
            .findFirst()
            .orElseThrow();
    assertThat(bad.get("source_offset").asLong()).isEqualTo(3);
    assertThat(bad.get("reason").asText()).isEqualTo("invalid_value");
    // the truncated object: one dead letter naming it and the cause, and none of its rows landed
    JsonNode cut =
        dlq.stream()
            .filter(d -> d.get("source_topic").asText().endsWith("focus-2026-02.csv.gz"))
            .findFirst()
            .orElseThrow();
    assertThat(cut.get("reason").asText()).isEqualTo("unreadable_object");
    assertThat(cut.get("detail").asText())
        .contains("focus-2026-02.csv.gz")
        .contains("no row of the object was emitted");
    System.out.println("billing files job, truncated object: " + cut.get("detail").asText());
  }
}
