package io.burnrate.jobs.actions;

import java.util.Arrays;

/**
 * The last {@code capacity} one-minute readings of a workload that the sizing advice takes its
 * percentiles over: mean utilisation and peak memory share (per mille), the load in GPUs
 * (utilisation x GPUs held, per mille) and requests served (NaN when not reported). A ring, so its
 * size is fixed by {@code actions.sizing.observe-for} (at most 1,440 readings, about 14 KB). A
 * Flink POJO in keyed state.
 */
public class UsageWindow {
  public short[] util;
  public short[] memory;
  public int[] load;
  public float[] requests;
  public int next;
  public int count;

  /** The GPU model and instance type the readings were taken on; another one starts afresh. */
  public String gpuModel;

  public String instanceType;

  public UsageWindow() {}

  public UsageWindow(int capacity) {
    util = new short[capacity];
    memory = new short[capacity];
    load = new int[capacity];
    requests = new float[capacity];
  }

  void add(double utilization, double memoryRatio, double gpus, Double served) {
    util[next] = (short) Math.round(clamp(utilization) * 1000);
    memory[next] = (short) Math.round(clamp(memoryRatio) * 1000);
    load[next] = (int) Math.round(clamp(utilization) * gpus * 1000);
    requests[next] = served == null ? Float.NaN : served.floatValue();
    next = (next + 1) % util.length;
    count = Math.min(count + 1, util.length);
  }

  boolean full() {
    return count == util.length;
  }

  void clear() {
    next = 0;
    count = 0;
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }

  /** The percentiles of the readings held (nearest rank). */
  Stats stats() {
    double[] u = new double[count];
    double[] m = new double[count];
    double[] l = new double[count];
    double[] r = new double[count];
    int withRequests = 0;
    for (int i = 0; i < count; i++) {
      u[i] = util[i] / 1000.0;
      m[i] = memory[i] / 1000.0;
      l[i] = load[i] / 1000.0;
      if (!Float.isNaN(requests[i])) {
        r[withRequests++] = requests[i];
      }
    }
    return new Stats(
        count,
        rank(u, 0.5),
        rank(u, 0.95),
        rank(u, 1.0),
        rank(m, 0.95),
        rank(m, 1.0),
        rank(l, 0.95),
        withRequests == count && count > 0 ? rank(Arrays.copyOf(r, count), 0.95) : Double.NaN);
  }

  /** Nearest-rank percentile {@code p} (0-1] of {@code v}; sorts it. */
  static double rank(double[] v, double p) {
    Arrays.sort(v);
    int i = (int) Math.ceil(p * v.length) - 1;
    return v[Math.max(0, Math.min(v.length - 1, i))];
  }

  /**
   * Percentiles over the readings: utilisation p50/p95/max, peak memory share p95/max, load in GPUs
   * p95, requests per minute p95 (NaN unless every reading had it).
   */
  record Stats(
      int minutes,
      double utilP50,
      double utilP95,
      double utilMax,
      double memoryP95,
      double memoryMax,
      double loadP95,
      double requestsP95) {}
}
