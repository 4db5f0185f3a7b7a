package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.parse.BillingRowParser;
import io.burnrate.tools.cli.IngestBillingCommand;
import io.burnrate.tools.demo.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate ingest-billing --to-topic} against a real broker on loopback: every usable row
 * lands on {@code burnrate.billing.focus} as FOCUS JSON the job's parser reads back with its
 * provenance, every bad row on {@code burnrate.dlq} naming the file and row.
 */
class IngestBillingToTopicITCase {
  @TempDir Path tmp;

  private int ingestToTopic(Path from, EmbeddedKafka kafka) {
    return IngestBillingCommand.run(
        "--from",
        from.toString(),
        "--warehouse",
        tmp.resolve("warehouse").toString(),
        "--to-topic",
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--tmp-dir",
        tmp.resolve("work").toString());
  }

  private static List<BillingLineItem> billingRows(EmbeddedKafka kafka) throws Exception {
    BillingRowParser parser = new BillingRowParser();
    List<BillingLineItem> rows = new ArrayList<>();
    for (JsonNode n : IntegrationEnv.readCommitted(kafka, Topics.BILLING_FOCUS)) {
      rows.add(parser.parseJson(IntegrationEnv.MAPPER.writeValueAsBytes(n)));
    }
    return rows;
  }

  @Test
  void rowsToTheBillingTopicAndDeadLettersToTheDlq() throws Exception {
    Path from = Files.createDirectories(tmp.resolve("billing"));
    Files.writeString(
        from.resolve("cur-2026-03.csv"),
        "bill_payer_account_id,line_item_line_item_type,line_item_usage_start_date,"
            + "line_item_usage_end_date,line_item_unblended_cost,pricing_term,"
            + "product_instance_type,line_item_resource_id,resource_tags\n"
            + "111122223333,Usage,2026-03-01 00:00:00,2026-03-01 01:00:00,32.7726,OnDemand,"
            + "p4d.24xlarge,i-0gpu1,\"{\"\"user_team\"\":\"\"vision\"\"}\"\n"
            + "111122223333,Usage,2026-03-01 01:00:00,2026-03-01 02:00:00,12.5,Spot,"
            + "g5.12xlarge,i-0gpu2,{}\n"
            + "111122223333,Credit,2026-03-01 00:00:00,2026-04-01 00:00:00,-20,,,NULL,\n"
            + "111122223333,Usage,2026-03-01 02:00:00,2026-03-01 03:00:00,abc,OnDemand,,,\n");
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2)) {
      int code = ingestToTopic(from, kafka);
      assertThat(code).isZero();

      List<BillingLineItem> rows = billingRows(kafka);
      assertThat(rows).hasSize(3);
      BillingLineItem gpu =
          rows.stream().filter(b -> "i-0gpu1".equals(b.resourceId)).findFirst().orElseThrow();
      assertThat(gpu.billedCost).isEqualTo(32.7726);
      assertThat(gpu.sourceFormat).isEqualTo("cur-2.0");
      assertThat(gpu.instanceType).isEqualTo("p4d.24xlarge");
      assertThat(gpu.pricingCategory).isEqualTo("Standard");
      assertThat(gpu.tags).containsEntry("user_team", "vision");
      assertThat(gpu.sourceObject).endsWith("/billing/cur-2026-03.csv");
      assertThat(gpu.sourceRow).isEqualTo(1);
      assertThat(gpu.deliveryId).startsWith("files-");
      assertThat(gpu.billingAccountSlice).isEqualTo("111122223333/2026-03");
      assertThat(rows).anyMatch(b -> "Credit".equals(b.chargeCategory) && b.billedCost == -20);

      List<JsonNode> dlq = IntegrationEnv.readCommitted(kafka, Topics.DLQ);
      assertThat(dlq).hasSize(1);
      assertThat(dlq.get(0).get("reason").asText()).isEqualTo("invalid_value");
      assertThat(dlq.get(0).get("detail").asText()).contains("line_item_unblended_cost", "abc");
      assertThat(dlq.get(0).get("source_topic").asText()).endsWith("/billing/cur-2026-03.csv");
      assertThat(dlq.get(0).get("source_offset").asLong()).isEqualTo(4);
    }
  }

  /**
   * A run with a refresh whose only object breaks off in its gzip stream (1,000 rows, a few hundred
   * readable before the break) beside a readable loose file: nothing of the failed delivery is
   * published (every object of a delivery is read to its end before its first row is sent), the
   * loose file's 3 rows and 1 dead letter are, once.
   */
  @Test
  void aDeliveryThatFailsPublishesNothing() throws Exception {
    Path from = Files.createDirectories(tmp.resolve("billing"));
    String data = "exports/gpu-focus/data/BILLING_PERIOD=2026-03/";
    String meta = "exports/gpu-focus/metadata/BILLING_PERIOD=2026-03/";
    Files.createDirectories(from.resolve(data));
    Files.createDirectories(from.resolve(meta));
    StringBuilder month =
        new StringBuilder(
            "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,"
                + "EffectiveCost,ChargeCategory,ResourceId\n");
    java.time.Instant t0 = java.time.Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < 1000; i++) {
      month
          .append("acct-1,2026-03-01,")
          .append(t0.plusSeconds(3600L * i))
          .append(',')
          .append(t0.plusSeconds(3600L * (i + 1)))
          .append(",1.25,1.25,Usage,i-0gpu")
          .append(i % 7)
          .append('\n');
    }
    java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(month.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    byte[] full = gz.toByteArray();
    Files.write(
        from.resolve(data + "part-00001.csv.gz"), java.util.Arrays.copyOf(full, full.length / 2));
    Files.writeString(
        from.resolve(meta + "gpu-focus-Manifest.json"),
        "{\"executionId\":\"exec-1\",\"exportName\":\"gpu-focus\",\"billingPeriod\":"
            + "\"2026-03\",\"dataFiles\":[\""
            + data
            + "part-00001.csv.gz\"]}");
    Files.writeString(
        from.resolve("loose.csv"),
        "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,"
            + "EffectiveCost,ChargeCategory,ResourceId\n"
            + "acct-2,2026-03-01,2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,2.00,2.00,Usage,i-1\n"
            + "acct-2,2026-03-01,2026-03-01T01:00:00Z,2026-03-01T02:00:00Z,2.00,2.00,Usage,i-1\n"
            + "acct-2,2026-03-01,2026-03-01T02:00:00Z,2026-03-01T03:00:00Z,2.00,2.00,Usage,i-1\n"
            + "acct-2,2026-03-01,2026-03-01T03:00:00Z,2026-03-01T04:00:00Z,two,2.00,Usage,i-1\n");
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2)) {
      int code = ingestToTopic(from, kafka);
      assertThat(code).isEqualTo(1);
      List<BillingLineItem> rows = billingRows(kafka);
      System.out.println(
          "to-topic, failed delivery: " + rows.size() + " rows on " + Topics.BILLING_FOCUS);
      assertThat(rows).hasSize(3).allMatch(b -> b.billingAccountSlice.equals("acct-2/2026-03"));
      assertThat(rows).noneMatch(b -> b.deliveryId.startsWith("gpu-focus/"));
      List<JsonNode> dlq = IntegrationEnv.readCommitted(kafka, Topics.DLQ);
      assertThat(dlq).hasSize(1);
      assertThat(dlq.get(0).get("source_topic").asText()).endsWith("/billing/loose.csv");
    }
  }
}
