package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.burnrate.schemas.Samples;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.schemas.model.GpuSample;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real dcgm-exporter scrape as the OpenTelemetry Collector's prometheus receiver turns it into
 * OTLP (one metric per DCGM field, gauges, counters as cumulative monotonic sums, the series'
 * labels as data point attributes, the scrape target as resource attributes) must give the same GPU
 * samples as the same scrape written as Burnrate's JSON records.
 */
class OtlpGpuMetricsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SCRAPE = "samples/dcgm/datadog-integrations-core-dcgm-metrics.txt";
  private static final long T0_MS = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();
  private static final long T0_NANOS = T0_MS * 1_000_000L;
  private static final Pattern SERIES =
      Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)\\{(.*)\\}\\s+(\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final GpuSampleParser parser = new GpuSampleParser("test-cluster");

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  /**
   * The scrape as the prometheus receiver emits it: metrics in scrape order, one data point per
   * labelled series (the {@code # NOTE} dummy metrics left out, as in {@link
   * GpuSampleParserTest#scrapeRecords}), plus the receiver's own {@code up} and {@code
   * scrape_duration_seconds}.
   */
  static ExportMetricsServiceRequest receiverRequest(String hostResourceAttr) {
    Map<String, String> types = new HashMap<>();
    Map<String, Metric.Builder> metrics = new LinkedHashMap<>();
    Set<String> noted = new HashSet<>();
    for (String line : Samples.lines(SCRAPE)) {
      if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ");
        types.put(f[2], f[3]);
        continue;
      }
      if (line.startsWith("# NOTE ")) {
        String first = line.substring("# NOTE ".length()).split(" ")[0];
        if (first.startsWith("DCGM_FI_")) {
          noted.add(first);
        }
        continue;
      }
      Matcher m = SERIES.matcher(line.trim());
      if (line.startsWith("#") || !m.matches() || noted.contains(m.group(1))) {
        continue;
      }
      NumberDataPoint.Builder p =
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(T0_NANOS)
              .setAsDouble(Double.parseDouble(m.group(3)));
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        p.addAttributes(attr(l.group(1), l.group(2)));
      }
      String name = m.group(1);
      Metric.Builder metric = metrics.computeIfAbsent(name, n -> Metric.newBuilder().setName(n));
      if ("counter".equals(types.get(name))) {
        p.setStartTimeUnixNano(T0_NANOS - 3_600_000_000_000L);
        Sum.Builder sum =
            metric.hasSum()
                ? metric.getSum().toBuilder()
                : Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        metric.setSum(sum.addDataPoints(p));
      } else {
        Gauge.Builder gauge =
            metric.hasGauge() ? metric.getGauge().toBuilder() : Gauge.newBuilder();
        metric.setGauge(gauge.addDataPoints(p));
      }
    }
    ScopeMetrics.Builder scope =
        ScopeMetrics.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName(
                        "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver"));
    metrics.values().forEach(scope::addMetrics);
    scope.addMetrics(
        Metric.newBuilder()
            .setName("up")
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(
                        NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsDouble(1))));
    Resource.Builder resource =
        Resource.newBuilder()
            .addAttributes(attr("service.name", "dcgm-exporter"))
            .addAttributes(attr("service.instance.id", "10.0.3.7:9400"))
            .addAttributes(attr("server.address", "10.0.3.7"))
            .addAttributes(attr("url.scheme", "http"));
    if (hostResourceAttr != null) {
      resource.addAttributes(attr("k8s.node.name", hostResourceAttr));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope))
        .build();
  }

  private List<GpuSample> samples(List<byte[]> records) throws ParseException {
    List<GpuSample> out = new ArrayList<>();
    for (byte[] r : records) {
      out.add(parser.parse(r));
    }
    return out;
  }

  /** Every field of each sample, NaN included (NaN is not equal to itself as a double). */
  private static List<String> canonical(List<GpuSample> samples) throws Exception {
    List<String> out = new ArrayList<>();
    for (GpuSample s : samples) {
      out.add(MAPPER.writeValueAsString(s));
    }
    return out;
  }

  private List<GpuSample> fromJsonContract() throws Exception {
    List<GpuSample> out = new ArrayList<>();
    for (ObjectNode rec : GpuSampleParserTest.scrapeRecords().values()) {
      out.add(parser.parse(MAPPER.writeValueAsBytes(rec)));
    }
    return out;
  }

  @Test
  void aReceiverScrapeGivesTheSameSamplesAsTheJsonContract() throws Exception {
    byte[] proto = receiverRequest(null).toByteArray();
    assertThat(OtlpGpuMetrics.isOtlp(proto)).isTrue();
    List<GpuSample> otlp = samples(OtlpGpuMetrics.records(proto));
    List<GpuSample> json = fromJsonContract();
    assertThat(otlp).hasSize(3);
    assertThat(canonical(otlp)).isEqualTo(canonical(json));

    GpuSample t4 = otlp.get(0);
    assertThat(t4.hostname).isEqualTo("424773df46e0");
    assertThat(t4.modelName).isEqualTo("Tesla T4");
    assertThat(t4.timestamp).isEqualTo(T0_MS);
    assertThat(t4.powerUsage).isEqualTo(8.969);
    assertThat(t4.gpuTemp).isEqualTo(25.0);
    assertThat(t4.totalEnergy).as("a counter: a cumulative sum").isEqualTo(128996013.0);
    GpuSample a10g = otlp.get(2);
    assertThat(a10g.pod).isEqualTo("ray-1111111");
    assertThat(a10g.namespace).isEqualTo("ray-llm");
    assertThat(a10g.container).isEqualTo("ray-worker");
  }

  @Test
  void otlpJsonIsReadLikeProtobuf() throws Exception {
    ExportMetricsServiceRequest req = receiverRequest(null);
    byte[] json = JsonFormat.printer().print(req).getBytes(StandardCharsets.UTF_8);
    assertThat(OtlpGpuMetrics.isOtlp(json)).isTrue();
    assertThat(canonical(samples(OtlpGpuMetrics.records(json))))
        .isEqualTo(canonical(samples(OtlpGpuMetrics.records(req.toByteArray()))));
  }

  @Test
  void aBurnrateJsonRecordIsNotOtlp() throws Exception {
    byte[] rec =
        MAPPER.writeValueAsBytes(GpuSampleParserTest.scrapeRecords().values().iterator().next());
    assertThat(OtlpGpuMetrics.isOtlp(rec)).isFalse();
    assertThat(OtlpGpuMetrics.isOtlp(new byte[0])).isFalse();
  }

  @Test
  void theNodeComesFromTheResourceWhenTheSeriesHaveNoHostname() throws Exception {
    ExportMetricsServiceRequest.Builder b = receiverRequest("gpu-node-7").toBuilder();
    // strip Hostname from every data point
    ScopeMetrics.Builder scope = b.getResourceMetricsBuilder(0).getScopeMetricsBuilder(0);
    for (Metric.Builder m : scope.getMetricsBuilderList()) {
      List<NumberDataPoint.Builder> points =
          m.hasGauge()
              ? m.getGaugeBuilder().getDataPointsBuilderList()
              : m.getSumBuilder().getDataPointsBuilderList();
      for (NumberDataPoint.Builder p : points) {
        List<KeyValue> kept =
            p.getAttributesList().stream().filter(a -> !a.getKey().equals("Hostname")).toList();
        p.clearAttributes().addAllAttributes(kept);
      }
    }
    List<GpuSample> s = samples(OtlpGpuMetrics.records(b.build().toByteArray()));
    assertThat(s).isNotEmpty().allSatisfy(x -> assertThat(x.hostname).isEqualTo("gpu-node-7"));
  }

  @Test
  void migInstancesAreSamplesOfTheirOwnAndStaleValuesAreSkipped() throws Exception {
    NumberDataPoint.Builder base =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(T0_NANOS)
            .addAttributes(attr("gpu", "0"))
            .addAttributes(attr("UUID", "GPU-mig"))
            .addAttributes(attr("modelName", "NVIDIA A100-SXM4-80GB"))
            .addAttributes(attr("Hostname", "n1"))
            .addAttributes(attr("GPU_I_PROFILE", "1g.10gb"));
    Gauge.Builder util = Gauge.newBuilder();
    for (int i = 0; i < 3; i++) {
      util.addDataPoints(
          base.clone()
              .addAttributes(attr("GPU_I_ID", Integer.toString(i)))
              .addAttributes(attr("pod", "svc-" + i))
              .addAttributes(attr("namespace", "serve"))
              .setAsDouble(10 * (i + 1)));
    }
    // a series that disappeared: the receiver's staleness marker, no recorded value
    util.addDataPoints(
        base.clone().addAttributes(attr("GPU_I_ID", "9")).setFlags(1).setAsDouble(Double.NaN));
    ExportMetricsServiceRequest req =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                Metric.newBuilder()
                                    .setName("DCGM_FI_DEV_GPU_UTIL")
                                    .setGauge(util))))
            .build();
    List<GpuSample> s = samples(OtlpGpuMetrics.records(req.toByteArray()));
    assertThat(s).extracting(x -> x.pod).containsExactly("svc-0", "svc-1", "svc-2");
    assertThat(s).extracting(x -> x.gpuUtil).containsExactly(10.0, 20.0, 30.0);
  }

  @Test
  void bytesThatAreNotOtlpAreInvalid() {
    byte[] junk = {0x0A, 0x7F, 0x01, 0x02};
    assertThat(OtlpGpuMetrics.isOtlp(junk)).isTrue();
    assertThatThrownBy(() -> OtlpGpuMetrics.records(junk))
        .isInstanceOf(ParseException.class)
        .satisfies(e -> assertThat(((ParseException) e).reason()).isEqualTo(Reasons.INVALID_JSON))
        .hasMessageContaining("OTLP");
    byte[] badJson = "{\"resourceMetrics\": 7}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OtlpGpuMetrics.records(badJson)).isInstanceOf(ParseException.class);
  }

  @Test
  void anOutOfRangeValueIsOneSamplesDeadLetter() throws Exception {
    ExportMetricsServiceRequest.Builder b = receiverRequest(null).toBuilder();
    ScopeMetrics.Builder scope = b.getResourceMetricsBuilder(0).getScopeMetricsBuilder(0);
    for (Metric.Builder m : scope.getMetricsBuilderList()) {
      if (m.getName().equals("DCGM_FI_DEV_GPU_UTIL")) {
        m.getGaugeBuilder().getDataPointsBuilder(0).setAsDouble(250); // not a percentage
      }
    }
    List<byte[]> records = OtlpGpuMetrics.records(b.build().toByteArray());
    assertThat(records).hasSize(3);
    assertThatThrownBy(() -> parser.parse(records.get(0)))
        .isInstanceOf(ParseException.class)
        .hasMessageContaining("DCGM_FI_DEV_GPU_UTIL");
    parser.parse(records.get(1));
    parser.parse(records.get(2));
  }
}
