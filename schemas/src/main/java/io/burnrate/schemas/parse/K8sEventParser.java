package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;
import static io.burnrate.schemas.model.DeadLetter.Reasons.MISSING_FIELD;
import static io.burnrate.schemas.model.DeadLetter.Reasons.UNKNOWN_ENUM;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.JobInfo;
import io.burnrate.schemas.model.K8sObject;
import io.burnrate.schemas.model.NodeInfo;
import io.burnrate.schemas.model.PodInfo;
import java.util.List;
import java.util.Map;

/**
 * Parses one Kubernetes watch event ({@code {"type": ..., "object": {...}}}) as the API server
 * emits it, for {@code v1/Pod}, {@code v1/Node} and {@code batch/v1/Job}. Other kinds (Events,
 * custom resources) and BOOKMARK events are recognised and returned as ignored, not as errors.
 *
 * <p>Read as a tree with a plain {@link ObjectMapper} (no polymorphic typing): only the paths named
 * below are read, everything else is ignored.
 */
public final class K8sEventParser {
  public static final String GPU_RESOURCE = "nvidia.com/gpu";

  /** Time-sliced GPUs when the device plugin renames them ({@code renameByDefault}). */
  public static final String SHARED_GPU_RESOURCE = "nvidia.com/gpu.shared";

  /** MIG instances under the mixed strategy: {@code nvidia.com/mig-3g.20gb}. */
  public static final String MIG_RESOURCE_PREFIX = "nvidia.com/mig-";

  private static final java.util.regex.Pattern MIG_PROFILE =
      java.util.regex.Pattern.compile("(\\d{1,2})g\\.(\\d{1,4})gb(?:\\+me)?");

  /** Pod label or annotation: the workload may run on spot capacity. */
  public static final String SPOT_TOLERANT = "burnrate.io/spot-tolerant";

  /** Pod label or annotation: the workload must not be stopped by a budget escalation. */
  public static final String CRITICAL = "burnrate.io/critical";

  /** Pod label or annotation: the workload may run at another time of day (scheduling advice). */
  public static final String DEFERRABLE = "burnrate.io/deferrable";

  private static final List<String> HINTS = List.of(SPOT_TOLERANT, CRITICAL, DEFERRABLE);

  private static final ObjectMapper MAPPER = GpuSampleParser.strictMapper();

  private final String defaultCluster;
  private final List<String> labelKeys;

  /**
   * @param defaultCluster cluster name to use (watch events do not carry one)
   * @param labelKeys pod/job label keys kept for cost attribution (e.g. team, project, cost-center)
   */
  public K8sEventParser(String defaultCluster, List<String> labelKeys) {
    this.defaultCluster = defaultCluster;
    this.labelKeys = List.copyOf(labelKeys);
  }

  /**
   * @param fallbackTimestamp event time to use when the object carries no timestamp at all (the
   *     Kafka record's timestamp)
   */
  public K8sObject parse(byte[] json, long fallbackTimestamp) throws ParseException {
    JsonNode root = GpuSampleParser.readObject(MAPPER, json, "watch event");
    String type = text(root, "type");
    if (type == null) {
      throw new ParseException(MISSING_FIELD, "type: missing (ADDED, MODIFIED, DELETED)");
    }
    switch (type) {
      case "ADDED", "MODIFIED", "DELETED" -> {}
      case "BOOKMARK" -> {
        return K8sObject.ignored(type);
      }
      case "ERROR" -> throw watchError(root.path("object"));
      default ->
          throw new ParseException(
              UNKNOWN_ENUM,
              "type: '" + Values.abbreviate(type) + "' is not ADDED/MODIFIED/DELETED");
    }
    JsonNode obj = root.get("object");
    if (obj == null || !obj.isObject()) {
      throw new ParseException(MISSING_FIELD, "object: missing");
    }
    String kind = text(obj, "kind");
    if (kind == null) {
      throw new ParseException(MISSING_FIELD, "object.kind: missing");
    }
    String apiVersion = text(obj, "apiVersion");
    return switch (kind) {
      case "Pod" ->
          isCore(apiVersion) ? K8sObject.of(pod(type, obj, fallbackTimestamp)) : ign(kind);
      case "Node" ->
          isCore(apiVersion) ? K8sObject.of(node(type, obj, fallbackTimestamp)) : ign(kind);
      case "Job" ->
          apiVersion == null || apiVersion.startsWith("batch/")
              ? K8sObject.of(job(type, obj, fallbackTimestamp))
              : ign(kind);
      default -> K8sObject.ignored(kind);
    };
  }

