package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.schemas.model.K8sObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MIG instances and time-sliced GPUs as the NVIDIA device plugin and GFD expose them. */
class GpuSharingParseTest {
  private final K8sEventParser parser = new K8sEventParser("c", List.of("team"));

  private K8sObject parse(String json) throws ParseException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), 0);
  }

  private static String pod(String limits) {
    return "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":\"p\",\"namespace\":\"ml\",\"uid\":\"u\","
        + "\"creationTimestamp\":\"2026-01-05T10:00:00Z\"},"
        + "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":"
        + limits
        + "}}]},\"status\":{\"phase\":\"Running\",\"startTime\":\"2026-01-05T10:00:00Z\"}}}";
  }

  private static String node(String labels, String capacity) {
    return "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Node\","
        + "\"metadata\":{\"name\":\"n1\",\"creationTimestamp\":\"2026-01-05T10:00:00Z\","
        + "\"labels\":"
        + labels
        + "},\"spec\":{\"providerID\":\"aws:///us-east-1a/i-0abc\"},"
        + "\"status\":{\"capacity\":"
        + capacity
        + "}}}";
  }

  @Test
  void migInstancesOfTheMixedStrategyCountAsTheirShareOfAGpu() throws Exception {
    K8sObject o = parse(pod("{\"nvidia.com/mig-3g.20gb\":\"2\",\"nvidia.com/mig-1g.5gb\":1}"));
    assertThat(o.pod.gpuRequest).isZero();
    assertThat(o.pod.migGpuFraction).isCloseTo(7 / 7.0, within(1e-12));
    assertThat(K8sEventParser.migShare("1g.6gb")).as("A30: 4 slices").isEqualTo(0.25);
    assertThat(K8sEventParser.migShare("1g.10gb+me")).isCloseTo(1 / 7.0, within(1e-12));
    assertThat(K8sEventParser.migShare("9g.80gb")).isNaN();
  }

  @Test
  void aBadMigProfileIsRejected() {
    try {
      parse(pod("{\"nvidia.com/mig-big\":\"1\"}"));
      throw new AssertionError("expected a ParseException");
    } catch (ParseException e) {
      assertThat(e.reason()).isEqualTo("invalid_value");
    }
  }

  @Test
  void aTimeSlicedNodeCountsPhysicalGpusAndItsReplicas() throws Exception {
    K8sObject o =
        parse(
            node(
                "{\"nvidia.com/gpu.replicas\":\"4\",\"nvidia.com/gpu.count\":\"2\","
                    + "\"nvidia.com/gpu.sharing-strategy\":\"time-slicing\"}",
                "{\"nvidia.com/gpu\":\"8\"}"));
    assertThat(o.node.gpuCapacity).isEqualTo(2);
    assertThat(o.node.gpuReplicas).isEqualTo(4);
    assertThat(o.node.gpuUnitShare).isEqualTo(0.25);
    // renamed shared resource, no count label: capacity / replicas
    K8sObject renamed =
        parse(node("{\"nvidia.com/gpu.replicas\":\"4\"}", "{\"nvidia.com/gpu.shared\":\"4\"}"));
    assertThat(renamed.node.gpuCapacity).isEqualTo(1);
    assertThat(parse(pod("{\"nvidia.com/gpu.shared\":\"1\"}")).pod.gpuRequest).isEqualTo(1);
  }

  @Test
  void aSingleStrategyMigNodeCountsDevicesAsProfileShares() throws Exception {
    K8sObject o =
        parse(
            node(
                "{\"nvidia.com/mig.strategy\":\"single\","
                    + "\"nvidia.com/gpu.product\":\"NVIDIA-A100-SXM4-40GB-MIG-1g.5gb\"}",
                "{\"nvidia.com/gpu\":\"56\"}"));
    assertThat(o.node.gpuUnitShare).isCloseTo(1 / 7.0, within(1e-12));
    assertThat(o.node.gpuCapacity).isEqualTo(8);
    assertThat(o.node.gpuReplicas).isEqualTo(1);
  }
}
