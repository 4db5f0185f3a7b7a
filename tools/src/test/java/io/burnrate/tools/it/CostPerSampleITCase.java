package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-computed scenario through the real broker, MiniCluster and Iceberg: two training pods
 * holding 4 GPUs each of one 8-GPU p4d.24xlarge (on-demand, us-east-1, $21.9576/h in the bundled
 * rate card) for three minutes; pod B's container restarts in the third minute, resetting its
 * counter from 300 to 0 and counting up to 100.
 *
 * <pre>
 * price per GPU-second = 21.9576 / 3600 / 8
 * cost of one pod-minute = 4 GPUs x 60 s x price = 0.18298
 * A: samples_total 0 (10:00:05), 600 (10:01:05), 1200 (10:02:05) -> 0, 600, 600 per minute
 * B: samples_total 0 (10:00:05), 300 (10:01:05), 100 (10:02:05, after a reset) -> 0, 300, 100
 * node-hour (3 minutes existed): 21.9576 x 180/3600 = 1.09788 = A 0.54894 + B 0.54894 + idle 0
 * </pre>
 *
 * <p>A third of the GPU scrapes are sent as OTLP protobuf and a third as OTLP JSON (one request per
 * node scrape, as the OpenTelemetry Collector sends them), the rest as Burnrate's JSON records, and
 * pod B's progress counter comes as OTLP too: the hand-computed numbers hold only if every encoding
 * is read alike.
 */
