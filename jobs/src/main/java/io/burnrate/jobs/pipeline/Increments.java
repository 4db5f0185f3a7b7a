package io.burnrate.jobs.pipeline;

/** Counter increases of one pod in one minute; NaN for a counter the pod does not report. */
public class Increments {
  public double samples = Double.NaN;
  public double tokens = Double.NaN;
  public double requests = Double.NaN;

  public Increments() {}

  static double add(double acc, double inc) {
    return Double.isNaN(acc) ? inc : acc + inc;
  }
}
