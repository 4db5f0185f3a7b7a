package io.burnrate.jobs.anomalies;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * Parameters of the {@link AnomalyDetector}; immutable and serialisable, so that it can be a field
 * of a Flink function. {@link #defaults()} is what production and {@code ./burnrate backtest} use;
 * docs/anomaly-detection.md explains every value.
 *
 * @param warmupPoints points before any alert may fire (the baseline and scale are still being
 *     learned; results say {@code warmingUp}); default 100
 * @param fastAlpha smoothing weight per point of the fast local level; default 0.35
 * @param slowAlpha smoothing weight per point of the smooth local level; default 0.05
 * @param scaleAlpha weight per point of the robust residual-scale estimate (mean absolute error);
 *     default 0.02 (about 50 points of memory)
 * @param selectionHalfLifeMillis half-life of the long-run error that chooses between the baselines
 *     (recent level or seasonal); default 1 day, so the choice averages over a daily cycle
 * @param seasonalHalfLifeMillis half-life of the reference level against which the hour-of-day and
 *     hour-of-week profiles are learned; default 1 day
 * @param dailyMemoryDays after this many days an hour-of-day bucket becomes an exponential average
 *     (before it is a plain mean of the days seen); default 14
 * @param weeklyMemoryWeeks same for hour-of-week buckets; default 4
 * @param huberK clipping constant (in robust standard deviations) of the Huber psi function that
 *     limits how far one observation can move a level or a profile; default 2.0
 * @param scoreMidZ robust z-score at which the score is 0.5; default 4.0
 * @param scoreSteepness exponent of the log-logistic mapping from |z| to the score; default 4.0
 * @param alertThreshold combined score at or above which an alert opens; default 0.75 (|z| about
 *     5.3, or a sequence of levels mostly new to the series)
 * @param resolveThreshold score below which a point counts as quiet; default 0.5 (|z| 4)
 * @param resolvePoints consecutive quiet points that close an open alert; default 5
 * @param shiftPoints consecutive out-of-range points on the same side after which the new level is
 *     accepted as normal (level-shift adaptation); default 10
 * @param relativeScaleFloor smallest scale relative to the series' mean absolute value (so that a
 *     perfectly flat series does not alert on rounding noise); default 0.001
 * @param zone time zone of the daily and weekly rhythms, e.g. {@code UTC} or {@code
 *     America/New_York}; default UTC
 */
public record DetectorConfig(
    int warmupPoints,
    double fastAlpha,
    double slowAlpha,
    double scaleAlpha,
    long selectionHalfLifeMillis,
    long seasonalHalfLifeMillis,
    double dailyMemoryDays,
    double weeklyMemoryWeeks,
    double huberK,
    double scoreMidZ,
    double scoreSteepness,
    double alertThreshold,
    double resolveThreshold,
    int resolvePoints,
    int shiftPoints,
    double relativeScaleFloor,
    String zone)
    implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final long DAY_MS = 86_400_000L;

  public DetectorConfig {
    require(warmupPoints >= 2, "warmupPoints must be >= 2");
    require(fastAlpha > 0 && fastAlpha < 1, "fastAlpha must be in (0, 1)");
    require(slowAlpha > 0 && slowAlpha < 1, "slowAlpha must be in (0, 1)");
    require(scaleAlpha > 0 && scaleAlpha < 1, "scaleAlpha must be in (0, 1)");
    require(selectionHalfLifeMillis > 0, "selectionHalfLifeMillis must be > 0");
    require(seasonalHalfLifeMillis > 0, "seasonalHalfLifeMillis must be > 0");
    require(dailyMemoryDays >= 1, "dailyMemoryDays must be >= 1");
    require(weeklyMemoryWeeks >= 1, "weeklyMemoryWeeks must be >= 1");
    require(huberK > 0, "huberK must be > 0");
    require(scoreMidZ > 0, "scoreMidZ must be > 0");
    require(scoreSteepness > 0, "scoreSteepness must be > 0");
    require(alertThreshold > 0 && alertThreshold < 1, "alertThreshold must be in (0, 1)");
    require(
        resolveThreshold > 0 && resolveThreshold <= alertThreshold,
        "resolveThreshold must be in (0, alertThreshold]");
    require(resolvePoints >= 1, "resolvePoints must be >= 1");
    require(shiftPoints >= 2, "shiftPoints must be >= 2");
    require(relativeScaleFloor >= 0, "relativeScaleFloor must be >= 0");
    require(zone != null, "zone must be set");
    try {
      ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone: " + zone, e);
    }
  }

  /** The production defaults (see the class comment and docs/anomaly-detection.md). */
  public static DetectorConfig defaults() {
    return new DetectorConfig(
        100, 0.35, 0.05, 0.02, DAY_MS, DAY_MS, 14, 4, 2.0, 4.0, 4.0, 0.75, 0.5, 5, 10, 1e-3, "UTC");
  }

  /** A copy with another alert threshold (the resolve threshold is lowered if needed). */
  public DetectorConfig withAlertThreshold(double threshold) {
    return new DetectorConfig(
        warmupPoints,
        fastAlpha,
        slowAlpha,
        scaleAlpha,
        selectionHalfLifeMillis,
        seasonalHalfLifeMillis,
        dailyMemoryDays,
        weeklyMemoryWeeks,
        huberK,
        scoreMidZ,
        scoreSteepness,
        threshold,
        Math.min(resolveThreshold, threshold),
        resolvePoints,
        shiftPoints,
        relativeScaleFloor,
        zone);
  }

  /** A copy with another warm-up length. */
  public DetectorConfig withWarmupPoints(int points) {
    return new DetectorConfig(
        points,
        fastAlpha,
        slowAlpha,
        scaleAlpha,
        selectionHalfLifeMillis,
        seasonalHalfLifeMillis,
        dailyMemoryDays,
        weeklyMemoryWeeks,
        huberK,
        scoreMidZ,
        scoreSteepness,
        alertThreshold,
        resolveThreshold,
        resolvePoints,
        shiftPoints,
        relativeScaleFloor,
        zone);
  }

  /** A copy in another time zone (for the daily and weekly rhythms). */
  public DetectorConfig withZone(String zoneId) {
    return new DetectorConfig(
        warmupPoints,
        fastAlpha,
        slowAlpha,
        scaleAlpha,
        selectionHalfLifeMillis,
        seasonalHalfLifeMillis,
        dailyMemoryDays,
        weeklyMemoryWeeks,
        huberK,
        scoreMidZ,
        scoreSteepness,
        alertThreshold,
        resolveThreshold,
        resolvePoints,
        shiftPoints,
        relativeScaleFloor,
        zoneId);
  }

  /** The score of a robust z-score: {@code 1 / (1 + (scoreMidZ / |z|)^scoreSteepness)}. */
  public double scoreOf(double absZ) {
    if (!(absZ > 0)) {
      return 0.0;
    }
    if (Double.isInfinite(absZ)) {
      return 1.0;
    }
    return 1.0 / (1.0 + Math.pow(scoreMidZ / absZ, scoreSteepness));
  }

  /** The |z| at which the score equals {@code score} (the inverse of {@link #scoreOf}). */
  public double zOf(double score) {
    return scoreMidZ * Math.pow(score / (1.0 - score), 1.0 / scoreSteepness);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
