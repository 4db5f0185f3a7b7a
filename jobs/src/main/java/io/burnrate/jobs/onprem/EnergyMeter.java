package io.burnrate.jobs.onprem;

/**
 * One GPU's energy between samples, from dcgm: the {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION}
 * counter (mJ since the driver loaded) where present, with resets (a lower reading after a driver
 * reload or GPU reset starts from zero), else {@code DCGM_FI_DEV_POWER_USAGE} (W) integrated over
 * time by the trapezoid rule. Gaps longer than {@link #MAX_GAP_MILLIS} are not bridged (no energy
 * is invented for them). A Flink POJO, kept per GPU in the node's state.
 */
public class EnergyMeter {
  /** Longest gap between samples integrated or differenced. */
  public static final long MAX_GAP_MILLIS = 5 * 60_000L;

  public long lastAt = Long.MIN_VALUE;
  public double lastCounterMj = Double.NaN;
  public double lastPowerW = Double.NaN;

  public EnergyMeter() {}

  /**
   * Takes a sample and returns the joules used since the previous one (0 for the first sample, a
   * gap, or an out-of-order sample).
   */
  public double sample(long at, double counterMj, double powerW) {
    double joules = 0;
    boolean ordered = lastAt != Long.MIN_VALUE && at > lastAt && at - lastAt <= MAX_GAP_MILLIS;
    if (!Double.isNaN(counterMj) && counterMj >= 0) {
      if (ordered && !Double.isNaN(lastCounterMj)) {
        double delta = counterMj >= lastCounterMj ? counterMj - lastCounterMj : counterMj;
        joules = delta / 1000.0;
      }
      lastCounterMj = counterMj;
    } else if (!Double.isNaN(powerW) && powerW >= 0) {
      if (ordered && !Double.isNaN(lastPowerW) && Double.isNaN(lastCounterMj)) {
        joules = (powerW + lastPowerW) / 2 * (at - lastAt) / 1000.0;
      }
    }
    if (!Double.isNaN(powerW) && powerW >= 0) {
      lastPowerW = powerW;
    }
    if (at > lastAt) {
      lastAt = at;
    }
    return joules;
  }
}
