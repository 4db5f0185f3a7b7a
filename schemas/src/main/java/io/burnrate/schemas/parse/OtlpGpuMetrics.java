package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_JSON;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * dcgm-exporter's metrics as the OpenTelemetry Collector delivers them to Kafka: an OTLP {@code
 * ExportMetricsServiceRequest} (the {@code kafka} exporter's {@code otlp_proto} encoding, its
 * default, or {@code otlp_json}) holding whole scrapes, as the {@code prometheus} receiver makes
 * them from dcgm-exporter's {@code /metrics}: one metric per DCGM field ({@code DCGM_FI_*}, a
 * gauge, or a cumulative sum for counters such as energy), one data point per GPU (or MIG instance)
 * with the exporter's labels as attributes ({@code gpu}, {@code UUID}, {@code modelName}, {@code
 * Hostname}/{@code hostname}, {@code pod}, {@code namespace}, {@code container}, {@code
 * GPU_I_PROFILE}, {@code GPU_I_ID}).
 *
 * <p>{@link #records} groups the data points of one GPU (or MIG instance), holder and scrape time
 * into one telemetry record in Burnrate's JSON contract ({@code burnrate.telemetry.gpu}), so that
 * the same parser validates both encodings and a bad value is one dead letter with its reason.
 * Resource attributes fill what the data point lacks: {@code k8s.node.name} or {@code host.name}
 * for the hostname, {@code k8s.cluster.name} for the cluster. Data points marked as having no
 * recorded value (Prometheus staleness) and metrics other than {@code DCGM_FI_*} are skipped.
 * Decoding uses the published OTLP protobuf classes ({@code io.opentelemetry.proto}).
 */
public final class OtlpGpuMetrics {

  private static final JsonFactory JSON = new JsonFactory();
  private static final JsonFormat.Parser JSON_FORMAT = JsonFormat.parser().ignoringUnknownFields();

  /** {@code DataPointFlags.FLAG_NO_RECORDED_VALUE}. */
  private static final int NO_RECORDED_VALUE = 1;

  /** Data point attributes copied as labels (the JSON contract's spellings). */
  private static final List<String> LABELS =
      List.of(
          "gpu",
          "GPU",
          "UUID",
          "uuid",
          "modelName",
          "model_name",
          "Hostname",
          "hostname",
          "node",
          "cluster",
          "pod",
          "namespace",
          "container",
          "exported_pod",
          "exported_namespace",
          "exported_container",
          "pod_name",
          "pod_namespace",
          "container_name",
          "GPU_I_PROFILE",
          "GPU_I_ID");

  private OtlpGpuMetrics() {}

  /**
   * Whether {@code value} is an OTLP metrics request rather than a JSON telemetry record: protobuf
   * (the first field of {@code ExportMetricsServiceRequest} is {@code resource_metrics}, tag {@code
   * 0x0A}) or JSON whose first key is {@code resourceMetrics}/{@code resource_metrics}.
   */
  public static boolean isOtlp(byte[] value) {
    if (value == null || value.length == 0) {
      return false;
    }
    if (value[0] == 0x0A) {
      return true;
    }
    int i = 0;
    while (i < value.length && isSpace(value[i])) {
      i++;
    }
    if (i >= value.length || value[i] != '{') {
      return false;
    }
    i++;
    while (i < value.length && isSpace(value[i])) {
      i++;
    }
    return startsWith(value, i, "\"resourceMetrics\"")
        || startsWith(value, i, "\"resource_metrics\"");
  }

  /**
   * Decodes one OTLP metrics request into telemetry records (Burnrate's JSON), one per GPU or MIG
   * instance, holder and scrape time, in the order their first data point appears.
   *
   * @throws ParseException {@code invalid_json} for bytes that are neither OTLP protobuf nor OTLP
   *     JSON
   */
  public static List<byte[]> records(byte[] value) throws ParseException {
    ExportMetricsServiceRequest req = decode(value);
    Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    for (ResourceMetrics rm : req.getResourceMetricsList()) {
      Map<String, String> resource = attributes(rm.getResource().getAttributesList());
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          if (!m.getName().startsWith("DCGM_FI_")) {
            continue;
          }
          for (NumberDataPoint p : recorded(m)) {
            Map<String, Object> record = group(groups, resource, p);
            record.put(
                m.getName(),
                p.getValueCase() == NumberDataPoint.ValueCase.AS_INT
                    ? (Object) p.getAsInt()
                    : (Object) p.getAsDouble());
          }
        }
      }
    }
    List<byte[]> out = new ArrayList<>(groups.size());
    for (Map<String, Object> r : groups.values()) {
      out.add(json(r));
    }
    return out;
  }

  /**
   * The number data points of a gauge or a sum that carry a value (not Prometheus staleness
   * markers); none for other metric types.
   */
  static List<NumberDataPoint> recorded(Metric m) {
    List<NumberDataPoint> points =
        switch (m.getDataCase()) {
          case GAUGE -> m.getGauge().getDataPointsList();
          case SUM -> m.getSum().getDataPointsList();
          default -> List.of();
        };
    List<NumberDataPoint> out = new ArrayList<>(points.size());
    for (NumberDataPoint p : points) {
      if ((p.getFlags() & NO_RECORDED_VALUE) == 0) {
        out.add(p);
      }
    }
    return out;
  }

  static ExportMetricsServiceRequest decode(byte[] value) throws ParseException {
    if (value[0] == 0x0A) {
      try {
        return ExportMetricsServiceRequest.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        throw new ParseException(
            INVALID_JSON,
            "neither JSON nor an OTLP ExportMetricsServiceRequest: "
                + GpuSampleParser.firstLine(e.getMessage()));
      }
    }
    try {
      ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
      JSON_FORMAT.merge(new String(value, StandardCharsets.UTF_8), b);
      return b.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ParseException(
          INVALID_JSON,
          "invalid OTLP JSON metrics request: " + GpuSampleParser.firstLine(e.getMessage()));
    }
  }

  /** The record of the data point's GPU, holder and time, created with its labels. */
  private static Map<String, Object> group(
      Map<String, Map<String, Object>> groups, Map<String, String> resource, NumberDataPoint p) {
    Map<String, String> labels = new TreeMap<>();
    for (KeyValue kv : p.getAttributesList()) {
      if (LABELS.contains(kv.getKey())) {
        labels.put(kv.getKey(), text(kv.getValue()));
      }
    }
    if (!labels.containsKey("Hostname") && !labels.containsKey("hostname")) {
      String host = resource.getOrDefault("k8s.node.name", resource.get("host.name"));
      if (host != null && !labels.containsKey("node")) {
        labels.put("node", host);
      }
    }
    String cluster = resource.get("k8s.cluster.name");
    if (cluster != null) {
      labels.putIfAbsent("cluster", cluster);
    }
    long millis = p.getTimeUnixNano() / 1_000_000L;
    String key = labels + "@" + millis;
    return groups.computeIfAbsent(
        key,
        k -> {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("timestamp", millis);
          r.putAll(labels);
          return r;
        });
  }

  static Map<String, String> attributes(List<KeyValue> kvs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return out;
  }

  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      default -> "";
    };
  }

  static byte[] json(Map<String, Object> r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : r.entrySet()) {
        Object v = e.getValue();
        if (v instanceof Long l) {
          g.writeNumberField(e.getKey(), l);
        } else if (v instanceof Double d) {
          if (Double.isFinite(d)) {
            g.writeNumberField(e.getKey(), d);
          } else {
            g.writeStringField(e.getKey(), d.toString());
          }
        } else {
          g.writeStringField(e.getKey(), (String) v);
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static boolean startsWith(byte[] v, int at, String s) {
    if (v.length - at < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (v[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
