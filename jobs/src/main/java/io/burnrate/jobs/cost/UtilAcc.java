package io.burnrate.jobs.cost;

/** Sum and count of utilisation readings, and which GPU indices they came from (bit mask). */
public class UtilAcc {
  public double sum;
  public int count;

  /** Bit i set when GPU index i (0-63) reported; bit 63 also stands for indices >= 63. */
  public long gpuMask;

  public UtilAcc() {}

  public void add(double utilisation, int gpu) {
    sum += utilisation;
    count++;
    gpuMask |= 1L << Math.min(Math.max(gpu, 0), 63);
  }

  public int distinctGpus() {
    return Long.bitCount(gpuMask);
  }

  public double mean() {
    return count == 0 ? Double.NaN : sum / count;
  }
}
