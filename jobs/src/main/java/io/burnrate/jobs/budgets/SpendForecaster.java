package io.burnrate.jobs.budgets;

import java.time.ZoneId;
import java.util.Arrays;

/**
 * Forecasts a scope's hourly spend from what it has seen, with its daily and weekly rhythm, a level
 * and a trend; pure (no Flink) and a Flink POJO inside {@link BudgetTracker}'s keyed state.
 *
 * <p><b>Model.</b> The expected spend of a future hour is {@code level(k) x factor(hour)}:
 *
 * <ul>
 *   <li>{@code factor}: the hour's share of the scope's usual rhythm, relative to its mean. Learned
 *       per local hour of the week (168 slots: Monday morning and Sunday night differ) as a running
 *       mean of {@code spend / level} that becomes exponential smoothing ({@value #WEEK_GAIN})
 *       after five weeks. A slot seen only a few times is shrunk towards its hour of the day (24
 *       slots, learned from every day: a day of history gives the day/night shape) times its day of
 *       the week (7 slots, learned from daily totals: one weekend seen gives the weekend); a slot
 *       never seen uses that product alone.
 *   <li>{@code level}: spend per hour with the rhythm taken out, an exponentially weighted ratio
 *       {@code sum(w x spend) / sum(w x factor)} over the hours seen (half-life {@value
 *       #LEVEL_HALF_LIFE_HOURS} h). A ratio of sums, not a mean of ratios: an hour whose factor is
 *       near zero (nights of a scope that only spends by day) neither divides by zero nor weighs.
 *   <li>{@code trend}: Brown's double smoothing of the level (the level smoothed again with the
 *       same weight); the difference of the two is the slope. It is extrapolated for at most
 *       {@value #TREND_HORIZON_HOURS} h (a month's growth is not projected from a noisy week
 *       forever).
 * </ul>
 *
 * <p>With less than a day seen the rhythm is unknown: the forecast is the run rate of the observed
 * time, flat.
 *
 * <p><b>Partial hours.</b> The hour in progress counts with the share of it that the counted
 * windows cover ({@code (asOf - first window start) / 1 h}), in the level as well (its spend
 * against the share of the hour's factor): a forecast is made from the first quarter of an hour on,
 * and never extrapolates a partial hour as if it were whole.
 *
 * <p><b>Interval.</b> Every completed hour the forecaster predicts the spend of the next 24 hours
 * and, 24 hours later, compares (the relative errors are smoothed: their mean square gives {@code
 * sigma24}, their mean absolute value the {@link #errorPercent() recent accuracy}). The spend still
 * to come over {@code H} hours is taken as log-normal around the point forecast with {@code sigma =
 * sigma24 x (H / 24)^}{@value #HORIZON_EXPONENT} (0: measured on simulated months, longer sums
 * average the noise out about as fast as an error of the level adds up); p10 and p90 are reported.
 * Before a whole day it is wider still. With little history the measured errors are few and blended
 * with a wide prior ({@value #PRIOR_SIGMA}), so the interval starts wide and narrows as the
 * forecaster proves itself.
 *
 * <p><b>State</b> is bounded: 168 + 24 + 7 factors with their counts, 24 hours of recent spend, 24
 * pending day-ahead forecasts and a few numbers (about 3 KiB), whatever the length of the history.
 */
public class SpendForecaster {
  static final long HOUR = 3_600_000L;
  static final int HOURS_PER_WEEK = 168;
  static final int HOURS_PER_DAY = 24;

  static final double LEVEL_HALF_LIFE_HOURS = 168;
  static final double LAMBDA = Math.pow(0.5, 1 / LEVEL_HALF_LIFE_HOURS);
  static final double WEEK_GAIN = 0.2;
  static final double DAY_GAIN = 0.1;

  /** Weight (in observations) of the hour-of-day factor in a slot seen only a few times. */
  static final double SHRINK = 0.5;