  /**
   * A watch {@code ERROR} event: the API server ended the watch with a {@code Status} (410 Gone,
   * reason {@code Expired}, when the resource version is too old). The producer must re-list; until
   * it does, events may be missing: never skipped silently.
   */
  private static ParseException watchError(JsonNode status) {
    String code = text(status, "code");
    String reason = text(status, "reason");
    String message = text(status, "message");
    return new ParseException(
        io.burnrate.schemas.model.DeadLetter.Reasons.WATCH_ERROR,
        "watch ERROR event: "
            + (code != null ? code : "no code")
            + " "
            + (reason != null ? reason : "no reason")
            + (message != null ? " (" + Values.abbreviate(message) + ")" : "")
            + ": the watch ended and must re-list; events in between may be missing");
  }

  private static K8sObject ign(String kind) {
    return K8sObject.ignored(kind);
  }

  private static boolean isCore(String apiVersion) {
    return apiVersion == null || apiVersion.equals("v1");
  }

  // ---------------------------------------------------------------- Pod

  private PodInfo pod(String type, JsonNode obj, long fallbackTs) throws ParseException {
    JsonNode meta = requireObject(obj, "metadata", "object.metadata");
    PodInfo p = new PodInfo();
    p.eventType = type;
    p.cluster = defaultCluster;
    p.name = requireText(meta, "name", "metadata.name");
    p.namespace = text(meta, "namespace");
    if (p.namespace == null) {
      p.namespace = "default";
    }
    p.uid = text(meta, "uid");
    JsonNode spec = obj.path("spec");
    JsonNode status = obj.path("status");
    p.nodeName = text(spec, "nodeName");
    p.phase = text(status, "phase");
    p.priorityClass = text(spec, "priorityClassName");
    p.gpuRequest = gpuRequest(spec);
    p.migGpuFraction = migGpuFraction(spec);
    owner(meta, p);
    labels(meta.path("labels"), p.labels);
    hints(meta, p.labels);

    long newest = -1;
    newest = max(newest, time(meta, "creationTimestamp", "metadata.creationTimestamp"));
    long deletion = time(meta, "deletionTimestamp", "metadata.deletionTimestamp");
    newest = max(newest, deletion);
    long start = time(status, "startTime", "status.startTime");
    newest = max(newest, start);
    long earliestRunning = -1;
    long latestFinished = -1;
    boolean allTerminated = true;
    boolean anyContainer = false;
    for (JsonNode cs : status.path("containerStatuses")) {
      anyContainer = true;
      JsonNode state = cs.path("state");
      JsonNode running = state.path("running");
      JsonNode term = state.path("terminated");
      long rs = time(running, "startedAt", "containerStatuses.state.running.startedAt");
      long ts = time(term, "startedAt", "containerStatuses.state.terminated.startedAt");
      long tf = time(term, "finishedAt", "containerStatuses.state.terminated.finishedAt");
      newest = max(newest, max(rs, max(ts, tf)));
      long st = rs >= 0 ? rs : ts;
      if (st >= 0 && (earliestRunning < 0 || st < earliestRunning)) {
        earliestRunning = st;
      }
      if (term.isMissingNode() || tf < 0) {
        allTerminated = false;
      } else {
        latestFinished = max(latestFinished, tf);
      }
    }
    for (JsonNode c : status.path("conditions")) {
      newest = max(newest, time(c, "lastTransitionTime", "conditions.lastTransitionTime"));
    }
    p.timestamp = newest >= 0 ? newest : fallbackTs;
    p.startTime = start >= 0 ? start : earliestRunning;
    boolean terminalPhase = "Succeeded".equals(p.phase) || "Failed".equals(p.phase);
    // A pod whose containers may restart (restartPolicy Always, the default, or OnFailure) keeps
    // its GPUs while a container is down between restarts; only a Never pod is done when all of
    // its containers have terminated (its phase follows shortly).
    boolean neverRestarts = "Never".equals(text(spec, "restartPolicy"));
    if (terminalPhase || (neverRestarts && anyContainer && allTerminated)) {
      p.endTime = latestFinished >= 0 ? latestFinished : p.timestamp;
    } else if ("DELETED".equals(type)) {
      p.endTime = deletion >= 0 ? deletion : p.timestamp;
    }
    if (p.endTime >= 0 && p.startTime >= 0 && p.endTime < p.startTime) {
      throw new ParseException(
          INVALID_VALUE,
          "pod "
              + p.podKey()
              + ": ends ("
              + Values.iso(p.endTime)
              + ") before it starts ("
              + Values.iso(p.startTime)
              + ")");
    }
    Names.require("metadata.name", p.name, Names.MAX_NAME);
    Names.require("metadata.namespace", p.namespace, Names.MAX_LABEL);
    Names.require("spec.nodeName", p.nodeName, Names.MAX_NAME);
    Names.require("metadata.ownerReferences.name", p.ownerName, Names.MAX_NAME);
    return p;
  }

