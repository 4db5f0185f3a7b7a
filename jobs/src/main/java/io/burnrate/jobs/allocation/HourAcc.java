package io.burnrate.jobs.allocation;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/** A node's hour in progress: how long the node existed and who held its GPUs. */
public class HourAcc {
  public long hourStart = Long.MIN_VALUE;

  /** Milliseconds of the hour the node existed (that were settled). */
  public long nodeMillis;

  /** GPU-seconds the node offered: capacity x seconds existed. */
  public double nodeGpuSeconds;

  /**
   * The node-hour's price, summed minute by minute (price in force x milliseconds the node
   * existed), unrounded; null when the minutes were not priced one by one (the node's price then
   * applies).
   */
  public BigDecimal cost;

  /** True when a minute of the hour had no price: the hour is unpriced, never partly $0. */
  public boolean unpriced;

  /** Holders by pod key. */
  public Map<String, HolderAcc> holders = new HashMap<>();

  public HourAcc() {}

  /** Adds a settled minute's price: the node's current price for {@code millis}. */
  public void addCost(NodeMeta node, long millis) {
    if (millis <= 0) {
      return;
    }
    if (!node.priced()) {
      unpriced = true;
      return;
    }
    BigDecimal c =
        BigDecimal.valueOf(node.pricePerHour)
            .multiply(BigDecimal.valueOf(millis))
            .divide(BigDecimal.valueOf(Intervals.HOUR), 12, RoundingMode.HALF_EVEN);
    cost = cost == null ? c : cost.add(c);
  }

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
