package io.burnrate.jobs.allocation;

/** A pod's last counter readings (NaN when never reported) and its last activity time. */
public class ProgressState {
  public String cluster;
  public long lastTs = Long.MIN_VALUE;
  public double samplesTotal = Double.NaN;
  public double tokensTotal = Double.NaN;
  public double requestsTotal = Double.NaN;
  public long lastActivity = Long.MIN_VALUE;

  public ProgressState() {}
}