  /** GPUs as the scheduler counts them: sum over containers, max with any init container. */
  static int gpuRequest(JsonNode spec) throws ParseException {
    long sum = 0;
    for (JsonNode c : spec.path("containers")) {
      sum += containerGpus(c);
    }
    long init = 0;
    for (JsonNode c : spec.path("initContainers")) {
      init = Math.max(init, containerGpus(c));
    }
    long n = Math.max(sum, init);
    if (n > 1024) {
      throw new ParseException(INVALID_VALUE, GPU_RESOURCE + ": " + n + " GPUs is not plausible");
    }
    return (int) n;
  }

  private static long containerGpus(JsonNode c) throws ParseException {
    return containerQuantity(c, GPU_RESOURCE) + containerQuantity(c, SHARED_GPU_RESOURCE);
  }

  /** A container's limit (else request) of one extended resource; 0 when absent. */
  private static long containerQuantity(JsonNode c, String resource) throws ParseException {
    JsonNode res = c.path("resources");
    JsonNode v = res.path("limits").get(resource);
    if (v == null || v.isNull()) {
      v = res.path("requests").get(resource);
    }
    if (v == null || v.isNull()) {
      return 0;
    }
    return quantity(resource, v);
  }

  /**
   * GPUs held as MIG instances ({@code nvidia.com/mig-<N>g.<M>gb}, the mixed strategy), as the
   * share of a GPU's compute slices they take: N of 7 (A100, H100, H200, B200), N of 4 on an A30
   * (whose profiles have 6 GB per slice). Sum over containers, max with any init container.
   */
  static double migGpuFraction(JsonNode spec) throws ParseException {
    double sum = 0;
    for (JsonNode c : spec.path("containers")) {
      sum += containerMig(c);
    }
    double init = 0;
    for (JsonNode c : spec.path("initContainers")) {
      init = Math.max(init, containerMig(c));
    }
    return Math.max(sum, init);
  }

  private static double containerMig(JsonNode c) throws ParseException {
    java.util.Set<String> names = new java.util.TreeSet<>();
    c.path("resources").path("limits").fieldNames().forEachRemaining(names::add);
    c.path("resources").path("requests").fieldNames().forEachRemaining(names::add);
    double share = 0;
    for (String name : names) {
      if (name.startsWith(MIG_RESOURCE_PREFIX)) {
        double perInstance = migShare(name.substring(MIG_RESOURCE_PREFIX.length()));
        if (Double.isNaN(perInstance)) {
          throw new ParseException(
              INVALID_VALUE, name + ": not a MIG profile (<slices>g.<memory>gb)");
        }
        share += perInstance * containerQuantity(c, name);
      }
    }
    return share;
  }

