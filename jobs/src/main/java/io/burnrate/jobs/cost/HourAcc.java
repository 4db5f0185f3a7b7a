package io.burnrate.jobs.cost;

import java.util.HashMap;
import java.util.Map;

/** A node's hour in progress: how long the node existed and who held its GPUs. */
public class HourAcc {
  public long hourStart = Long.MIN_VALUE;

  /** Milliseconds of the hour the node existed (that were settled). */
  public long nodeMillis;

  /** GPU-seconds the node offered: capacity x seconds existed. */
  public double nodeGpuSeconds;

  /** Holders by pod key. */
  public Map<String, HolderAcc> holders = new HashMap<>();

  public HourAcc() {}

  /** One pod's hold on the node over the hour. */
  public static class HolderAcc {
    public String podKey;
    public String namespace;
    public String pod;
    public String workload;
    public String team;
    public String project;
    public String costCenter;
    public int gpus;
    public double gpuSeconds;

    public HolderAcc() {}
  }
}