  static final double TREND_HORIZON_HOURS = 168;
  static final double HORIZON_EXPONENT = 0;
  static final double PRIOR_SIGMA = 0.5;

  /** Weight (in measured day-ahead errors) of the prior in the interval's sigma. */
  static final double PRIOR_WEIGHT = 24;

  /** p10 and p90 of a normal distribution. */
  static final double Z80 = 1.2815515655446004;

  /** Coverage of an hour below which it does not teach the rhythm. */
  static final double MIN_COVER = 0.25;

  /** The hour being accumulated (epoch ms, UTC-aligned), -1 before any. */
  public long hourStart = -1;

  public double hourSpend;

  /** Start of the first window counted in {@link #hourStart}'s hour. */
  public long coverFrom = -1;

  /** End of the last window counted. */
  public long asOf = -1;

  /** Exponentially weighted sums of spend and of expected factor (x coverage), complete hours. */
  public double sumSpend;

  public double sumFactor;

  /** Spend and covered hours in total while less than a day is seen (the run rate). */
  public double firstSpend;

  public double firstHours;

  /** The level smoothed a second time (Brown), NaN before any. */
  public double level2 = Double.NaN;

  public double[] week = new double[HOURS_PER_WEEK];
  public int[] weekSeen = new int[HOURS_PER_WEEK];
  public double[] day = new double[HOURS_PER_DAY];
  public int[] daySeen = new int[HOURS_PER_DAY];

  /** Factor of each local day of the week (Monday first) over what the hours of the day expect. */
  public double[] weekday = new double[7];

  public int[] weekdaySeen = new int[7];

  /** The local day being accumulated (hour of the week of its midnight, -1 none), its sums. */
  public int dayOf = -1;

  public double daySpend;
  public double dayExpected;

  /** Complete hours seen (history depth; capped at a year). */
  public int hours;

  /** Spend of the last 24 complete hours, by hour index mod 24. */
  public double[] recent = new double[HOURS_PER_DAY];

  /** Forecast of the 24 hours after each of the last 24 complete hours (NaN: none). */
  public double[] ahead = newNaNs(HOURS_PER_DAY);

  /** Smoothed square and absolute value of the relative day-ahead errors; their count (capped). */
  public double errorSquare;

  public double errorAbs;
  public int errors;

  public SpendForecaster() {}

