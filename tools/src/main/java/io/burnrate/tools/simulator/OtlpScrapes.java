package io.burnrate.tools.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.burnrate.schemas.Topics;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's GPU telemetry as the OpenTelemetry Collector would ship it: each node's scrape
 * (its GPUs' records of one time) becomes one OTLP {@code ExportMetricsServiceRequest} as the
 * {@code prometheus} receiver builds it from dcgm-exporter's {@code /metrics} (one metric per DCGM
 * field, a gauge, the energy counter a cumulative sum; one data point per GPU with the exporter's
 * labels; the target as resource attributes) and the {@code kafka} exporter writes it ({@code
 * otlp_proto} or {@code otlp_json}).
 */
public final class OtlpScrapes {

  /** How the simulator writes the GPU telemetry topic. */
  public enum Encoding {
    /** Burnrate's JSON record per GPU and scrape. */
    JSON,
    /** One OTLP protobuf request per node scrape (the Collector's kafka exporter default). */
    OTLP_PROTO,
    /** One OTLP JSON request per node scrape. */
    OTLP_JSON
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ENERGY = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION";
  private static final long BOOT_NANOS =
      Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() * 1_000_000L;

  private OtlpScrapes() {}

  /**
   * Regroups JSON GPU records (of one simulation step) into one record per node scrape; other
   * records are returned unchanged, in their order, after the scrapes.
   */
  public static List<SimRecord> encode(List<SimRecord> records, Encoding encoding) {
    if (encoding == Encoding.JSON) {
      return records;
    }
    Map<String, List<JsonNode>> scrapes = new LinkedHashMap<>();
    Map<String, SimRecord> first = new LinkedHashMap<>();
    List<SimRecord> others = new ArrayList<>();
    for (SimRecord r : records) {
      if (!r.topic().equals(Topics.TELEMETRY_GPU)) {
        others.add(r);
        continue;
      }
      JsonNode n;
      try {
        n = MAPPER.readTree(r.value());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String key =
          n.path("cluster").asText() + "/" + n.path("Hostname").asText() + "@" + r.timestamp();
      scrapes.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
      first.putIfAbsent(key, r);
    }
    List<SimRecord> out = new ArrayList<>(scrapes.size() + others.size());
    for (Map.Entry<String, List<JsonNode>> e : scrapes.entrySet()) {
      SimRecord r = first.get(e.getKey());
      ExportMetricsServiceRequest req = request(e.getValue(), r.timestamp());
      byte[] bytes;
      if (encoding == Encoding.OTLP_PROTO) {
        bytes = req.toByteArray();
      } else {
        try {
          bytes = JsonFormat.printer().print(req).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException ex) {
          throw new IllegalStateException(ex);
        }
      }
      JsonNode any = e.getValue().get(0);
      out.add(
          new SimRecord(
              Topics.TELEMETRY_GPU,
              any.path("cluster").asText() + "/" + any.path("Hostname").asText(),
              bytes,
              r.timestamp()));
    }
    out.addAll(others);
    return out;
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static ExportMetricsServiceRequest request(List<JsonNode> gpus, long ts) {
    long nanos = ts * 1_000_000L;
    Map<String, Metric.Builder> metrics = new LinkedHashMap<>();
    for (JsonNode g : gpus) {
      List<KeyValue> labels = new ArrayList<>();
      for (String label :
          List.of(
              "gpu", "UUID", "device", "modelName", "Hostname", "container", "namespace", "pod")) {
        String v = g.path(label).asText("");
        if (!v.isEmpty()) {
          labels.add(attr(label, v)); // Prometheus has no empty labels: an absent pod is no label
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!f.getKey().startsWith("DCGM_FI_")) {
          continue;
        }
        NumberDataPoint p =
            NumberDataPoint.newBuilder()
                .setTimeUnixNano(nanos)
                .addAllAttributes(labels)
                .setAsDouble(f.getValue().asDouble())
                .build();
        Metric.Builder m = metrics.computeIfAbsent(f.getKey(), k -> Metric.newBuilder().setName(k));
        if (f.getKey().equals(ENERGY)) {
          if (!m.hasSum()) {
            m.setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporality(
                        AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE));
          }
          m.getSumBuilder().addDataPoints(p.toBuilder().setStartTimeUnixNano(BOOT_NANOS));
        } else {
          if (!m.hasGauge()) {
            m.setGauge(Gauge.newBuilder());
          }
          m.getGaugeBuilder().addDataPoints(p);
        }
      }
    }
    JsonNode any = gpus.get(0);
    String host = any.path("Hostname").asText();
    ScopeMetrics.Builder scope =
        ScopeMetrics.newBuilder()
            .setScope(
                InstrumentationScope.newBuilder()
                    .setName(
                        "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver"));
    metrics.values().forEach(scope::addMetrics);
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attr("service.name", "dcgm-exporter"))
                        .addAttributes(attr("service.instance.id", host + ":9400"))
                        .addAttributes(attr("k8s.node.name", host))
                        .addAttributes(attr("k8s.cluster.name", any.path("cluster").asText())))
                .addScopeMetrics(scope))
        .build();
  }
}
