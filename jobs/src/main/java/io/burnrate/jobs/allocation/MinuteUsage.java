package io.burnrate.jobs.allocation;

import java.util.HashMap;
import java.util.Map;

/** Telemetry gathered on one node in one minute, before the minute is settled. */
public class MinuteUsage {
  /** By pod key (namespace/pod) for samples whose dcgm labels name a pod. */
  public Map<String, UtilAcc> byPod = new HashMap<>();

  /** By GPU index for samples without pod labels. */
  public Map<Integer, UtilAcc> unlabelled = new HashMap<>();

  /** GPU model as dcgm reports it. */
  public String modelName;

  /** Largest GPU index seen + 1 (a lower bound on the node's GPU count). */
  public int gpusSeen;

  /** Energy the node's GPUs used in the minute (J), for owned nodes priced by energy. */
  public double energyJoules;

  /** Whether the node was heard of in the minute (a sample or a Kubernetes event about it). */
  public boolean heard;

  public MinuteUsage() {}
}
