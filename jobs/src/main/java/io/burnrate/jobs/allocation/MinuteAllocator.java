package io.burnrate.jobs.allocation;

import static io.burnrate.jobs.allocation.Intervals.MINUTE;

import io.burnrate.schemas.model.CostWindow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Settles one node-minute: splits the GPU-time the node offered over the pods that held its GPUs,
 * by GPU-seconds (GPU count x the part of the minute each pod held them, from Kubernetes start and
 * end times), and calls the rest idle. Pure: no Flink, no state.
 *
 * <p>Utilisation comes from the dcgm samples whose labels name the pod. When a node's exporter
 * reports no pod labels at all in a minute, samples are given to the node's GPU-holding pods in
 * order of start time (pod 1 gets the first {@code gpus} indices, ...), which is exact when one pod
 * holds the node and an approximation otherwise; past the held GPUs they are idle GPUs. Pods seen
 * only in telemetry labels (no Kubernetes event) hold the distinct GPUs they reported for the whole
 * minute.
 */
public final class MinuteAllocator {
  private MinuteAllocator() {}

  /** The outcome of one node-minute. */
  public static final class Result {
    public final List<PodMinute> pods = new ArrayList<>();
    public double nodeMillis;
    public double nodeGpuSeconds;
    public double idleGpuSeconds;

    /** NaN when unpriced. */
    public double idleCost = Double.NaN;

    /** NaN when unpriced. */
    public double pricePerGpuSecond = Double.NaN;

    public int capacity;
  }

