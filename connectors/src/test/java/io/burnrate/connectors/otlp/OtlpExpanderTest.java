package io.burnrate.connectors.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.schemas.model.DeadLetter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class OtlpExpanderTest {

  private static List<RawRecord> expand(byte[] value) {
    RawRecord r = new RawRecord();
    r.topic = "burnrate.telemetry.gpu";
    r.partition = 3;
    r.offset = 41;
    r.timestamp = 1_700_000_000_000L;
    r.key = "node-a".getBytes(StandardCharsets.UTF_8);
    r.value = value;
    List<RawRecord> out = new ArrayList<>();
    new OtlpExpander(OtlpExpander.Kind.GPU)
        .expand(
            r,
            new Collector<>() {
              @Override
              public void collect(RawRecord x) {
                out.add(x);
              }

              @Override
              public void close() {}
            });
    return out;
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static byte[] scrape(String metric, int gpus) {
    Gauge.Builder g = Gauge.newBuilder();
    for (int i = 0; i < gpus; i++) {
      g.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(1_700_000_000_000_000_000L)
              .addAttributes(attr("gpu", Integer.toString(i)))
              .addAttributes(attr("Hostname", "node-a"))
              .setAsDouble(40 + i));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(Metric.newBuilder().setName(metric).setGauge(g))))
        .build()
        .toByteArray();
  }

  @Test
  void aScrapeBecomesOneRecordPerGpuWithTheRequestsCoordinates() {
    List<RawRecord> out = expand(scrape("DCGM_FI_DEV_GPU_UTIL", 4));
    assertThat(out).hasSize(4);
    assertThat(out).extracting(r -> r.continuation).containsExactly(false, true, true, true);
    assertThat(out).allSatisfy(r -> assertThat(r.offset).isEqualTo(41));
    assertThat(out).allSatisfy(r -> assertThat(r.partition).isEqualTo(3));
    assertThat(out).allSatisfy(r -> assertThat(r.rejectReason).isNull());
    assertThat(new String(out.get(2).value, StandardCharsets.UTF_8))
        .contains("\"gpu\":\"2\"")
        .contains("\"DCGM_FI_DEV_GPU_UTIL\":42.0");
  }

  @Test
  void aJsonRecordPassesAsItIs() {
    byte[] json = "{\"timestamp\":1,\"Hostname\":\"n\",\"gpu\":0}".getBytes(StandardCharsets.UTF_8);
    List<RawRecord> out = expand(json);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).value).isSameAs(json);
    assertThat(out.get(0).continuation).isFalse();
  }

  @Test
  void unreadableOrForeignRequestsAreRejectedWithAReason() {
    List<RawRecord> junk = expand(new byte[] {0x0A, (byte) 0xFF, 0x01});
    assertThat(junk).hasSize(1);
    assertThat(junk.get(0).rejectReason).isEqualTo(DeadLetter.Reasons.INVALID_JSON);
    assertThat(junk.get(0).rejectDetail).contains("OTLP");

    List<RawRecord> foreign = expand(scrape("http_server_duration", 2));
    assertThat(foreign).hasSize(1);
    assertThat(foreign.get(0).rejectReason).isEqualTo(DeadLetter.Reasons.MISSING_FIELD);
    assertThat(foreign.get(0).rejectDetail).contains("DCGM_FI_");
  }
}
