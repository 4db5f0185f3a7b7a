package io.burnrate.schemas.model;

/**
 * One GPU at one scrape, as dcgm-exporter reports it. Labels keep dcgm-exporter's names ({@code
 * Hostname}, {@code gpu}, {@code UUID}, {@code modelName}, {@code namespace}, {@code pod}, {@code
 * container}) plus {@code cluster}. Metric values are named after their DCGM field ids; a value the
 * scrape did not carry is {@link Double#NaN} (use {@link #has(double)}).
 *
 * <p>A Flink POJO: public fields and a no-argument constructor, serialised without Kryo.
 */
public class GpuSample {
  /** Scrape time, epoch milliseconds (UTC). */
  public long timestamp;

  public String cluster;

  /** Node name ({@code Hostname} or, since 2026, {@code hostname}). */
  public String hostname;

  /** GPU index on the node ({@code gpu} label). */
  public int gpu;

  public String uuid;
  public String modelName;

  /** Pod holding this GPU per the kubelet pod-resources API; empty/null when none does. */
  public String namespace;

  public String pod;
  public String container;

  /** {@code DCGM_FI_DEV_GPU_UTIL}, percent 0-100. */
  public double gpuUtil = Double.NaN;

  /** {@code DCGM_FI_PROF_SM_ACTIVE}, ratio 0-1. */
  public double smActive = Double.NaN;

  /** {@code DCGM_FI_PROF_PIPE_TENSOR_ACTIVE}, ratio 0-1. */
  public double tensorActive = Double.NaN;

  /** {@code DCGM_FI_DEV_FB_USED}, MiB. */
  public double fbUsed = Double.NaN;

  /** {@code DCGM_FI_DEV_FB_FREE}, MiB. */
  public double fbFree = Double.NaN;

  /** {@code DCGM_FI_DEV_POWER_USAGE}, W. */
  public double powerUsage = Double.NaN;

  /** {@code DCGM_FI_DEV_MEM_COPY_UTIL}, percent 0-100. */
  public double memCopyUtil = Double.NaN;

  /** {@code DCGM_FI_DEV_GPU_TEMP}, degrees C. */
  public double gpuTemp = Double.NaN;

  /** {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION}, mJ since driver load (a counter). */
  public double totalEnergy = Double.NaN;

  public GpuSample() {}

  public static boolean has(double v) {
    return !Double.isNaN(v);
  }

  /** True when a pod holds this GPU according to the exporter's labels. */
  public boolean hasPod() {
    return pod != null && !pod.isEmpty();
  }

  /**
   * Utilisation as a ratio 0-1: SM activity where the exporter reports it, else GPU_UTIL / 100; NaN
   * when neither is present.
   */
  public double utilisation() {
    if (has(smActive)) {
      return smActive;
    }
    return has(gpuUtil) ? gpuUtil / 100.0 : Double.NaN;
  }

  @Override
  public String toString() {
    return "GpuSample{"
        + timestamp
        + " "
        + cluster
        + "/"
        + hostname
        + "#"
        + gpu
        + " pod="
        + namespace
        + "/"
        + pod
        + " util="
        + utilisation()
        + "}";
  }
}
