package io.burnrate.jobs.anomalies;

/** One value of one monitored series (a workload's cost rate, utilisation, ...) at a window end. */
public class SeriesPoint {
  /** {@code cluster|workload|series}: the key of the detector's state. */
  public String key;

  /** cost_rate, utilization, throughput or cost_per_sample. */
  public String series;

  public String cluster;
  public String namespace;
  public String workload;
  public String team;
  public long windowStart;
  public long windowEnd;
  public double value;
  public String costBasis;

  public SeriesPoint() {}
}