class CostPerSampleITCase {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
  private static final double POD_MINUTE_COST = 4 * 60 * 21.9576 / 3600 / 8;

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void run() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
      IntegrationEnv.send(p, Topics.K8S_EVENTS, ms(0), "node", node());
      IntegrationEnv.send(p, Topics.K8S_EVENTS, ms(0), "a", pod("trainer-a", "job-a"));
      IntegrationEnv.send(p, Topics.K8S_EVENTS, ms(0), "b", pod("trainer-b", "job-b"));
      for (int s = 0; s < 180; s += 10) {
        // the GPU topic carries Burnrate's JSON and, record by record, OTLP requests as the
        // OpenTelemetry Collector's kafka exporter writes them: a whole node scrape per record
        if (s % 30 == 10) {
          sendRaw(p, Topics.TELEMETRY_GPU, ms(s), "node-a", otlpScrape(s).toByteArray());
          continue;
        }
        if (s % 30 == 20) {
          sendRaw(
              p,
              Topics.TELEMETRY_GPU,
              ms(s),
              "node-a",
              com.google.protobuf.util.JsonFormat.printer()
                  .print(otlpScrape(s))
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
          continue;
        }
        for (int gpu = 0; gpu < 8; gpu++) {
          boolean a = gpu < 4;
          IntegrationEnv.send(
              p,
              Topics.TELEMETRY_GPU,
              ms(s),
              "node-a/" + gpu,
              "{\"timestamp\":\""
                  + T0.plusSeconds(s)
                  + "\",\"cluster\":\"it\",\"Hostname\":\"node-a\","
                  + "\"gpu\":\""
                  + gpu
                  + "\",\"modelName\":\"NVIDIA A100-SXM4-40GB\",\"namespace\":\"ml\","
                  + "\"pod\":\""
                  + (a ? "trainer-a" : "trainer-b")
                  + "\",\"container\":\"trainer\","
                  + "\"DCGM_FI_DEV_GPU_UTIL\":\""
                  + (a ? 85 : 55)
                  + "\","
                  + "\"DCGM_FI_PROF_SM_ACTIVE\":"
                  + (a ? 0.8 : 0.5)
                  + "}");
        }
      }
      progress(p, "trainer-a", 5, 0);
      progress(p, "trainer-b", 5, 0);
      progress(p, "trainer-a", 65, 600);
      progress(p, "trainer-b", 65, 300);
      progress(p, "trainer-a", 125, 1200);
      progress(p, "trainer-b", 125, 100); // reset: the container restarted
      p.flush();
    }
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            Configuration.fromMap(Map.of("pipeline.generic-types", "false")));
    env.setParallelism(2);
    Configuration c = new Configuration();
    BurnrateJob.addTo(
        env, IntegrationEnv.jobConfig(kafka, tmp.resolve("warehouse"), "it-cost-per-sample"), true);
    env.execute("burnrate-it-cost-per-sample");
  }

  private static io.opentelemetry.proto.common.v1.KeyValue attr(String k, String v) {
    return io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
        .setKey(k)
        .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  /**
   * node-a's scrape at {@code s} as the Collector's prometheus receiver turns it into OTLP: one
   * gauge per DCGM field, one data point per GPU with dcgm-exporter's labels as attributes, the
   * cluster from the resource (k8sattributes / resource processor).
   */
  static io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest otlpScrape(int s) {
    long nanos = ms(s) * 1_000_000L;
    var util = io.opentelemetry.proto.metrics.v1.Gauge.newBuilder();
    var sm = io.opentelemetry.proto.metrics.v1.Gauge.newBuilder();
    for (int gpu = 0; gpu < 8; gpu++) {
      boolean a = gpu < 4;
      var point =
          io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
              .setTimeUnixNano(nanos)
              .addAttributes(attr("gpu", Integer.toString(gpu)))
              .addAttributes(attr("UUID", "GPU-node-a-" + gpu))
              .addAttributes(attr("modelName", "NVIDIA A100-SXM4-40GB"))
              .addAttributes(attr("Hostname", "node-a"))
              .addAttributes(attr("namespace", "ml"))
              .addAttributes(attr("pod", a ? "trainer-a" : "trainer-b"))
              .addAttributes(attr("container", "trainer"));
      util.addDataPoints(point.clone().setAsDouble(a ? 85 : 55));
      sm.addDataPoints(point.clone().setAsDouble(a ? 0.8 : 0.5));
    }
    return io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                .setResource(
                    io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                        .addAttributes(attr("service.name", "dcgm-exporter"))
                        .addAttributes(attr("service.instance.id", "10.0.0.5:9400"))
                        .addAttributes(attr("k8s.cluster.name", "it")))
                .addScopeMetrics(
                    io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                        .addMetrics(
                            io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
                                .setName("DCGM_FI_DEV_GPU_UTIL")
                                .setGauge(util))
                        .addMetrics(
                            io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
                                .setName("DCGM_FI_PROF_SM_ACTIVE")
                                .setGauge(sm))))
        .build();
  }

  private static void sendRaw(
      KafkaProducer<byte[], byte[]> p, String topic, long ts, String key, byte[] value) {
    p.send(
        new org.apache.kafka.clients.producer.ProducerRecord<>(
            topic, null, ts, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyEncodingOfTheGpuTopicIsReadNothingIsDeadLettered() throws Exception {
    // an OTLP request that was not understood would be a dead letter (invalid_json) here
    assertThat(IntegrationEnv.readCommitted(kafka, Topics.DLQ)).isEmpty();
  }

  @Test
  void costPerSampleIsExactlyAsHandComputed() throws Exception {
    Map<String, JsonNode> w =
        IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS).stream()
            .filter(n -> n.get("kind").asText().equals("workload"))
            .collect(
                Collectors.toMap(
                    n -> n.get("workload").asText() + "@" + n.get("window_start").asText(),
                    n -> n));
    assertThat(w).hasSize(6);

    JsonNode a0 = w.get("ml/Job/job-a@" + T0);
    assertThat(a0.get("samples").asDouble()).isZero();
    assertThat(a0.get("cost_per_sample").isNull()).isTrue();

    JsonNode a1 = w.get("ml/Job/job-a@" + T0.plusSeconds(60));
    assertThat(a1.get("gpu_seconds").asDouble()).isEqualTo(240.0);
    assertThat(a1.get("cost").asDouble()).isCloseTo(POD_MINUTE_COST, within(1e-12));
    assertThat(a1.get("samples").asDouble()).isEqualTo(600.0);
    assertThat(a1.get("cost_per_sample").asDouble())
        .isCloseTo(POD_MINUTE_COST / 600, within(1e-15));
    assertThat(a1.get("efficiency").asDouble()).isCloseTo(0.8, within(1e-9));
    assertThat(a1.get("wasted_cost").asDouble()).isCloseTo(POD_MINUTE_COST * 0.2, within(1e-12));
    assertThat(a1.get("cost_basis").asText()).isEqualTo("estimated");
    assertThat(a1.get("team").asText()).isEqualTo("research");

    JsonNode b1 = w.get("ml/Job/job-b@" + T0.plusSeconds(60));
    assertThat(b1.get("samples").asDouble()).isEqualTo(300.0);
    assertThat(b1.get("cost_per_sample").asDouble())
        .isCloseTo(POD_MINUTE_COST / 300, within(1e-15));
    assertThat(b1.get("efficiency").asDouble()).isCloseTo(0.5, within(1e-9));

    JsonNode b2 = w.get("ml/Job/job-b@" + T0.plusSeconds(120));
    assertThat(b2.get("samples").asDouble()).as("increase across the reset").isEqualTo(100.0);
    assertThat(b2.get("cost_per_sample").asDouble())
        .isCloseTo(POD_MINUTE_COST / 100, within(1e-15));
    JsonNode a2 = w.get("ml/Job/job-a@" + T0.plusSeconds(120));
    assertThat(a2.get("samples").asDouble()).isEqualTo(600.0);

    // the node was fully held: no idle window
    assertThat(IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS))
        .noneSatisfy(n -> assertThat(n.get("kind").asText()).isEqualTo("idle"));
  }

  @Test
  void theNodeHourIsSplitExactly() throws Exception {
    List<Record> rows =
        IntegrationEnv.readTable(
            CatalogConfig.hadoop(tmp.resolve("warehouse")), TableSchemas.COST_ALLOCATIONS);
    assertThat(rows).hasSize(3);
    for (Record r : rows) {
      assertThat((BigDecimal) r.getField("node_hour_cost")).isEqualByComparingTo("1.09788");
      String kind = (String) r.getField("holder_kind");
      BigDecimal expected = kind.equals("idle") ? BigDecimal.ZERO : new BigDecimal("0.54894");
      assertThat((BigDecimal) r.getField("cost")).as("%s", r).isEqualByComparingTo(expected);
    }
  }

  private static long ms(int seconds) {
    return T0.plusSeconds(seconds).toEpochMilli();
  }

  private static void progress(KafkaProducer<byte[], byte[]> p, String pod, int s, long samples) {
    if (pod.equals("trainer-b")) {
      // trainer-b's training loop exports its counter through the OpenTelemetry Collector: an
      // OTLP request, the pod from the k8sattributes processor's resource attributes
      var point =
          io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
              .setTimeUnixNano(ms(s) * 1_000_000L)
              .setAsDouble(samples);
      var request =
          io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
              .addResourceMetrics(
                  io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                      .setResource(
                          io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                              .addAttributes(attr("k8s.cluster.name", "it"))
                              .addAttributes(attr("k8s.namespace.name", "ml"))
                              .addAttributes(attr("k8s.pod.name", pod)))
                      .addScopeMetrics(
                          io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                              .addMetrics(
                                  io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
                                      .setName("samples_total")
                                      .setSum(
                                          io.opentelemetry.proto.metrics.v1.Sum.newBuilder()
                                              .setIsMonotonic(true)
                                              .addDataPoints(point)))))
              .build();
      sendRaw(p, Topics.TELEMETRY_WORKLOAD, ms(s), "ml/" + pod, request.toByteArray());
      return;
    }
    IntegrationEnv.send(
        p,
        Topics.TELEMETRY_WORKLOAD,
        ms(s),
        "ml/" + pod,
        "{\"timestamp\":\""
            + T0.plusSeconds(s)
            + "\",\"cluster\":\"it\",\"namespace\":\"ml\","
            + "\"pod\":\""
            + pod
            + "\",\"samples_total\":"
            + samples
            + "}");
  }

  private static String node() {
    return "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{"
        + "\"name\":\"node-a\",\"creationTimestamp\":\""
        + T0
        + "\",\"labels\":{"
        + "\"node.kubernetes.io/instance-type\":\"p4d.24xlarge\",\"karpenter.sh/capacity-type\":\"on-demand\","
        + "\"topology.kubernetes.io/region\":\"us-east-1\",\"topology.kubernetes.io/zone\":\"us-east-1a\"}},"
        + "\"spec\":{\"providerID\":\"aws:///us-east-1a/i-0123456789abcdef0\"},"
        + "\"status\":{\"capacity\":{\"nvidia.com/gpu\":\"8\"}}}}";
  }

  private static String pod(String name, String job) {
    return "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
        + "\"name\":\""
        + name
        + "\",\"namespace\":\"ml\",\"creationTimestamp\":\""
        + T0
        + "\","
        + "\"labels\":{\"team\":\"research\",\"batch.kubernetes.io/job-name\":\""
        + job
        + "\"},"
        + "\"ownerReferences\":[{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"name\":\""
        + job
        + "\","
        + "\"uid\":\"u-"
        + job
        + "\",\"controller\":true}]},"
        + "\"spec\":{\"nodeName\":\"node-a\",\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"trainer\","
        + "\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"4\"}}}]},"
        + "\"status\":{\"phase\":\"Running\",\"startTime\":\""
        + T0
        + "\"}}}";
  }
}
