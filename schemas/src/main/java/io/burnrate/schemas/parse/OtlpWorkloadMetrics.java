package io.burnrate.schemas.parse;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload progress as inference servers and training loops export it, delivered by the
 * OpenTelemetry Collector to {@code burnrate.telemetry.workload} as OTLP metrics requests ({@code
 * otlp_proto} or {@code otlp_json}): the counters are summed per pod and time (over labels such as
 * vLLM's {@code finished_reason} or {@code model_name}) into one progress record each, in
 * Burnrate's JSON contract, which {@link WorkloadProgressParser} then validates.
 *
 * <p>Metric names read (with or without the {@code _total} suffix a Prometheus receiver may drop
 * for counters):
 *
 * <ul>
 *   <li>vLLM: {@code vllm:prompt_tokens_total} + {@code vllm:generation_tokens_total} → {@code
 *       tokens_total}; {@code vllm:request_success_total} → {@code requests_total};
 *   <li>NVIDIA Triton: {@code nv_inference_request_success} → {@code requests_total};
 *   <li>any training loop through an OpenTelemetry or Prometheus client: {@code samples_total},
 *       {@code tokens_total}, {@code requests_total}, {@code step}, {@code total_steps}, {@code
 *       loss}, {@code val_loss} under their own names.
 * </ul>
 *
 * <p>The pod is the data point's {@code pod}/{@code namespace}/{@code container} (or their {@code
 * exported_*} forms), else the resource's {@code k8s.pod.name}, {@code k8s.namespace.name}, {@code
 * k8s.container.name} (the k8sattributes processor); the cluster is {@code k8s.cluster.name}. Other
 * metrics are ignored; data points without a recorded value are skipped.
 */
public final class OtlpWorkloadMetrics {

  private static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    for (String n : List.of("samples_total", "tokens_total", "requests_total")) {
      NAMES.put(n, n);
      NAMES.put(n.substring(0, n.length() - "_total".length()), n);
    }
    for (String n : List.of("step", "total_steps", "loss", "val_loss")) {
      NAMES.put(n, n);
    }
    NAMES.put("vllm:prompt_tokens_total", "tokens_total");
    NAMES.put("vllm:prompt_tokens", "tokens_total");
    NAMES.put("vllm:generation_tokens_total", "tokens_total");
    NAMES.put("vllm:generation_tokens", "tokens_total");
    NAMES.put("vllm:request_success_total", "requests_total");
    NAMES.put("vllm:request_success", "requests_total");
    NAMES.put("nv_inference_request_success", "requests_total");
  }

  /** Counters summed over the data points of a pod and time; gauges are taken as they are. */
  private static boolean summed(String field) {
    return field.endsWith("_total");
  }

  private OtlpWorkloadMetrics() {}

  /**
   * One progress record (Burnrate's JSON) per pod and time of the request, in the order their first
   * data point appears.
   *
   * @throws ParseException {@code invalid_json} for bytes that are not an OTLP metrics request
   */
  public static List<byte[]> records(byte[] value) throws ParseException {
    ExportMetricsServiceRequest req = OtlpGpuMetrics.decode(value);
    Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    for (ResourceMetrics rm : req.getResourceMetricsList()) {
      Map<String, String> resource =
          OtlpGpuMetrics.attributes(rm.getResource().getAttributesList());
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric m : sm.getMetricsList()) {
          String field = NAMES.get(m.getName());
          if (field == null) {
            continue;
          }
          for (NumberDataPoint p : OtlpGpuMetrics.recorded(m)) {
            double v =
                p.getValueCase() == NumberDataPoint.ValueCase.AS_INT
                    ? p.getAsInt()
                    : p.getAsDouble();
            Map<String, Object> record = group(groups, resource, p);
            Object before = record.get(field);
            record.put(
                field, summed(field) && before instanceof Double d ? (Object) (d + v) : (Object) v);
          }
        }
      }
    }
    List<byte[]> out = new ArrayList<>(groups.size());
    for (Map<String, Object> r : groups.values()) {
      out.add(OtlpGpuMetrics.json(r));
    }
    return out;
  }

  private static Map<String, Object> group(
      Map<String, Map<String, Object>> groups, Map<String, String> resource, NumberDataPoint p) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (KeyValue kv : p.getAttributesList()) {
      switch (kv.getKey()) {
        case "pod",
            "namespace",
            "container",
            "exported_pod",
            "exported_namespace",
            "exported_container",
            "cluster" ->
            labels.put(kv.getKey(), OtlpGpuMetrics.text(kv.getValue()));
        default -> {
          // model_name, finished_reason, ...: summed over
        }
      }
    }
    putIfMissing(labels, "pod", "exported_pod", resource.get("k8s.pod.name"));
    putIfMissing(labels, "namespace", "exported_namespace", resource.get("k8s.namespace.name"));
    putIfMissing(labels, "container", "exported_container", resource.get("k8s.container.name"));
    String cluster = resource.get("k8s.cluster.name");
    if (cluster != null) {
      labels.putIfAbsent("cluster", cluster);
    }
    long millis = p.getTimeUnixNano() / 1_000_000L;
    return groups.computeIfAbsent(
        labels + "@" + millis,
        k -> {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("timestamp", millis);
          r.putAll(labels);
          return r;
        });
  }

  private static void putIfMissing(Map<String, String> labels, String a, String b, String v) {
    if (v != null && !labels.containsKey(a) && !labels.containsKey(b)) {
      labels.put(a, v);
    }
  }
}
