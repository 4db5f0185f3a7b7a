package io.burnrate.schemas.model;

import java.util.HashMap;
import java.util.Map;

/**
 * What the pipeline derives from one watch event of a {@code v1/Pod}: where it runs, who owns it,
 * how many GPUs it holds and when it held them. Times are epoch milliseconds; {@code -1} means not
 * (yet) known.
 */
public class PodInfo {
  /** Watch event type: ADDED, MODIFIED or DELETED. */
  public String eventType;

  /** Event time: the newest timestamp in the object (epoch ms). */
  public long timestamp;

  public String cluster;
  public String namespace;
  public String name;
  public String uid;

  /** {@code spec.nodeName}; null while unscheduled. */
  public String nodeName;

  /** {@code status.phase}: Pending, Running, Succeeded, Failed, Unknown. */
  public String phase;

  /**
   * GPUs the pod holds: {@code nvidia.com/gpu} from container limits (else requests), summed over
   * app containers, max'ed with the largest init container, as the scheduler counts them.
   */
  public int gpuRequest;

  /** Top-level owner kind from {@code metadata.ownerReferences} (Job, Deployment, ...). */
  public String ownerKind;

  /** Top-level owner name (a ReplicaSet's hash suffix is removed to name its Deployment). */
  public String ownerName;

  /** {@code spec.priorityClassName}. */
  public String priorityClass;

  /**
   * GPUs held as MIG instances (mixed strategy), in GPU-equivalents: a {@code 3g.20gb} instance is
   * 3/7 of an A100. 0 when none.
   */
  public double migGpuFraction;

  /** When the pod started holding its GPUs ({@code status.startTime}), or -1. */
  public long startTime = -1;

  /** When it stopped (last container {@code finishedAt}, or deletion), or -1 while running. */
  public long endTime = -1;

  /** The configured cost labels ({@code team}, {@code project}, {@code cost-center}, ...). */
  public Map<String, String> labels = new HashMap<>();

  public PodInfo() {}

  public String podKey() {
    return namespace + "/" + name;
  }

  /** The workload this pod belongs to: {@code namespace/OwnerKind/ownerName}, or the pod itself. */
  public String workload() {
    if (ownerName != null && !ownerName.isEmpty()) {
      return namespace + "/" + ownerKind + "/" + ownerName;
    }
    return namespace + "/Pod/" + name;
  }

  public boolean isTerminal() {
    return "Succeeded".equals(phase) || "Failed".equals(phase) || "DELETED".equals(eventType);
  }

  @Override
  public String toString() {
    return "PodInfo{"
        + eventType
        + " "
        + podKey()
        + " node="
        + nodeName
        + " gpus="
        + gpuRequest
        + " phase="
        + phase
        + " ["
        + startTime
        + ","
        + endTime
        + ")}";
  }
}
