package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.schemas.Samples;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.schemas.model.JobInfo;
import io.burnrate.schemas.model.K8sObject;
import io.burnrate.schemas.model.NodeInfo;
import io.burnrate.schemas.model.PodInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class K8sEventParserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String STREAM = "samples/k8s/constructed-gpu-job-watch-stream.ndjson";
  private static final String TESTDATA = "samples/k8s/kubernetes-api-testdata-HEAD/";
  private static final long FALLBACK = ms("2025-03-01T23:59:59Z");

  private final K8sEventParser parser =
      new K8sEventParser("prod", List.of("team", "project", "cost-center"));

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private K8sObject parse(String json) throws ParseException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), FALLBACK);
  }

  private String reason(String json) {
    try {
      parse(json);
    } catch (ParseException e) {
      return e.reason();
    }
    throw new AssertionError("expected a ParseException for " + json);
  }

  private static String watch(String type, JsonNode object) {
    ObjectNode ev = MAPPER.createObjectNode();
    ev.put("type", type);
    ev.set("object", object);
    return ev.toString();
  }

  private static ObjectNode testdata(String file) throws Exception {
    return (ObjectNode) MAPPER.readTree(Samples.bytes(TESTDATA + file));
  }

  // ---------------------------------------------------------------- the constructed stream

  private List<K8sObject> stream() throws ParseException {
    List<K8sObject> out = new ArrayList<>();
    for (String line : Samples.lines(STREAM)) {
      out.add(parser.parse(line.getBytes(StandardCharsets.UTF_8), FALLBACK));
    }
    return out;
  }

  private List<PodInfo> pods() throws ParseException {
    List<PodInfo> pods = new ArrayList<>();
    for (K8sObject o : stream()) {
      if (o.pod != null) {
        pods.add(o.pod);
      }
    }
    return pods;
  }

  private List<JobInfo> jobs() throws ParseException {
    List<JobInfo> jobs = new ArrayList<>();
    for (K8sObject o : stream()) {
      if (o.job != null) {
        jobs.add(o.job);
      }
    }
    return jobs;
  }

  @Test
  void everyLineOfTheStreamParses() throws Exception {
    List<K8sObject> all = stream();
    assertThat(all).hasSize(15);
    for (K8sObject o : all) {
      int set = (o.pod != null ? 1 : 0) + (o.node != null ? 1 : 0) + (o.job != null ? 1 : 0);
      assertThat(set + (o.ignoredKind != null ? 1 : 0)).isEqualTo(1);
    }
    assertThat(all.stream().filter(o -> o.pod != null)).hasSize(5);
    assertThat(all.stream().filter(o -> o.job != null)).hasSize(3);
    assertThat(all.stream().filter(o -> o.ignoredKind != null))
        .hasSize(7)
        .allSatisfy(o -> assertThat(o.ignoredKind).isEqualTo("Event"));
  }

  @Test
  void podEventsDescribeTheGpuPod() throws Exception {
    List<PodInfo> pods = pods();
    assertThat(pods)
        .extracting(p -> p.eventType)
        .containsExactly("ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "DELETED");
    assertThat(pods)
        .extracting(p -> p.phase)
        .containsExactly("Pending", "Pending", "Running", "Succeeded", "Succeeded");
    for (PodInfo p : pods) {
      assertThat(p.cluster).isEqualTo("prod");
      assertThat(p.namespace).isEqualTo("team-a");
      assertThat(p.name).isEqualTo("train-llama-7b-x7k2p");
      assertThat(p.uid).isEqualTo("0f9e8d7c-6b5a-4c3d-9e2f-aabbccddeeff");
      assertThat(p.gpuRequest).isEqualTo(8);
      assertThat(p.ownerKind).isEqualTo("Job");
      assertThat(p.ownerName).isEqualTo("train-llama-7b");
      assertThat(p.workload()).isEqualTo("team-a/Job/train-llama-7b");
      assertThat(p.labels).isEqualTo(Map.of("team", "ml-infra"));
      assertThat(p.priorityClass).isNull();
    }
    // unscheduled at first, then bound to gpu-node-07
    assertThat(pods.get(0).nodeName).isNull();
    assertThat(pods.subList(1, 5)).allSatisfy(p -> assertThat(p.nodeName).isEqualTo("gpu-node-07"));
  }

  @Test
  void podTimes() throws Exception {
    List<PodInfo> pods = pods();
    PodInfo added = pods.get(0);
    assertThat(added.timestamp).as("no timestamp in the object").isEqualTo(FALLBACK);
    assertThat(added.startTime).isEqualTo(-1);
    assertThat(added.endTime).isEqualTo(-1);
    assertThat(added.isTerminal()).isFalse();

    PodInfo scheduled = pods.get(1);
    assertThat(scheduled.timestamp).isEqualTo(ms("2025-03-01T10:00:02Z"));
    assertThat(scheduled.startTime).isEqualTo(-1);

    PodInfo running = pods.get(2);
    assertThat(running.startTime).isEqualTo(ms("2025-03-01T10:00:02Z"));
    assertThat(running.endTime).isEqualTo(-1);
    assertThat(running.timestamp).isEqualTo(ms("2025-03-01T10:01:30Z"));

    PodInfo succeeded = pods.get(3);
    assertThat(succeeded.startTime).isEqualTo(ms("2025-03-01T10:00:02Z"));
    assertThat(succeeded.endTime).isEqualTo(ms("2025-03-01T14:31:10Z"));
    assertThat(succeeded.timestamp).isEqualTo(ms("2025-03-01T14:31:10Z"));
    assertThat(succeeded.isTerminal()).isTrue();

    // the DELETED event carries no times at all: event time and end fall back to the record's
    PodInfo deleted = pods.get(4);
    assertThat(deleted.isTerminal()).isTrue();
    assertThat(deleted.timestamp).isEqualTo(FALLBACK);
    assertThat(deleted.endTime).isEqualTo(FALLBACK);
  }

  @Test
  void jobEventsAndCompletion() throws Exception {
    List<JobInfo> jobs = jobs();
    assertThat(jobs).extracting(j -> j.state).containsExactly("Active", "Active", "Complete");
    for (JobInfo j : jobs) {
      assertThat(j.cluster).isEqualTo("prod");
      assertThat(j.namespace).isEqualTo("team-a");
      assertThat(j.name).isEqualTo("train-llama-7b");
      assertThat(j.uid).isEqualTo("6b1c2f0e-9d7e-4c55-8f3a-1a2b3c4d5e6f");
      assertThat(j.labels).isEqualTo(Map.of("team", "ml-infra", "cost-center", "cc-42"));
    }
    assertThat(jobs.get(0).startTime).isEqualTo(-1);
    assertThat(jobs.get(0).timestamp).isEqualTo(ms("2025-03-01T10:00:00Z"));
    assertThat(jobs.get(1).startTime).isEqualTo(ms("2025-03-01T10:00:01Z"));
    assertThat(jobs.get(1).endTime).isEqualTo(-1);
    JobInfo done = jobs.get(2);
    assertThat(done.eventType).isEqualTo("MODIFIED");
    assertThat(done.startTime).isEqualTo(ms("2025-03-01T10:00:01Z"));
    assertThat(done.endTime).isEqualTo(ms("2025-03-01T14:31:12Z"));
    assertThat(done.timestamp).isEqualTo(ms("2025-03-01T14:31:12Z"));
  }

  // ---------------------------------------------------------------- kubernetes/api testdata

  @Test
  void apiTestdataPodWithPlaceholdersParses() throws Exception {
    PodInfo p = parse(watch("MODIFIED", testdata("core.v1.Pod.json"))).pod;
    assertThat(p).isNotNull();
    assertThat(p.name).isEqualTo("nameValue");
    assertThat(p.namespace).isEqualTo("namespaceValue");
    assertThat(p.uid).isEqualTo("uidValue");
    assertThat(p.nodeName).isEqualTo("nodeNameValue");
    assertThat(p.phase).isEqualTo("phaseValue");
    assertThat(p.priorityClass).isEqualTo("priorityClassNameValue");
    assertThat(p.gpuRequest).as("limitsKey/requestsKey are not nvidia.com/gpu").isZero();
    assertThat(p.ownerKind).isEqualTo("kindValue");
    assertThat(p.ownerName).isEqualTo("nameValue");
    assertThat(p.labels).isEmpty();
    assertThat(p.startTime).isEqualTo(ms("2007-01-01T01:01:01Z"));
    // restartPolicyValue is not Never: terminated containers do not end the pod
    assertThat(p.endTime).isEqualTo(-1);
    assertThat(p.timestamp)
        .as("deletionTimestamp is the newest")
        .isEqualTo(ms("2009-01-01T01:01:01Z"));

    PodInfo deleted = parse(watch("DELETED", testdata("core.v1.Pod.json"))).pod;
    assertThat(deleted.endTime).isEqualTo(ms("2009-01-01T01:01:01Z"));
  }

  /**
   * With restartPolicy Never, the placeholder containers (terminated 2006) would end the pod before
   * it started (2007): impossible, so rejected with a message saying so.
   */
  @Test
  void apiTestdataPodThatWouldEndBeforeItStartsIsRejectedClearly() throws Exception {
    ObjectNode pod = testdata("core.v1.Pod.json");
    ((ObjectNode) pod.get("spec")).put("restartPolicy", "Never");
    assertThatThrownBy(() -> parse(watch("MODIFIED", pod)))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
              assertThat(e.detail())
                  .contains("namespaceValue/nameValue")
                  .contains("before it starts")
                  .contains("2006-01-01T01:01:01Z")
                  .contains("2007-01-01T01:01:01Z");
            });
  }

  /** A placeholder where the GPU quantity belongs is not a number: a clear invalid_value. */
  @Test
  void placeholderGpuQuantityIsRejectedClearly() throws Exception {
    ObjectNode pod = testdata("core.v1.Pod.json");
    ObjectNode limits =
        (ObjectNode) pod.get("spec").get("containers").get(0).get("resources").get("limits");
    limits.put("nvidia.com/gpu", "limitsKey");
    assertThatThrownBy(() -> parse(watch("ADDED", pod)))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
              assertThat(e.detail()).contains("nvidia.com/gpu").contains("limitsKey");
            });
  }

  @Test
  void apiTestdataJobParses() throws Exception {
    JobInfo j = parse(watch("MODIFIED", testdata("batch.v1.Job.json"))).job;
    assertThat(j).isNotNull();
    assertThat(j.name).isEqualTo("nameValue");
    assertThat(j.namespace).isEqualTo("namespaceValue");
    assertThat(j.state).isEqualTo("Complete");
    assertThat(j.startTime).isEqualTo(ms("2002-01-01T01:01:01Z"));
    assertThat(j.endTime).isEqualTo(ms("2003-01-01T01:01:01Z"));
    assertThat(j.timestamp).isEqualTo(ms("2008-01-01T01:01:01Z"));
    assertThat(j.labels).isEmpty();
  }

  @Test
  void apiTestdataEventIsIgnored() throws Exception {
    K8sObject o = parse(watch("ADDED", testdata("core.v1.Event.json")));
    assertThat(o.ignoredKind).isEqualTo("Event");
    assertThat(o.pod).isNull();
  }

  @Test
  void apiTestdataWatchEventHasAnUnknownType() {
    assertThatThrownBy(
            () -> parser.parse(Samples.bytes(TESTDATA + "core.v1.WatchEvent.json"), FALLBACK))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.UNKNOWN_ENUM);
              assertThat(e.detail()).contains("typeValue");
            });
  }

  @Test
  void customResourceIsIgnored() throws Exception {
    K8sObject o =
        parse(
            "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"example.com/v1\","
                + "\"kind\":\"CustomType\",\"metadata\":{\"name\":\"x\"}}}");
    assertThat(o.ignoredKind).isEqualTo("CustomType");
  }

  @Test
  void sameKindFromAnotherApiGroupIsIgnored() throws Exception {
    assertThat(
            parse(
                    "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"example.com/v1\","
                        + "\"kind\":\"Job\",\"metadata\":{\"name\":\"x\"}}}")
                .ignoredKind)
        .isEqualTo("Job");
    assertThat(
            parse(
                    "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"metrics.k8s.io/v1beta1\","
                        + "\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}}")
                .ignoredKind)
        .isEqualTo("Pod");
  }

  // ---------------------------------------------------------------- nodes

  private static final String EKS_NODE =
      """
{"type":"ADDED","object":{"apiVersion":"v1","kind":"Node","metadata":{
  "name":"ip-10-0-3-17.ec2.internal","uid":"5e1f8a4c-2b0d-4f7e-9a51-0c3d2e1f4a5b",
  "resourceVersion":"48213","creationTimestamp":"2025-03-01T09:55:00Z",
  "labels":{"beta.kubernetes.io/arch":"amd64","kubernetes.io/arch":"amd64",
    "kubernetes.io/hostname":"ip-10-0-3-17.ec2.internal","kubernetes.io/os":"linux",
    "node.kubernetes.io/instance-type":"p4d.24xlarge",
    "beta.kubernetes.io/instance-type":"p4d.24xlarge",
    "karpenter.sh/capacity-type":"spot","karpenter.sh/nodepool":"gpu",
    "topology.kubernetes.io/region":"us-east-1","topology.kubernetes.io/zone":"us-east-1a",
    "nvidia.com/gpu.product":"NVIDIA-A100-SXM4-40GB","nvidia.com/gpu.count":"8"},
  "annotations":{"karpenter.sh/nodepool-hash":"4010951020"}},
"spec":{"providerID":"aws:///us-east-1a/i-0abc123",
  "taints":[{"key":"nvidia.com/gpu","value":"true","effect":"NoSchedule"}]},
"status":{
  "capacity":{"cpu":"96","ephemeral-storage":"104845292Ki","hugepages-1Gi":"0",
    "memory":"1176929560Ki","nvidia.com/gpu":"8","pods":"737",
    "vpc.amazonaws.com/efa":"4"},
  "allocatable":{"cpu":"95690m","memory":"1165021976Ki","nvidia.com/gpu":"8",
    "pods":"737"},
  "conditions":[
    {"type":"MemoryPressure","status":"False","lastHeartbeatTime":"2025-03-01T10:00:30Z",
     "lastTransitionTime":"2025-03-01T09:56:10Z","reason":"KubeletHasSufficientMemory"},
    {"type":"Ready","status":"True","lastHeartbeatTime":"2025-03-01T10:00:30Z",
     "lastTransitionTime":"2025-03-01T09:56:40Z","reason":"KubeletReady"}],
  "addresses":[{"type":"InternalIP","address":"10.0.3.17"}],
  "nodeInfo":{"kubeletVersion":"v1.31.4-eks-aeac579","containerRuntimeVersion":"containerd://1.7.25",
    "osImage":"Amazon Linux 2023.6.20250203","architecture":"amd64"}}}}
""";

  @Test
  void eksKarpenterSpotNode() throws Exception {
    NodeInfo n = parse(EKS_NODE).node;
    assertThat(n).isNotNull();
    assertThat(n.eventType).isEqualTo("ADDED");
    assertThat(n.cluster).isEqualTo("prod");
    assertThat(n.name).isEqualTo("ip-10-0-3-17.ec2.internal");
    assertThat(n.nodeKey()).isEqualTo("prod/ip-10-0-3-17.ec2.internal");
    assertThat(n.providerId).isEqualTo("aws:///us-east-1a/i-0abc123");
    assertThat(n.instanceId).isEqualTo("i-0abc123");
    assertThat(n.instanceType).isEqualTo("p4d.24xlarge");
    assertThat(n.capacityType).isEqualTo(NodeInfo.SPOT);
    assertThat(n.region).isEqualTo("us-east-1");
    assertThat(n.zone).isEqualTo("us-east-1a");
    assertThat(n.gpuCapacity).isEqualTo(8);
    assertThat(n.gpuProduct).isEqualTo("NVIDIA-A100-SXM4-40GB");
    assertThat(n.createdTime).isEqualTo(ms("2025-03-01T09:55:00Z"));
    assertThat(n.deletedTime).isEqualTo(-1);
    assertThat(n.timestamp).as("newest heartbeat").isEqualTo(ms("2025-03-01T10:00:30Z"));
  }

  @Test
  void deletedNodeGetsADeletionTime() throws Exception {
    NodeInfo n = parse(EKS_NODE.replace("\"ADDED\"", "\"DELETED\"")).node;
    assertThat(n.deletedTime).isEqualTo(ms("2025-03-01T10:00:30Z"));
    NodeInfo m =
        parse(
                EKS_NODE
                    .replace("\"ADDED\"", "\"DELETED\"")
                    .replace(
                        "\"creationTimestamp\":\"2025-03-01T09:55:00Z\",",
                        "\"creationTimestamp\":\"2025-03-01T09:55:00Z\","
                            + "\"deletionTimestamp\":\"2025-03-01T12:00:00Z\","))
            .node;
    assertThat(m.deletedTime).isEqualTo(ms("2025-03-01T12:00:00Z"));
  }

  private NodeInfo node(String labels, String providerId, String capacity) throws Exception {
    return parse(
            "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Node\","
                + "\"metadata\":{\"name\":\"n1\",\"labels\":{"
                + labels
                + "}},\"spec\":{"
                + (providerId == null ? "" : "\"providerID\":\"" + providerId + "\"")
                + "},\"status\":{"
                + capacity
                + "}}}")
        .node;
  }

  @Test
  void gkeSpotNode() throws Exception {
    NodeInfo n =
        node(
            "\"cloud.google.com/gke-spot\":\"true\","
                + "\"node.kubernetes.io/instance-type\":\"a2-highgpu-1g\","
                + "\"topology.kubernetes.io/region\":\"us-central1\","
                + "\"topology.kubernetes.io/zone\":\"us-central1-a\"",
            "gce://my-project/us-central1-a/gke-gpu-pool-7f3c-abcd",
            "\"capacity\":{\"nvidia.com/gpu\":\"1\"}");
    assertThat(n.capacityType).isEqualTo(NodeInfo.SPOT);
    assertThat(n.instanceId).isEqualTo("gke-gpu-pool-7f3c-abcd");
    assertThat(n.instanceType).isEqualTo("a2-highgpu-1g");
    assertThat(n.gpuCapacity).isEqualTo(1);
    assertThat(n.timestamp).as("no time in the object").isEqualTo(FALLBACK);
    assertThat(n.createdTime).isEqualTo(-1);
  }

  @Test
  void gkePreemptibleNode() throws Exception {
    assertThat(node("\"cloud.google.com/gke-preemptible\":\"true\"", null, "").capacityType)
        .isEqualTo(NodeInfo.SPOT);
  }

  @Test
  void azureSpotNode() throws Exception {
    String pid =
        "azure:///subscriptions/0000/resourceGroups/mc_rg/providers/Microsoft.Compute/"
            + "virtualMachineScaleSets/aks-gpu-123/virtualMachines/0";
    NodeInfo n =
        node(
            "\"kubernetes.azure.com/scalesetpriority\":\"spot\","
                + "\"node.kubernetes.io/instance-type\":\"Standard_NC24ads_A100_v4\"",
            pid,
            "\"capacity\":{\"nvidia.com/gpu\":\"1\"}");
    assertThat(n.capacityType).isEqualTo(NodeInfo.SPOT);
    assertThat(n.instanceId).isEqualTo(pid.substring("azure://".length()));
  }

  @Test
  void eksManagedNodeGroupCapacityType() throws Exception {
    assertThat(node("\"eks.amazonaws.com/capacityType\":\"SPOT\"", null, "").capacityType)
        .isEqualTo(NodeInfo.SPOT);
    assertThat(node("\"eks.amazonaws.com/capacityType\":\"ON_DEMAND\"", null, "").capacityType)
        .isEqualTo(NodeInfo.ON_DEMAND);
  }

  @Test
  void karpenterOnDemandWinsOverOtherLabels() throws Exception {
    assertThat(
            node(
                    "\"karpenter.sh/capacity-type\":\"on-demand\","
                        + "\"eks.amazonaws.com/capacityType\":\"SPOT\"",
                    null,
                    "")
                .capacityType)
        .isEqualTo(NodeInfo.ON_DEMAND);
  }

  @Test
  void nodeWithoutLabelsIsOnDemandWithoutGpus() throws Exception {
    NodeInfo n = node("", "kind://docker/kind/kind-worker", "");
    assertThat(n.capacityType).isEqualTo(NodeInfo.ON_DEMAND);
    assertThat(n.gpuCapacity).isZero();
    assertThat(n.instanceType).isNull();
    assertThat(n.region).isNull();
    assertThat(n.instanceId).isEqualTo("kind://docker/kind/kind-worker");
  }

  @Test
  void legacyBetaLabels() throws Exception {
    NodeInfo n =
        node(
            "\"beta.kubernetes.io/instance-type\":\"g5.xlarge\","
                + "\"failure-domain.beta.kubernetes.io/region\":\"eu-west-1\","
                + "\"failure-domain.beta.kubernetes.io/zone\":\"eu-west-1b\"",
            null,
            "");
    assertThat(n.instanceType).isEqualTo("g5.xlarge");
    assertThat(n.region).isEqualTo("eu-west-1");
    assertThat(n.zone).isEqualTo("eu-west-1b");
    assertThat(n.providerId).isNull();
    assertThat(n.instanceId).isNull();
  }

  @Test
  void gpuCapacityFromAllocatableWhenCapacityLacksIt() throws Exception {
    assertThat(node("", null, "\"allocatable\":{\"nvidia.com/gpu\":\"4\"}").gpuCapacity)
        .isEqualTo(4);
  }

  @Test
  void negativeGpuCapacityRejected() {
    assertThatThrownBy(() -> node("", null, "\"capacity\":{\"nvidia.com/gpu\":\"-1\"}"))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
              assertThat(e.detail()).contains("nvidia.com/gpu").contains("-1");
            });
  }

  @Test
  void implausibleGpuCapacityRejected() {
    assertThatThrownBy(() -> node("", null, "\"capacity\":{\"nvidia.com/gpu\":\"100000\"}"))
        .isInstanceOfSatisfying(
            ParseException.class, e -> assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE));
  }

  // ---------------------------------------------------------------- pods

  private static String pod(String metadataExtra, String specExtra, String status) {
    return "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":\"p-0\",\"namespace\":\"ml\""
        + metadataExtra
        + "},\"spec\":{\"nodeName\":\"n1\""
        + specExtra
        + "},\"status\":"
        + status
        + "}}";
  }

  private static String gpus(String n) {
    return "{\"name\":\"c\",\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"" + n + "\"}}}";
  }

  @Nested
  class Pods {
    @Test
    void deploymentOwnerFromReplicaSetWithPodTemplateHash() throws Exception {
      PodInfo p =
          parse(
                  pod(
                      ",\"labels\":{\"app\":\"vllm\",\"pod-template-hash\":\"6d4f8b7c9\"},"
                          + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
                          + "\"kind\":\"ReplicaSet\",\"name\":\"vllm-llama-6d4f8b7c9\","
                          + "\"controller\":true}]",
                      "",
                      "{\"phase\":\"Running\"}"))
              .pod;
      assertThat(p.ownerKind).isEqualTo("Deployment");
      assertThat(p.ownerName).isEqualTo("vllm-llama");
      assertThat(p.workload()).isEqualTo("ml/Deployment/vllm-llama");
    }

    @Test
    void detectionHintsFromLabelsOrAnnotationsWhenTrue() throws Exception {
      PodInfo p =
          parse(
                  pod(
                      ",\"labels\":{\"team\":\"ml\",\"burnrate.io/critical\":\"false\"},"
                          + "\"annotations\":{\"burnrate.io/spot-tolerant\":\"True\","
                          + "\"burnrate.io/critical\":\"true\",\"burnrate.io/deferrable\":\"true\"}",
                      "",
                      "{\"phase\":\"Running\"}"))
              .pod;
      // a label wins over an annotation; only "true" is kept
      assertThat(p.labels)
          .isEqualTo(
              Map.of(
                  "team",
                  "ml",
                  "burnrate.io/spot-tolerant",
                  "true",
                  "burnrate.io/deferrable",
                  "true"));
    }

    @Test
    void bareReplicaSetKeepsItsName() throws Exception {
      PodInfo p =
          parse(
                  pod(
                      ",\"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"my-rs\","
                          + "\"controller\":true}]",
                      "",
                      "{\"phase\":\"Running\"}"))
              .pod;
      assertThat(p.workload()).isEqualTo("ml/ReplicaSet/my-rs");
    }

    @Test
    void argoRolloutReplicaSet() throws Exception {
      PodInfo p =
          parse(
                  pod(
                      ",\"labels\":{\"rollouts-pod-template-hash\":\"5c9d7\"},"
                          + "\"ownerReferences\":[{\"kind\":\"ReplicaSet\","
                          + "\"name\":\"infer-5c9d7\",\"controller\":true}]",
                      "",
                      "{\"phase\":\"Running\"}"))
              .pod;
      assertThat(p.workload()).isEqualTo("ml/Rollout/infer");
    }

    @Test
    void controllerReferenceWinsOverOthers() throws Exception {
      PodInfo p =
          parse(
                  pod(
                      ",\"ownerReferences\":[{\"kind\":\"ConfigMap\",\"name\":\"x\"},"
                          + "{\"kind\":\"StatefulSet\",\"name\":\"trainer\",\"controller\":true}]",
                      "",
                      "{\"phase\":\"Running\"}"))
              .pod;
      assertThat(p.workload()).isEqualTo("ml/StatefulSet/trainer");
    }

    @Test
    void jobNameLabelWithoutOwnerReference() throws Exception {
      PodInfo p =
          parse(
                  pod(
                      ",\"labels\":{\"batch.kubernetes.io/job-name\":\"sweep-17\"}",
                      "",
                      "{\"phase\":\"Pending\"}"))
              .pod;
      assertThat(p.workload()).isEqualTo("ml/Job/sweep-17");
    }

    @Test
    void barePodIsItsOwnWorkload() throws Exception {
      PodInfo p = parse(pod("", "", "{\"phase\":\"Running\"}")).pod;
      assertThat(p.ownerKind).isNull();
      assertThat(p.workload()).isEqualTo("ml/Pod/p-0");
    }

    @Test
    void onlyConfiguredLabelsAreKept() throws Exception {
      PodInfo p =
          parse(
                  pod(
                      ",\"labels\":{\"team\":\"nlp\",\"project\":\"chat\",\"cost-center\":\"42\","
                          + "\"app\":\"x\",\"team-lead\":\"bob\"}",
                      "",
                      "{}"))
              .pod;
      assertThat(p.labels).isEqualTo(Map.of("team", "nlp", "project", "chat", "cost-center", "42"));
    }

    @Test
    void gpusSummedOverContainersAndMaxedWithInitContainers() throws Exception {
      String containers = ",\"containers\":[" + gpus("2") + "," + gpus("2") + "]";
      assertThat(
              parse(pod("", containers + ",\"initContainers\":[" + gpus("8") + "]", "{}"))
                  .pod
                  .gpuRequest)
          .isEqualTo(8);
      assertThat(
              parse(pod("", containers + ",\"initContainers\":[" + gpus("1") + "]", "{}"))
                  .pod
                  .gpuRequest)
          .isEqualTo(4);
    }

    @Test
    void gpuRequestsUsedWhenNoLimit() throws Exception {
      String c =
          ",\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":"
              + "{\"nvidia.com/gpu\":\"3\",\"cpu\":\"500m\",\"memory\":\"8Gi\"}}}]";
      assertThat(parse(pod("", c, "{}")).pod.gpuRequest).isEqualTo(3);
    }

    @Test
    void fractionalOrNegativeGpuQuantityRejected() {
      for (String q : List.of("500m", "0.5", "-1", "1k", "")) {
        String json = pod("", ",\"containers\":[" + gpus(q) + "]", "{}");
        assertThat(reason(json)).as("'" + q + "'").isEqualTo(Reasons.INVALID_VALUE);
      }
    }

    /** Between restarts a container is terminated, yet the pod keeps its GPUs. */
    @Test
    void restartingContainerDoesNotEndThePod() throws Exception {
      String status =
          "{\"phase\":\"Running\",\"startTime\":\"2025-03-01T10:00:00Z\","
              + "\"containerStatuses\":[{\"name\":\"c\",\"restartCount\":3,\"state\":"
              + "{\"terminated\":{\"exitCode\":1,\"startedAt\":\"2025-03-01T10:05:00Z\","
              + "\"finishedAt\":\"2025-03-01T10:06:00Z\"}}}]}";
      assertThat(parse(pod("", "", status)).pod.endTime).isEqualTo(-1);
      assertThat(parse(pod("", ",\"restartPolicy\":\"OnFailure\"", status)).pod.endTime)
          .isEqualTo(-1);
      PodInfo never = parse(pod("", ",\"restartPolicy\":\"Never\"", status)).pod;
      assertThat(never.endTime).isEqualTo(ms("2025-03-01T10:06:00Z"));
    }

    @Test
    void failedPodEndsAtItsLastContainerFinish() throws Exception {
      String status =
          "{\"phase\":\"Failed\",\"startTime\":\"2025-03-01T10:00:00Z\","
              + "\"containerStatuses\":["
              + "{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":137,"
              + "\"startedAt\":\"2025-03-01T10:00:05Z\",\"finishedAt\":\"2025-03-01T11:00:00Z\"}}},"
              + "{\"name\":\"b\",\"state\":{\"terminated\":{\"exitCode\":0,"
              + "\"startedAt\":\"2025-03-01T10:00:05Z\",\"finishedAt\":\"2025-03-01T11:00:07Z\"}}}"
              + "]}";
      PodInfo p = parse(pod("", "", status)).pod;
      assertThat(p.endTime).isEqualTo(ms("2025-03-01T11:00:07Z"));
      assertThat(p.isTerminal()).isTrue();
    }

    @Test
    void startFromContainersWhenNoStatusStartTime() throws Exception {
      String status =
          "{\"phase\":\"Running\",\"containerStatuses\":["
              + "{\"name\":\"a\",\"state\":{\"running\":{\"startedAt\":\"2025-03-01T10:02:00Z\"}}},"
              + "{\"name\":\"b\",\"state\":{\"running\":{\"startedAt\":\"2025-03-01T10:01:00Z\"}}}]}";
      assertThat(parse(pod("", "", status)).pod.startTime).isEqualTo(ms("2025-03-01T10:01:00Z"));
    }

    @Test
    void deletedRunningPodEndsAtDeletion() throws Exception {
      String json =
          pod(
                  ",\"deletionTimestamp\":\"2025-03-01T12:00:30Z\"",
                  "",
                  "{\"phase\":\"Running\",\"startTime\":\"2025-03-01T10:00:00Z\"}")
              .replace("\"MODIFIED\"", "\"DELETED\"");
      PodInfo p = parse(json).pod;
      assertThat(p.endTime).isEqualTo(ms("2025-03-01T12:00:30Z"));
      assertThat(p.isTerminal()).isTrue();
    }

    @Test
    void missingNamespaceIsDefault() throws Exception {
      PodInfo p =
          parse("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}}")
              .pod;
      assertThat(p.namespace).isEqualTo("default");
      assertThat(p.gpuRequest).isZero();
    }

    @Test
    void missingNameRejected() {
      assertThat(
              reason(
                  "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
                      + "\"metadata\":{\"namespace\":\"x\"}}}"))
          .isEqualTo(Reasons.MISSING_FIELD);
      assertThat(reason("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}}"))
          .isEqualTo(Reasons.MISSING_FIELD);
    }

    @Test
    void badTimestampRejected() {
      assertThat(
              reason(
                  pod(
                      ",\"creationTimestamp\":\"creationTimestampValue\"",
                      "",
                      "{\"phase\":\"Running\"}")))
          .isEqualTo(Reasons.INVALID_VALUE);
    }
  }

  // ---------------------------------------------------------------- envelope

  @Test
  void unknownWatchTypeRejected() {
    assertThat(
            reason(
                "{\"type\":\"RESYNC\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                    + "\"metadata\":{\"name\":\"x\"}}}"))
        .isEqualTo(Reasons.UNKNOWN_ENUM);
  }

  @Test
  void bookmarkIgnoredWatchErrorRejected() throws Exception {
    K8sObject b =
        parse(
            "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
                + "\"metadata\":{\"resourceVersion\":\"12746\","
                + "\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}");
    assertThat(b.ignoredKind).isEqualTo("BOOKMARK");
    assertThat(b.pod).isNull();
    // 410 Gone: the watch ended and must re-list; never skipped silently
    String error =
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"status\":\"Failure\",\"message\":\"too old resource version: 1 (2)\","
            + "\"reason\":\"Expired\",\"code\":410}}";
    assertThat(reason(error)).isEqualTo(Reasons.WATCH_ERROR);
    assertThatThrownBy(() -> parse(error))
        .hasMessageContaining("410 Expired")
        .hasMessageContaining("too old resource version")
        .hasMessageContaining("re-list");
  }

  @Test
  void duplicateKeysAndOverlongNamesRejected() {
    assertThat(
            reason(
                "{\"type\":\"ADDED\",\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\","
                    + "\"metadata\":{\"name\":\"p\"}}}"))
        .isEqualTo(Reasons.INVALID_JSON);
    String pod =
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
            + "\"metadata\":{\"name\":\"%s\",\"namespace\":\"%s\","
            + "\"creationTimestamp\":\"2025-03-01T10:00:00Z\"}}}";
    assertThat(reason(String.format(pod, "p".repeat(254), "ns"))).isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason(String.format(pod, "p", "n".repeat(64)))).isEqualTo(Reasons.INVALID_VALUE);
    // at the limits: accepted
    assertThatCode(() -> parse(String.format(pod, "p".repeat(253), "n".repeat(63))))
        .doesNotThrowAnyException();
  }

  @Test
  void malformedEnvelopes() {
    assertThat(reason("{\"object\":{\"kind\":\"Pod\"}}")).isEqualTo(Reasons.MISSING_FIELD);
    assertThat(reason("{\"type\":\"ADDED\"}")).isEqualTo(Reasons.MISSING_FIELD);
    assertThat(reason("{\"type\":\"ADDED\",\"object\":{\"metadata\":{}}}"))
        .isEqualTo(Reasons.MISSING_FIELD);
    assertThat(reason("[{\"type\":\"ADDED\"}]")).isEqualTo(Reasons.INVALID_JSON);
    assertThat(reason("{\"type\":\"ADDED\",\"object\":{\"kind\":")).isEqualTo(Reasons.INVALID_JSON);
    assertThat(reason("")).isEqualTo(Reasons.EMPTY);
  }
}