  public static Result settle(
      NodeMeta node, Collection<PodSpan> spans, MinuteUsage usage, long minuteStart) {
    long minuteEnd = minuteStart + MINUTE;
    Result r = new Result();
    long nodeFrom = node.created >= 0 ? Math.max(node.created, minuteStart) : minuteStart;
    long nodeTo = node.deleted >= 0 ? Math.min(node.deleted, minuteEnd) : minuteEnd;
    long nodeMillis = Math.max(0, nodeTo - nodeFrom);
    r.nodeMillis = nodeMillis;
    if (nodeMillis == 0) {
      return r;
    }
    MinuteUsage u = usage != null ? usage : new MinuteUsage();

    // Holders: pods from Kubernetes, then pods seen only in telemetry labels.
    List<PodSpan> holders = new ArrayList<>();
    int requested = 0;
    for (PodSpan s : spans) {
      if (s.holdsGpus() && Intervals.overlap(s.start, s.end, nodeFrom, nodeTo) > 0) {
        holders.add(s);
        requested += (int) Math.ceil(s.gpuEquivalents(node.gpuUnitShare) - 1e-9);
      }
    }
    holders.sort(Comparator.comparingLong((PodSpan s) -> s.start).thenComparing(s -> s.podKey));
    List<PodSpan> telemetryOnly = new ArrayList<>();
    for (Map.Entry<String, UtilAcc> e : u.byPod.entrySet()) {
      boolean known = false;
      for (PodSpan s : spans) {
        if (s.podKey.equals(e.getKey())) {
          known = true;
          break;
        }
      }
      if (!known) {
        PodSpan t = new PodSpan();
        t.podKey = e.getKey();
        int slash = t.podKey.indexOf('/');
        t.namespace = t.podKey.substring(0, slash);
        t.name = t.podKey.substring(slash + 1);
        t.workload = t.namespace + "/Pod/" + t.name;
        t.gpus = Math.max(1, e.getValue().distinctGpus());
        t.start = nodeFrom;
        t.fromTelemetry = true;
        telemetryOnly.add(t);
        requested += t.gpus;
      }
    }
    holders.addAll(telemetryOnly);

    int capacity = node.gpuCapacity > 0 ? node.gpuCapacity : Math.max(u.gpusSeen, requested);
    r.capacity = capacity;
    if (capacity == 0) {
      return r;
    }
    double nodeSeconds = nodeMillis / 1000.0;
    r.nodeGpuSeconds = capacity * nodeSeconds;

    double[] gpuSeconds = new double[holders.size()];
    double total = 0;
    for (int i = 0; i < holders.size(); i++) {
      PodSpan s = holders.get(i);
      double equivalents = s.fromTelemetry ? s.gpus : s.gpuEquivalents(node.gpuUnitShare);
      gpuSeconds[i] = equivalents * Intervals.overlap(s.start, s.end, nodeFrom, nodeTo) / 1000.0;
      total += gpuSeconds[i];
    }
    if (node.gpuReplicas > 1 && total > 0) {
      // Time-sliced GPUs are shared by the pods that run on them: the GPUs in use (replicas
      // packed onto as few GPUs as they fill) are charged in full, split by replica-seconds.
      double replicasInUse = total / nodeSeconds * node.gpuReplicas;
      double gpusInUse = Math.min(capacity, Math.ceil(replicasInUse / node.gpuReplicas - 1e-9));
      double scale = gpusInUse * nodeSeconds / total;
      total = 0;
      for (int i = 0; i < gpuSeconds.length; i++) {
        gpuSeconds[i] *= scale;
        total += gpuSeconds[i];
      }
    }
    if (total > r.nodeGpuSeconds) {
      // more GPUs requested than the node has (inconsistent input): scale down, never over-allocate
      double scale = r.nodeGpuSeconds / total;
      total = 0;
      for (int i = 0; i < gpuSeconds.length; i++) {
        gpuSeconds[i] *= scale;
        total += gpuSeconds[i];
      }
    }
    r.idleGpuSeconds = Math.max(0, r.nodeGpuSeconds - total);

    if (node.priced()) {
      r.pricePerGpuSecond = node.pricePerHour / 3600.0 / capacity;
      r.idleCost = r.idleGpuSeconds * r.pricePerGpuSecond;
    }

    // Utilisation: labelled samples by pod; unlabelled by GPU index in start order.
    UtilAcc[] util = new UtilAcc[holders.size()];
    for (int i = 0; i < holders.size(); i++) {
      UtilAcc a = u.byPod.get(holders.get(i).podKey);
      util[i] = a != null ? copy(a) : new UtilAcc();
    }
    // Only when the node's exporter reports no pod labels at all: if some samples of the minute
    // carry pod labels, the exporter does label, and unlabelled GPUs are simply free.
    if (!u.unlabelled.isEmpty() && u.byPod.isEmpty()) {
      for (Map.Entry<Integer, UtilAcc> e : u.unlabelled.entrySet()) {
        int gpu = e.getKey();
        int offset = 0;
        for (int i = 0; i < holders.size(); i++) {
          PodSpan s = holders.get(i);
          if (s.fromTelemetry) {
            continue;
          }
          if (gpu >= offset && gpu < offset + s.gpus) {
            util[i].sum += e.getValue().sum;
            util[i].count += e.getValue().count;
            util[i].gpuMask |= e.getValue().gpuMask;
            util[i].memoryUsedMax = Math.max(util[i].memoryUsedMax, e.getValue().memoryUsedMax);
            break;
          }
          offset += s.gpus;
        }
      }
    }

    for (int i = 0; i < holders.size(); i++) {
      if (gpuSeconds[i] <= 0) {
        continue;
      }
      PodSpan s = holders.get(i);
      PodMinute m = new PodMinute();
      m.podKey = s.podKey;
      m.namespace = s.namespace;
      m.pod = s.name;
      m.workload = s.workload;
      m.team = s.team;
      m.project = s.project;
      m.costCenter = s.costCenter;
      m.labels = s.labels;
      m.cluster = node.cluster;
      m.node = node.name;
      m.instanceType = node.instanceType;
      m.capacityType = node.capacityType;
      m.region = node.region;
      m.gpuModel = node.gpuModel != null ? node.gpuModel : u.modelName;
      m.minuteStart = minuteStart;
      m.gpus = s.gpus;
      m.gpuSeconds = gpuSeconds[i];
      m.partMinute = Intervals.overlap(s.start, s.end, nodeFrom, nodeTo) < minuteEnd - minuteStart;
      if (util[i].count > 0) {
        double equivalents = s.fromTelemetry ? s.gpus : s.gpuEquivalents(node.gpuUnitShare);
        double devices = Math.max(1.0, Math.ceil(equivalents - 1e-9));
        double coverage = Math.min(1.0, util[i].distinctGpus() / devices);
        m.utilWeight = gpuSeconds[i] * coverage;
        m.utilWeighted = util[i].mean() * m.utilWeight;
        m.memoryUsedMax = util[i].memoryUsedMax;
      }
      if (node.priced()) {
        m.cost = gpuSeconds[i] * r.pricePerGpuSecond;
        m.idleShareCost = total > 0 ? r.idleCost * gpuSeconds[i] / total : 0;
        m.costBasis = node.costBasis;
        m.currency = node.currency;
      } else {
        m.costBasis = CostWindow.BASIS_UNPRICED;
      }
      r.pods.add(m);
    }
    return r;
  }

  private static UtilAcc copy(UtilAcc a) {
    UtilAcc c = new UtilAcc();
    c.sum = a.sum;
    c.count = a.count;
    c.gpuMask = a.gpuMask;
    c.memoryUsedMax = a.memoryUsedMax;
    return c;
  }
}
