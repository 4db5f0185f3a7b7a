package io.burnrate.jobs.budgets;

import java.io.Serializable;
import java.time.Duration;

/**
 * How budgets forecast and remember: the hysteresis of forecast alerts (a forecast alert resolves
 * when the forecast stays below its threshold by {@code resolveMargin} (a fraction of the
 * threshold) for {@code resolveEvaluations} evaluations in a row spanning {@code resolveAfterMs})
 * and how long a scope's spend is kept for budgets defined later ({@code scopeHistoryMs}, 0: not
 * kept).
 */
public record ForecastSettings(
    double resolveMargin, long resolveAfterMs, int resolveEvaluations, long scopeHistoryMs)
    implements Serializable {

  /** Evaluations in a row below the margin before a forecast alert resolves. */
  public static final int RESOLVE_EVALUATIONS = 3;

  /** The longest period (a month of 31 days) seen from any time zone (up to 14 h ahead of UTC). */
  public static final Duration LONGEST_PERIOD = Duration.ofDays(31).plusHours(14);

  public ForecastSettings {
    if (!(resolveMargin >= 0 && resolveMargin < 1)) {
      throw new IllegalArgumentException("resolve margin must be in [0, 1), got " + resolveMargin);
    }
    if (resolveAfterMs < 0 || resolveEvaluations < 1 || scopeHistoryMs < 0) {
      throw new IllegalArgumentException("negative durations or no evaluations");
    }
  }

  /** 5% margin, one hour, three evaluations; 32 days of scope spend kept. */
  public static ForecastSettings defaults() {
    return new ForecastSettings(
        0.05, Duration.ofHours(1).toMillis(), RESOLVE_EVALUATIONS, Duration.ofDays(32).toMillis());
  }
}
