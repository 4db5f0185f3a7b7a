package io.burnrate.jobs.allocation;

/**
 * Prometheus counter semantics, as {@code increase()} computes them: the increase between two
 * consecutive readings is their difference, unless the counter went down, which means it was reset
 * to zero (a restart) and counted up to the new value since.
 */
public final class Counters {
  private Counters() {}

  /**
   * @param previous previous reading, or NaN when there is none (then there is no increase yet)
   * @param current the new reading
   */
  public static double increase(double previous, double current) {
    if (Double.isNaN(previous) || Double.isNaN(current)) {
      return 0;
    }
    return current >= previous ? current - previous : current;
  }
}
