package io.burnrate.jobs.allocation;

/** Counter increases of one pod in one minute; NaN for a counter the pod does not report. */
public class Increments {
  public double samples = Double.NaN;
  public double tokens = Double.NaN;
  public double requests = Double.NaN;

  /** Training gauges: the last readings of the minute (NaN when none). */
  public double loss = Double.NaN;

  public double valLoss = Double.NaN;
  public double step = Double.NaN;
  public double totalSteps = Double.NaN;

  /** A loss reading of the minute was NaN or infinite (a diverged run). */
  public boolean lossNonFinite;

  public Increments() {}

  static double add(double acc, double inc) {
    return Double.isNaN(acc) ? inc : acc + inc;
  }
}
