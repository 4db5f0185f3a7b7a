package io.burnrate.jobs.allocation;

/** Sum and count of utilisation readings, and which GPU indices they came from (bit mask). */
public class UtilAcc {
  public double sum;
  public int count;

  /** Bit i set when GPU index i (0-63) reported; bit 63 also stands for indices >= 63. */
  public long gpuMask;

  /** Highest framebuffer use seen, used / (used + free), 0-1; -1 when no sample had it. */
  public double memoryUsedMax = -1;

  public UtilAcc() {}

  public void add(double utilisation, int gpu) {
    sum += utilisation;
    count++;
    gpuMask |= 1L << Math.min(Math.max(gpu, 0), 63);
  }

  /** Records a framebuffer reading (MiB used and free); ignored when either is missing. */
  public void addMemory(double fbUsed, double fbFree) {
    double total = fbUsed + fbFree;
    if (fbUsed >= 0 && fbFree >= 0 && total > 0) {
      memoryUsedMax = Math.max(memoryUsedMax, fbUsed / total);
    }
  }

  public int distinctGpus() {
    return Long.bitCount(gpuMask);
  }

  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }
}
