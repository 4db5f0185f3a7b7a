package io.burnrate.jobs.training;

import java.io.Serializable;

/**
 * Thresholds of the training signals, with defaults from common early-stopping practice.
 *
 * @param patience evaluations without improvement of {@code val_loss} before a plateau (Keras and
 *     Lightning call it patience)
 * @param minDelta relative improvement of {@code val_loss} that counts (0.001 = 0.1%)
 * @param divergeFactor a loss above this multiple of the run's lowest loss counts as rising
 * @param divergeFor consecutive windows with a rising (or non-finite) loss before it is diverged
 * @param collapseRatio after a restart, throughput below this share of the run's own baseline is a
 *     collapse
 * @param collapseFor minutes below the ratio before it fires (hysteresis: as many above resolve)
 * @param assumedRemainingHours how much longer a run is assumed to go on when it reports no {@code
 *     total_steps} (the savings of stopping it; {@code training.assumed-remaining-hours})
 */
public record TrainingConfig(
    int patience,
    double minDelta,
    double divergeFactor,
    int divergeFor,
    double collapseRatio,
    int collapseFor,
    double assumedRemainingHours)
    implements Serializable {

  public static final double DEFAULT_ASSUMED_REMAINING_HOURS = 24;

  public static TrainingConfig defaults() {
    return new TrainingConfig(5, 0.001, 2.0, 3, 0.5, 10, DEFAULT_ASSUMED_REMAINING_HOURS);
  }

  /** These thresholds with another assumed remaining duration. */
  public TrainingConfig withAssumedRemainingHours(double hours) {
    return new TrainingConfig(
        patience, minDelta, divergeFactor, divergeFor, collapseRatio, collapseFor, hours);
  }
}