  private static double[] newNaNs(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  /** Counts a window's cost; windows arrive in time order (earlier hours complete). */
  public void add(ZoneId z, long windowStart, long windowEnd, double cost) {
    long h = Math.floorDiv(windowStart, HOUR) * HOUR;
    if (hourStart < 0) {
      hourStart = h;
      coverFrom = windowStart;
    } else if (h > hourStart) {
      completeHoursBefore(z, h);
      coverFrom = windowStart;
    }
    if (h == hourStart) {
      hourSpend += cost;
    }
    asOf = Math.max(asOf, windowEnd);
  }

  /** Share of the hour in progress covered by the windows counted. */
  double cover() {
    if (hourStart < 0) {
      return 0;
    }
    return Math.min(1, Math.max(0, (Math.min(asOf, hourStart + HOUR) - coverFrom) / (double) HOUR));
  }

  /** Hours observed, the partial one by its share. */
  public double observedHours() {
    return hours + cover();
  }

  /** Whether a forecast can be made: a quarter of an hour observed. */
  public boolean canForecast() {
    return observedHours() >= MIN_COVER;
  }

  private void completeHoursBefore(ZoneId z, long h) {
    double y = hourSpend;
    // time has passed the hour: all of it from the first window on was seen (silence: no spend)
    double c = Math.max(0, (hourStart + HOUR - coverFrom) / (double) HOUR);
    long t = hourStart;
    if (h - t > HOURS_PER_WEEK * HOUR) {
      // a long silence: the day-ahead comparisons would span it; count its last week only
      Arrays.fill(ahead, Double.NaN);
      completeHour(z, t, y, c);
      t = h - HOURS_PER_WEEK * HOUR;
      y = 0;
      c = 1;
    }
    for (; t < h; t += HOUR) {
      completeHour(z, t, y, c);
      y = 0; // the hours between charges had none
      c = 1;
    }
    hourStart = h;
    hourSpend = 0;
  }

  private void completeHour(ZoneId z, long t, double y, double cover) {
    int how = Periods.hourOfWeek(z, t);
    int hod = how % HOURS_PER_DAY;
    int dow = how / HOURS_PER_DAY;
    double level = sumFactor > 0 ? sumSpend / sumFactor : Double.NaN;
    if (dow * HOURS_PER_DAY != dayOf) {
      if (dayOf >= 0 && dayExpected > 0) {
        int d = dayOf / HOURS_PER_DAY;
        double r = Math.min(daySpend / dayExpected, 24);
        weekdaySeen[d] = Math.min(weekdaySeen[d] + 1, 1000);
        weekday[d] += Math.max(1.0 / weekdaySeen[d], WEEK_GAIN) * (r - weekday[d]);
      }
      dayOf = dow * HOURS_PER_DAY;
      daySpend = 0;
      dayExpected = 0;
    }
    if (cover >= MIN_COVER && level > 0) {
      double r = y / (cover * level);
      r = Math.min(r, 24); // one burst does not become the rhythm
      daySpend += y;
      dayExpected += cover * level * (daySeen[hod] > 0 ? day[hod] : 1);
      daySeen[hod] = Math.min(daySeen[hod] + 1, 1000);
      day[hod] += Math.max(1.0 / daySeen[hod], DAY_GAIN) * (r - day[hod]);
      weekSeen[how] = Math.min(weekSeen[how] + 1, 1000);
      week[how] += Math.max(1.0 / weekSeen[how], WEEK_GAIN) * (r - week[how]);
    }
    double f = factor(how);
    if (hours < HOURS_PER_DAY) {
      firstSpend += y;
      firstHours += cover;
    }
    sumSpend = LAMBDA * sumSpend + y;
    sumFactor = LAMBDA * sumFactor + f * cover;
    double l1 = sumFactor > 0 ? sumSpend / sumFactor : 0;
    level2 = Double.isNaN(level2) ? l1 : LAMBDA * level2 + (1 - LAMBDA) * l1;
    hours = Math.min(hours + 1, 24 * 366);

    int slot = (int) Math.floorMod(Math.floorDiv(t, HOUR), (long) HOURS_PER_DAY);
    recent[slot] = y;
    double made = ahead[slot];
    if (!Double.isNaN(made) && hours > HOURS_PER_DAY) {
      double actual = 0;
      for (double v : recent) {
        actual += v;
      }
      if (made > 0) {
        double e = Math.max(-1, Math.min(3, (actual - made) / made));
        double g = Math.max(1.0 / (errors + 1), 1.0 / HOURS_PER_DAY);
        errorSquare += g * (e * e - errorSquare);
        if (actual > 0) {
          double ape = Math.min(3, Math.abs(actual - made) / actual);
          errorAbs += g * (ape - errorAbs);
        }
        errors = Math.min(errors + 1, 10_000);
      }
    }
    ahead[slot] =
        expected(z, t + HOUR, t + HOUR + HOURS_PER_DAY * HOUR, 0, 0, new double[0], new long[0]);
  }

  /**
   * The factor of a local hour of the week: its slot, shrunk towards its hour of the day times its
   * day of the week.
   */
  double factor(int how) {
    int hod = how % HOURS_PER_DAY;
    int dow = how / HOURS_PER_DAY;
    double d = (daySeen[hod] > 0 ? day[hod] : 1) * (weekdaySeen[dow] > 0 ? weekday[dow] : 1);
    int n = weekSeen[how];
    return n == 0 ? d : (n * week[how] + SHRINK * d) / (n + SHRINK);
  }

  /** Level (spend per hour, rhythm taken out) including the hour in progress. */
  double level(double partialSpend, double partialFactor) {
    double s = sumSpend + partialSpend;
    double f = sumFactor + partialFactor;
    return f > 0 ? s / f : 0;
  }

  /** Slope of the level per hour (Brown), 0 before a day. */
  double trend() {
    if (Double.isNaN(level2) || sumFactor <= 0 || hours < HOURS_PER_DAY) {
      return 0;
    }
    double l1 = sumSpend / sumFactor;
    return (1 - LAMBDA) / LAMBDA * (l1 - level2);
  }

  /**
   * The forecast from {@code now} to {@code end}: the spend still to come (point, p10, p90), and
   * for each of {@code targets} (amounts still to spend, ascending) when the point forecast reaches
   * it, or -1.
   */
  public Forecast forecast(ZoneId z, long now, long end, double[] targets) {
    long[] at = new long[targets.length];
    Arrays.fill(at, -1);
    if (!canForecast() || now >= end) {
      return new Forecast(0, 0, 0, sigma(0), at);
    }
    double cover = cover();
    double point = expected(z, now, end, cover > 0 ? hourSpend : 0, cover, targets, at);
    double s = sigma((end - now) / (double) HOUR);
    return new Forecast(point, point * Math.exp(-Z80 * s), point * Math.exp(Z80 * s), s, at);
  }

  /**
   * Spend expected from {@code from} to {@code to} (ms), the hour in progress counted by its spend
   * and covered share; fills {@code at} with when the running sum reaches each of {@code targets}.
   * With less than a day seen: the run rate of the observed time, flat.
   */
  private double expected(
      ZoneId z,
      long from,
      long to,
      double partialSpend,
      double partialCover,
      double[] targets,
      long[] at) {
    boolean young = hours < HOURS_PER_DAY;
    double level;
    if (young) {
      double c = firstHours + partialCover;
      level = c > 0 ? (firstSpend + partialSpend) / c : 0;
    } else {
      double pf = partialCover > 0 ? factor(Periods.hourOfWeek(z, hourStart)) * partialCover : 0;
      level = level(partialSpend, pf);
    }
    double slope = young ? 0 : trend();
    double lag = LAMBDA / (1 - LAMBDA);
    double cum = 0;
    int next = 0;
    long t = from;
    while (t < to) {
      long h = Math.floorDiv(t, HOUR) * HOUR;
      long segEnd = Math.min(h + HOUR, to);
      double k = Math.min((h - from) / (double) HOUR + lag, TREND_HORIZON_HOURS + lag);
      double l = Math.max(0, level + slope * k);
      double f = young ? 1 : factor(Periods.hourOfWeek(z, h));
      double seg = l * f * (segEnd - t) / (double) HOUR;
      while (next < targets.length && seg > 0 && cum + seg >= targets[next]) {
        at[next] = t + (long) ((targets[next] - cum) / seg * (segEnd - t));
        next++;
      }
      cum += seg;
      t = segEnd;
    }
    return cum;
  }

  /** Sigma of the log of the spend to come over {@code hours}. */
  double sigma(double hours) {
    double measured = errors > 0 ? errorSquare : 0;
    double s2 =
        (errors * measured + PRIOR_WEIGHT * PRIOR_SIGMA * PRIOR_SIGMA) / (errors + PRIOR_WEIGHT);
    // before a day is seen, the rhythm is unknown: wider still
    double young = this.hours < HOURS_PER_DAY ? 2 - observedHours() / HOURS_PER_DAY : 1;
    return Math.sqrt(s2) * young * Math.pow(Math.max(hours, 1) / HOURS_PER_DAY, HORIZON_EXPONENT);
  }

  /** Recent mean absolute percentage error of the day-ahead forecasts; NaN before one. */
  public double errorPercent() {
    return errors == 0 ? Double.NaN : errorAbs * 100;
  }

  /** Spend still to come: point forecast and its 80% interval; when targets are reached. */
  public record Forecast(double point, double low, double high, double sigma, long[] reachedAt) {}
}
