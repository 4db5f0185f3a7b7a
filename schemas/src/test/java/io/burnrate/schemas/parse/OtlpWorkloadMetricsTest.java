package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.burnrate.schemas.model.WorkloadProgress;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vLLM's, Triton's and a training loop's counters as the Collector's prometheus receiver (plus the
 * k8sattributes processor) delivers them: one progress record per pod and scrape, counters summed
 * over their labels.
 */
class OtlpWorkloadMetricsTest {
  private static final long T = 1_767_600_000_000L;
  private final WorkloadProgressParser parser = new WorkloadProgressParser("test-cluster");

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  private static NumberDataPoint.Builder point(double v, String... labels) {
    NumberDataPoint.Builder p =
        NumberDataPoint.newBuilder()
            .setTimeUnixNano(T * 1_000_000L)
            .setStartTimeUnixNano((T - 3_600_000L) * 1_000_000L)
            .setAsDouble(v);
    for (int i = 0; i < labels.length; i += 2) {
      p.addAttributes(attr(labels[i], labels[i + 1]));
    }
    return p;
  }

  private static Metric counter(String name, NumberDataPoint.Builder... points) {
    Sum.Builder s =
        Sum.newBuilder()
            .setIsMonotonic(true)
            .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
    for (NumberDataPoint.Builder p : points) {
      s.addDataPoints(p);
    }
    return Metric.newBuilder().setName(name).setSum(s).build();
  }

  private static Metric gauge(String name, NumberDataPoint.Builder p) {
    return Metric.newBuilder().setName(name).setGauge(Gauge.newBuilder().addDataPoints(p)).build();
  }

  /** A vLLM pod's scrape; the pod from the k8sattributes processor's resource attributes. */
  static ExportMetricsServiceRequest vllm() {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(attr("service.name", "vllm"))
                        .addAttributes(attr("k8s.pod.name", "llama-8b-7d9f-abcde"))
                        .addAttributes(attr("k8s.namespace.name", "serve"))
                        .addAttributes(attr("k8s.cluster.name", "prod-eu")))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(
                            counter(
                                "vllm:prompt_tokens_total",
                                point(120_000, "model_name", "meta-llama/Llama-3.1-8B")))
                        .addMetrics(
                            counter(
                                "vllm:generation_tokens_total",
                                point(45_000, "model_name", "meta-llama/Llama-3.1-8B")))
                        .addMetrics(
                            counter(
                                "vllm:request_success_total",
                                point(310, "finished_reason", "stop"),
                                point(12, "finished_reason", "length"),
                                point(3, "finished_reason", "abort")))
                        .addMetrics(gauge("vllm:num_requests_running", point(4)))))
        .build();
  }

  private List<WorkloadProgress> parse(List<byte[]> records) throws ParseException {
    List<WorkloadProgress> out = new ArrayList<>();
    for (byte[] r : records) {
      out.add(parser.parse(r));
    }
    return out;
  }

  @Test
  void vllmTokensAndRequestsPerPod() throws Exception {
    byte[] proto = vllm().toByteArray();
    assertThat(OtlpGpuMetrics.isOtlp(proto)).isTrue();
    List<WorkloadProgress> w = parse(OtlpWorkloadMetrics.records(proto));
    assertThat(w).hasSize(1);
    WorkloadProgress p = w.get(0);
    assertThat(p.cluster).isEqualTo("prod-eu");
    assertThat(p.namespace).isEqualTo("serve");
    assertThat(p.pod).isEqualTo("llama-8b-7d9f-abcde");
    assertThat(p.timestamp).isEqualTo(T);
    assertThat(p.tokensTotal).as("prompt + generation").isEqualTo(165_000.0);
    assertThat(p.requestsTotal).as("over every finished_reason").isEqualTo(325.0);
    assertThat(p.samplesTotal).isNaN();

    byte[] json = JsonFormat.printer().print(vllm()).getBytes(StandardCharsets.UTF_8);
    WorkloadProgress fromJson = parse(OtlpWorkloadMetrics.records(json)).get(0);
    assertThat(fromJson.tokensTotal).isEqualTo(165_000.0);
    assertThat(fromJson.requestsTotal).isEqualTo(325.0);
  }

  @Test
  void aTrainingLoopAndTritonUnderTheirOwnNames() throws Exception {
    ExportMetricsServiceRequest req =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                counter(
                                    "samples_total",
                                    point(64_000, "pod", "trainer-0", "namespace", "ml")))
                            .addMetrics(
                                gauge("loss", point(1.25, "pod", "trainer-0", "namespace", "ml")))
                            .addMetrics(
                                gauge("step", point(500, "pod", "trainer-0", "namespace", "ml")))
                            .addMetrics(
                                counter(
                                    "nv_inference_request_success",
                                    point(
                                        40, "pod", "triton-0", "namespace", "serve", "model", "a"),
                                    point(
                                        2,
                                        "pod",
                                        "triton-0",
                                        "namespace",
                                        "serve",
                                        "model",
                                        "b")))))
            .build();
    List<WorkloadProgress> w = parse(OtlpWorkloadMetrics.records(req.toByteArray()));
    assertThat(w).extracting(x -> x.pod).containsExactly("trainer-0", "triton-0");
    assertThat(w.get(0).samplesTotal).isEqualTo(64_000.0);
    assertThat(w.get(0).loss).isEqualTo(1.25);
    assertThat(w.get(0).step).isEqualTo(500.0);
    assertThat(w.get(1).requestsTotal).isEqualTo(42.0);
  }

  @Test
  void otherMetricsGiveNoRecord() throws Exception {
    ExportMetricsServiceRequest req =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(gauge("vllm:num_requests_running", point(4, "pod", "p")))))
            .build();
    assertThat(OtlpWorkloadMetrics.records(req.toByteArray())).isEmpty();
  }
}
