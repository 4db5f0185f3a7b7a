package io.burnrate.jobs.allocation;

import io.burnrate.schemas.model.PodInfo;

/** A pod's hold on a node's GPUs: how many, from when, until when; plus attribution labels. */
public class PodSpan {
  public String podKey;

  /** The pod's {@code metadata.uid}: a pod re-created under the same name is a new holder. */
  public String uid;

  public String namespace;
  public String name;
  public String workload;
  public String team;
  public String project;
  public String costCenter;

  /** Attribution labels and detection hints ({@link PodInfo#labels}); replaced, never mutated. */
  public java.util.Map<String, String> labels;

  public int gpus;

  /** GPU-equivalents held as MIG instances (mixed strategy); 0 when none. */
  public double migGpuFraction;

  /** Epoch ms, -1 when not started (Pending). */
  public long start = -1;

  /** Epoch ms, -1 while running. */
  public long end = -1;

  /** True when known only from telemetry pod labels (no Kubernetes event seen). */
  public boolean fromTelemetry;

  /**
   * End of the last settled minute in which a pod-labelled GPU sample named the pod (-1: never).
   * Only telemetry confirms, minute by minute as minutes are settled, so that the ghost resync does
   * not depend on how far ahead the watch stream was read.
   */
  public long confirmed = -1;

  public PodSpan() {}

  public static PodSpan of(PodInfo p) {
    PodSpan s = new PodSpan();
    s.update(p);
    return s;
  }

  /** The key of a pod's span on its node: namespace/name, and the uid when the event has one. */
  public static String key(PodInfo p) {
    return p.uid == null || p.uid.isEmpty() ? p.podKey() : p.podKey() + "#" + p.uid;
  }

  public void update(PodInfo p) {
    podKey = p.podKey();
    uid = p.uid;
    namespace = p.namespace;
    name = p.name;
    workload = p.workload();
    team = p.labels.get("team");
    project = p.labels.get("project");
    costCenter = p.labels.get("cost-center");
    labels = p.labels.isEmpty() ? null : new java.util.TreeMap<>(p.labels);
    gpus = p.gpuRequest;
    migGpuFraction = p.migGpuFraction;
    if (p.startTime >= 0) {
      start = p.startTime;
    }
    if (p.endTime >= 0) {
      // keep the earliest end seen: a later DELETED event may only carry its own (later) time
      end = end < 0 ? p.endTime : Math.min(end, p.endTime);
    }
    fromTelemetry = false;
  }

  /** Whether the pod holds any GPU (whole, shared or MIG). */
  public boolean holdsGpus() {
    return gpus > 0 || migGpuFraction > 0;
  }

  /** GPU-equivalents the pod holds on a node where one device is {@code unitShare} of a GPU. */
  public double gpuEquivalents(double unitShare) {
    return gpus * unitShare + migGpuFraction;
  }

  @Override
  public String toString() {
    return "PodSpan{" + podKey + " gpus=" + gpus + " [" + start + "," + end + ")}";
  }
}
