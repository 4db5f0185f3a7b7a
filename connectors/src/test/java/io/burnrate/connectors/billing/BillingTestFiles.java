package io.burnrate.connectors.billing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Billing files for tests: CUR 2.0 rows as CSV, gzip'd CSV and Parquet (written by parquet-java).
 */
final class BillingTestFiles {
  /** One CUR 2.0 line item. */
  record CurLine(
      String account,
      String type,
      Instant start,
      String resourceId,
      String instanceType,
      double unblended,
      String term,
      Map<String, String> tags) {}

  static final String CUR_COLUMNS =
      "bill_payer_account_id,bill_billing_period_start_date,line_item_line_item_type,"
          + "line_item_usage_start_date,line_item_usage_end_date,line_item_unblended_cost,"
          + "pricing_term,product_instance_type,line_item_resource_id,resource_tags";

  static final MessageType CUR_PARQUET =
      MessageTypeParser.parseMessageType(
          "message cur {\n"
              + " optional binary bill_payer_account_id (STRING);\n"
              + " optional int64 bill_billing_period_start_date (TIMESTAMP(MILLIS,true));\n"
              + " optional binary line_item_line_item_type (STRING);\n"
              + " optional int64 line_item_usage_start_date (TIMESTAMP(MICROS,true));\n"
              + " optional int64 line_item_usage_end_date (TIMESTAMP(MICROS,true));\n"
              + " optional double line_item_unblended_cost;\n"
              + " optional binary pricing_term (STRING);\n"
              + " optional binary product_instance_type (STRING);\n"
              + " optional binary line_item_resource_id (STRING);\n"
              + " optional group resource_tags (MAP) {\n"
              + "   repeated group key_value {\n"
              + "     required binary key (STRING);\n"
              + "     optional binary value (STRING);\n"
              + "   }\n"
              + " }\n"
              + "}");

  private BillingTestFiles() {}

  /** {@code n} hourly GPU line items of one account in March 2026, costs 1.25 + i/100. */
  static List<CurLine> month(String account, int n, double costOffset) {
    List<CurLine> out = new ArrayList<>();
    Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      boolean credit = i % 10 == 9;
      out.add(
          new CurLine(
              account,
              credit ? "Credit" : "Usage",
              t0.plusSeconds(3600L * i),
              credit ? null : "i-0gpu" + (i % 4),
              credit ? null : "p4d.24xlarge",
              credit ? -5.0 : 1.25 + i / 100.0 + costOffset,
              credit ? null : (i % 3 == 0 ? "Spot" : "OnDemand"),
              credit ? Map.of() : Map.of("user_team", "team-" + (i % 3))));
    }
    return out;
  }

  static byte[] csv(List<CurLine> lines) {
    StringBuilder sb = new StringBuilder(CUR_COLUMNS).append("\r\n");
    for (CurLine l : lines) {
      sb.append(l.account()).append(',');
      sb.append("2026-03-01T00:00:00.000Z,");
      sb.append(l.type()).append(',');
      sb.append(l.start().toString().replace('T', ' ').replace("Z", "")).append(',');
      sb.append(l.start().plusSeconds(3600)).append(',');
      sb.append(l.unblended()).append(',');
      sb.append(l.term() == null ? "" : l.term()).append(',');
      sb.append(l.instanceType() == null ? "" : l.instanceType()).append(',');
      sb.append(l.resourceId() == null ? "NULL" : l.resourceId()).append(',');
      sb.append('"').append(tagsJson(l.tags()).replace("\"", "\"\"")).append('"');
      sb.append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] b) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  static void parquet(Path file, List<CurLine> lines) throws IOException {
    Files.deleteIfExists(file);
    SimpleGroupFactory groups = new SimpleGroupFactory(CUR_PARQUET);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withType(CUR_PARQUET)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .build()) {
      for (CurLine l : lines) {
        Group g = groups.newGroup();
        g.add("bill_payer_account_id", l.account());
        g.add(
            "bill_billing_period_start_date", Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
        g.add("line_item_line_item_type", l.type());
        g.add("line_item_usage_start_date", micros(l.start()));
        g.add("line_item_usage_end_date", micros(l.start().plusSeconds(3600)));
        g.add("line_item_unblended_cost", l.unblended());
        if (l.term() != null) {
          g.add("pricing_term", l.term());
        }
        if (l.instanceType() != null) {
          g.add("product_instance_type", l.instanceType());
        }
        if (l.resourceId() != null) {
          g.add("line_item_resource_id", l.resourceId());
        }
        Group tags = g.addGroup("resource_tags");
        for (Map.Entry<String, String> e : l.tags().entrySet()) {
          tags.addGroup("key_value").append("key", e.getKey()).append("value", e.getValue());
        }
        w.write(g);
      }
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static String tagsJson(Map<String, String> tags) {
    StringBuilder sb = new StringBuilder("{");
    tags.forEach(
        (k, v) -> {
          if (sb.length() > 1) {
            sb.append(',');
          }
          sb.append('"').append(k).append("\":\"").append(v).append('"');
        });
    return sb.append('}').toString();
  }

  /** The sum of BilledCost of the lines, at the table's scale. */
  static java.math.BigDecimal billed(List<CurLine> lines) {
    return lines.stream()
        .map(l -> BillingTables.money(l.unblended()))
        .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
  }
}
