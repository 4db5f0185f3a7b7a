package io.burnrate.jobs.training;

/** What the training detector keeps per workload. A Flink POJO. */
public class TrainingState {
  // validation loss: early-stopping bookkeeping
  public double bestValLoss = Double.NaN;
  public int evaluations;
  public int evaluationsSinceImprovement;

  // training loss: divergence
  public double minLoss = Double.NaN;
  public int lossReadings;
  public int risingReadings;
  public int recoveredReadings;

  // throughput: the workload's own samples/s baseline and restarts
  public double baselineRate = Double.NaN;
  public int baselineMinutes;
  public double lastStep = Double.NaN;
  public long restartedAt = Long.MIN_VALUE;
  public int slowMinutes;
  public int fastMinutes;

  // what is open (alert and action fired, not resolved)
  public boolean plateauOpen;
  public long plateauSince;
  public boolean divergedOpen;
  public long divergedSince;
  public boolean collapseOpen;
  public long collapseSince;

  // progress: the step rate since the last restart, and the planned steps (total_steps)
  public double rateFromStep = Double.NaN;
  public long rateFromAt;
  public double latestStep = Double.NaN;
  public long latestStepAt;
  public double totalSteps = Double.NaN;

  /** Cost per hour over the last minutes (EWMA), for the savings of stopping. */
  public double costPerHour = Double.NaN;

  public String currency;
  public long lastWindowEnd;

  public TrainingState() {}
}
