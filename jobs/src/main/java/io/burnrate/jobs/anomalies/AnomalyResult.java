package io.burnrate.jobs.anomalies;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.DayOfWeek;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * What the {@link AnomalyDetector} says about one observation.
 *
 * @param timestampMillis the observation's time
 * @param observed the observed value
 * @param expected the baseline's one-step forecast
 * @param expectedLow lower end of the expected range (forecast minus the alert-level deviation;
 *     never below 0 for a series that was never negative)
 * @param expectedHigh upper end of the expected range
 * @param score the combined anomaly score in [0, 1]: the larger of the deviation from the forecast
 *     ({@code deviationScore}, at or above the alert threshold exactly outside the expected range)
 *     and the {@code novelty} of the recent sequence, reported as 0 while warming up and during the
 *     rest period after a detection (an anomaly is reported once, at its start)
 * @param alert whether an alert is open at this point (opens at {@code score >= alertThreshold},
 *     closes after {@code resolvePoints} consecutive points below {@code resolveThreshold})
 * @param alertStarted whether this point opened the alert (true once per alert)
 * @param warmingUp whether the detector is still learning (never alerts then)
 * @param baseline which baseline produced the forecast
 * @param dayOfWeek 1 (Monday) to 7 (Sunday) in the configured zone
 * @param hourOfDay 0 to 23 in the configured zone
 * @param pointsSeen observations seen including this one
 * @param warmupPoints the configured warm-up length
 * @param levelShiftAccepted whether this point completed a run that made the new level the normal
 * @param gapMillis time since the previous observation (0 for the first)
 * @param novelty how new the recent sequence of coarse levels is to the series, in [0, 1] ({@link
 *     ContextDetector}); 0 while warming up
 * @param deviationScore the score of the deviation from the forecast alone (z-score part)
 */
public record AnomalyResult(
    long timestampMillis,
    double observed,
    double expected,
    double expectedLow,
    double expectedHigh,
    double score,
    boolean alert,
    boolean alertStarted,
    boolean warmingUp,
    Baseline baseline,
    int dayOfWeek,
    int hourOfDay,
    long pointsSeen,
    int warmupPoints,
    boolean levelShiftAccepted,
    long gapMillis,
    double novelty,
    double deviationScore) {

  /** The baseline behind a forecast. */
  public enum Baseline {
    /** Locally smoothed recent level (no seasonal profile). */
    RECENT_LEVEL,
    /** Recent level plus the learned hour-of-day / hour-of-week profile. */
    SEASONAL,
    /** Nothing usable (the value was not finite). */
    NONE
  }

  /**
   * A sentence for humans, e.g. {@code observed 412 above expected range 120.3-180.9 for Tuesday
   * 14:00 (seasonal baseline), score 0.93}. Built on demand (not on the hot path).
   */
  public String reason() {
    if (baseline == Baseline.NONE) {
      return "value is not a finite number; ignored";
    }
    String range = fmt(expectedLow) + "-" + fmt(expectedHigh);
    String where =
        baseline == Baseline.SEASONAL
            ? " for "
                + DayOfWeek.of(dayOfWeek).getDisplayName(TextStyle.FULL, Locale.ENGLISH)
                + String.format(Locale.ROOT, " %02d:00", hourOfDay)
                + " (seasonal baseline)"
            : " (recent level)";
    StringBuilder sb = new StringBuilder(96);
    if (warmingUp) {
      sb.append("warming up (")
          .append(pointsSeen)
          .append(" of ")
          .append(warmupPoints)
          .append(" points): observed ")
          .append(fmt(observed))
          .append(", provisional expected range ")
          .append(range)
          .append(where);
    } else {
      String side =
          observed > expectedHigh
              ? " above expected range "
              : observed < expectedLow ? " below expected range " : " within expected range ";
      sb.append("observed ")
          .append(fmt(observed))
          .append(side)
          .append(range)
          .append(where)
          .append(", score ")
          .append(String.format(Locale.ROOT, "%.2f", score));
      if (novelty >= 0.5 && novelty >= deviationScore) {
        sb.append(
            String.format(
                Locale.ROOT,
                "; the recent sequence of levels is new to this series (novelty %.2f)",
                novelty));
      }
    }
    if (gapMillis >= 3_600_000L) {
      sb.append(", after a gap of ")
          .append(String.format(Locale.ROOT, "%.1f", gapMillis / 3_600_000.0))
          .append(" h");
    }
    if (levelShiftAccepted) {
      sb.append("; sustained level shift accepted as the new normal");
    }
    return sb.toString();
  }

  /** Four significant digits, plain notation for ordinary magnitudes. */
  public static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return String.valueOf(v);
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e7 || a < 1e-4) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
