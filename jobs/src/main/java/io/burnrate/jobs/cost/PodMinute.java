package io.burnrate.jobs.cost;

/**
 * One pod's use of one node in one minute: GPU-seconds held, utilisation, estimated cost; joined
 * downstream with the pod's progress counters (samples, tokens, requests) for the same minute.
 */
public class PodMinute {
  public String podKey;
  public String namespace;
  public String pod;
  public String workload;
  public String team;
  public String project;
  public String costCenter;
  public String cluster;
  public String node;
  public String instanceType;
  public String capacityType;
  public String region;
  public String gpuModel;
  public long minuteStart;
  public int gpus;
  public double gpuSeconds;

  /** Sum of utilisation x covered GPU-seconds. */
  public double utilWeighted;

  /** GPU-seconds covered by telemetry. */
  public double utilWeight;

  /** Estimated cost; NaN when the node is unpriced. */
  public double cost = Double.NaN;

  public String costBasis;
  public String currency;

  /** Counter increases in this minute; NaN when the pod does not report that counter. */
  public double samples = Double.NaN;

  public double tokens = Double.NaN;
  public double requests = Double.NaN;

  public PodMinute() {}

  @Override
  public String toString() {
    return "PodMinute{"
        + podKey
        + "@"
        + node
        + " "
        + minuteStart
        + " gpu_s="
        + gpuSeconds
        + " cost="
        + cost
        + " samples="
        + samples
        + "}";
  }
}