  /** The share of a GPU one MIG instance of a profile takes ({@code 3g.20gb} = 3/7); NaN if bad. */
  public static double migShare(String profile) {
    java.util.regex.Matcher m = MIG_PROFILE.matcher(profile);
    if (!m.matches()) {
      return Double.NaN;
    }
    int slices = Integer.parseInt(m.group(1));
    int memory = Integer.parseInt(m.group(2));
    int total = memory == 6 * slices ? 4 : 7; // A30 profiles: 1g.6gb, 2g.12gb, 4g.24gb
    if (slices < 1 || slices > total) {
      return Double.NaN;
    }
    return slices / (double) total;
  }

  /** A whole, non-negative Kubernetes quantity (GPUs are whole numbers). */
  static long quantity(String field, JsonNode v) throws ParseException {
    String s = v.isTextual() ? v.asText().trim() : v.toString();
    double d;
    try {
      d = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new ParseException(INVALID_VALUE, field + ": not a whole quantity: '" + s + "'");
    }
    if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
      throw new ParseException(INVALID_VALUE, field + ": not a whole quantity: '" + s + "'");
    }
    if (d < 0) {
      throw new ParseException(INVALID_VALUE, field + ": negative GPU count " + s);
    }
    return (long) d;
  }

  private static void owner(JsonNode meta, PodInfo p) {
    JsonNode chosen = null;
    for (JsonNode ref : meta.path("ownerReferences")) {
      if (chosen == null || ref.path("controller").asBoolean(false)) {
        chosen = ref;
      }
    }
    if (chosen != null) {
      p.ownerKind = text(chosen, "kind");
      p.ownerName = text(chosen, "name");
      if ("ReplicaSet".equals(p.ownerKind) && p.ownerName != null) {
        // A Deployment names its ReplicaSets <deployment>-<pod-template-hash> and labels their
        // pods with the hash; a ReplicaSet without that label is not a Deployment's (a bare one,
        // or an Argo Rollout's, whose pods carry rollouts-pod-template-hash instead).
        String hash = text(meta.path("labels"), "pod-template-hash");
        String rolloutHash = text(meta.path("labels"), "rollouts-pod-template-hash");
        if (hash != null && p.ownerName.endsWith("-" + hash)) {
          p.ownerKind = "Deployment";
          p.ownerName = p.ownerName.substring(0, p.ownerName.length() - hash.length() - 1);
        } else if (rolloutHash != null && p.ownerName.endsWith("-" + rolloutHash)) {
          p.ownerKind = "Rollout";
          p.ownerName = p.ownerName.substring(0, p.ownerName.length() - rolloutHash.length() - 1);
        }
      }
    } else {
      String jobName = text(meta.path("labels"), "batch.kubernetes.io/job-name");
      if (jobName == null) {
        jobName = text(meta.path("labels"), "job-name");
      }
      if (jobName != null) {
        p.ownerKind = "Job";
        p.ownerName = jobName;
      }
    }
  }

  private void labels(JsonNode labels, Map<String, String> out) {
    if (!labels.isObject()) {
      return;
    }
    for (String k : labelKeys) {
      String v = text(labels, k);
      if (v != null) {
        out.put(k, v);
      }
    }
  }

  /**
   * The detection hints {@link #SPOT_TOLERANT}, {@link #CRITICAL} and {@link #DEFERRABLE}, from a
   * pod label or, failing that, an annotation; kept (as {@code "true"}) only when the value is
   * {@code true}, whatever the configured label keys.
   */
  private static void hints(JsonNode meta, Map<String, String> out) {
    for (String k : HINTS) {
      String v = text(meta.path("labels"), k);
      if (v == null) {
        v = text(meta.path("annotations"), k);
      }
      if ("true".equalsIgnoreCase(v)) {
        out.put(k, "true");
      }
    }
  }

  // ---------------------------------------------------------------- Node

  private NodeInfo node(String type, JsonNode obj, long fallbackTs) throws ParseException {
    JsonNode meta = requireObject(obj, "metadata", "object.metadata");
    NodeInfo n = new NodeInfo();
    n.eventType = type;
    n.cluster = defaultCluster;
    n.name = requireText(meta, "name", "metadata.name");
    JsonNode labels = meta.path("labels");
    n.instanceType =
        firstText(labels, "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type");
    n.region =
        firstText(
            labels, "topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region");
    n.zone =
        firstText(labels, "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone");
    n.gpuProduct = text(labels, "nvidia.com/gpu.product");
    n.site = text(labels, "burnrate.io/site");
    n.capacityType = capacityType(labels);
    n.providerId = text(obj.path("spec"), "providerID");
    n.instanceId = instanceId(n.providerId);
    long devices = 0;
    for (String resource : List.of(GPU_RESOURCE, SHARED_GPU_RESOURCE)) {
      JsonNode cap = obj.path("status").path("capacity").get(resource);
      if (cap == null) {
        cap = obj.path("status").path("allocatable").get(resource);
      }
      if (cap != null && !cap.isNull()) {
        devices += quantity("status.capacity." + resource, cap);
      }
    }
    if (devices > 1024 * 8) {
      throw new ParseException(INVALID_VALUE, "status.capacity." + GPU_RESOURCE + ": " + devices);
    }
    n.gpuUnitShare = gpuUnitShare(labels, n.gpuProduct);
    String replicas = text(labels, "nvidia.com/gpu.replicas");
    if (replicas != null && replicas.matches("\\d{1,4}") && Integer.parseInt(replicas) > 1) {
      n.gpuReplicas = Integer.parseInt(replicas);
    }
    String count = text(labels, "nvidia.com/gpu.count");
    if (count != null && count.matches("\\d{1,4}")) {
      n.gpuCapacity = Integer.parseInt(count); // physical GPUs, as GPU feature discovery counts
    } else {
      n.gpuCapacity = (int) Math.round(devices * n.gpuUnitShare);
    }
    n.createdTime = time(meta, "creationTimestamp", "metadata.creationTimestamp");
    long deletion = time(meta, "deletionTimestamp", "metadata.deletionTimestamp");
    long newest = max(n.createdTime, deletion);
    for (JsonNode c : obj.path("status").path("conditions")) {
      newest = max(newest, time(c, "lastTransitionTime", "conditions.lastTransitionTime"));
      newest = max(newest, time(c, "lastHeartbeatTime", "conditions.lastHeartbeatTime"));
    }
    n.timestamp = newest >= 0 ? newest : fallbackTs;
    if ("DELETED".equals(type)) {
      n.deletedTime = deletion >= 0 ? deletion : n.timestamp;
    }
    Names.require("metadata.name", n.name, Names.MAX_NAME);
    return n;
  }

  /**
   * The share of a physical GPU that one {@code nvidia.com/gpu} device is on this node: {@code 1 /
   * replicas} when the device plugin shares GPUs ({@code nvidia.com/gpu.replicas}, time-slicing or
   * MPS), the MIG profile's share under the single MIG strategy ({@code nvidia.com/mig.strategy:
   * single}, product {@code ...-MIG-1g.5gb}), else 1.
   */
  static double gpuUnitShare(JsonNode labels, String product) {
    String replicas = text(labels, "nvidia.com/gpu.replicas");
    if (replicas != null && replicas.matches("\\d{1,4}") && Integer.parseInt(replicas) > 1) {
      return 1.0 / Integer.parseInt(replicas);
    }
    if ("single".equals(text(labels, "nvidia.com/mig.strategy")) && product != null) {
      int at = product.indexOf("-MIG-");
      if (at >= 0) {
        double share = migShare(product.substring(at + 5));
        if (!Double.isNaN(share)) {
          return share;
        }
      }
    }
    return 1.0;
  }

  /** {@code spot} or {@code on-demand} from the labels the main provisioners set. */
  static String capacityType(JsonNode labels) {
    String karpenter = text(labels, "karpenter.sh/capacity-type");
    if (karpenter != null) {
      return karpenter.equalsIgnoreCase("spot") ? NodeInfo.SPOT : NodeInfo.ON_DEMAND;
    }
    String eks = text(labels, "eks.amazonaws.com/capacityType");
    if (eks != null) {
      return eks.equalsIgnoreCase("SPOT") ? NodeInfo.SPOT : NodeInfo.ON_DEMAND;
    }
    if ("true".equalsIgnoreCase(text(labels, "cloud.google.com/gke-spot"))
        || "true".equalsIgnoreCase(text(labels, "cloud.google.com/gke-preemptible"))) {
      return NodeInfo.SPOT;
    }
    if ("spot".equalsIgnoreCase(text(labels, "kubernetes.azure.com/scalesetpriority"))) {
      return NodeInfo.SPOT;
    }
    return NodeInfo.ON_DEMAND;
  }

  /** The provider's instance id: the last path segment for AWS and GCE, the whole id otherwise. */
  static String instanceId(String providerId) {
    if (providerId == null) {
      return null;
    }
    if (providerId.startsWith("aws://") || providerId.startsWith("gce://")) {
      int slash = providerId.lastIndexOf('/');
      return slash >= 0 ? providerId.substring(slash + 1) : providerId;
    }
    if (providerId.startsWith("azure://")) {
      return providerId.substring("azure://".length());
    }
    return providerId;
  }

  // ---------------------------------------------------------------- Job

  private JobInfo job(String type, JsonNode obj, long fallbackTs) throws ParseException {
    JsonNode meta = requireObject(obj, "metadata", "object.metadata");
    JobInfo j = new JobInfo();
    j.eventType = type;
    j.cluster = defaultCluster;
    j.name = requireText(meta, "name", "metadata.name");
    j.namespace = text(meta, "namespace");
    if (j.namespace == null) {
      j.namespace = "default";
    }
    j.uid = text(meta, "uid");
    labels(meta.path("labels"), j.labels);
    JsonNode status = obj.path("status");
    j.startTime = time(status, "startTime", "status.startTime");
    long completion = time(status, "completionTime", "status.completionTime");
    long failed = -1;
    long newest = max(time(meta, "creationTimestamp", "metadata.creationTimestamp"), j.startTime);
    newest = max(newest, completion);
    for (JsonNode c : status.path("conditions")) {
      long t = time(c, "lastTransitionTime", "conditions.lastTransitionTime");
      newest = max(newest, t);
      if ("Failed".equals(text(c, "type")) && "True".equals(text(c, "status"))) {
        failed = t;
      }
    }
    if (completion >= 0) {
      j.state = "Complete";
      j.endTime = completion;
    } else if (failed >= 0) {
      j.state = "Failed";
      j.endTime = failed;
    } else {
      j.state = "Active";
    }
    j.timestamp = newest >= 0 ? newest : fallbackTs;
    Names.require("metadata.name", j.name, Names.MAX_NAME);
    Names.require("metadata.namespace", j.namespace, Names.MAX_LABEL);
    return j;
  }

  // ---------------------------------------------------------------- helpers

  private static long max(long a, long b) {
    return Math.max(a, b);
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    String s = v.asText();
    return s.isEmpty() ? null : s;
  }

  private static String firstText(JsonNode n, String... fields) {
    for (String f : fields) {
      String s = text(n, f);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  private static String requireText(JsonNode n, String field, String path) throws ParseException {
    String s = text(n, field);
    if (s == null) {
      throw new ParseException(MISSING_FIELD, path + ": missing");
    }
    return s;
  }

  private static JsonNode requireObject(JsonNode n, String field, String path)
      throws ParseException {
    JsonNode v = n.get(field);
    if (v == null || !v.isObject()) {
      throw new ParseException(MISSING_FIELD, path + ": missing");
    }
    return v;
  }

  /** An RFC 3339 time at {@code n.field}, or -1 when absent. */
  private static long time(JsonNode n, String field, String path) throws ParseException {
    String s = text(n, field);
    if (s == null) {
      return -1;
    }
    return Values.parseTimestamp(path, s);
  }
}
