package io.burnrate.jobs.budgets;

import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.model.BudgetStatus;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One budget's period-to-date spend and its forecast, pure (no Flink) and a Flink POJO in keyed
 * state.
 *
 * <p><b>Forecast.</b> Spend to date plus, for every remaining hour of the period, the expected
 * spend of that hour: the scope's own spend in the same hour of the week (an exponentially weighted
 * profile of 168 local hours, so nights, weekends and office hours project as they were), falling
 * back to the recent hourly rate (an exponentially weighted mean of the last hours) for an hour of
 * the week not yet observed. Hours with no charge count as zero spend. No forecast is made before
 * one whole hour has been observed. The projected time of breach is where the cumulative projection
 * reaches the threshold, interpolated within its hour.
 */
public class BudgetTracker {
  static final long HOUR = 3_600_000L;
  static final int HOURS_PER_WEEK = 168;
  static final double PROFILE_ALPHA = 0.5;
  static final double RECENT_ALPHA = 0.3;

  public Budget budget;
  public long periodStart = -1;
  public long periodEnd = -1;
  public double spend;

  /** End of the last window counted (event time), -1 before any. */
  public long asOf = -1;

  /** The hour being accumulated (epoch ms, UTC-aligned) and its spend so far. */
  public long hourStart = -1;

  public double hourSpend;

  /** Expected spend per local hour of the week; NaN where not yet observed. */
  public List<Double> profile = new ArrayList<>();

  /** Exponentially weighted spend per hour over the recent completed hours; NaN before any. */
  public double recentHourly = Double.NaN;

  public int completedHours;

  /** Percentages crossed this period: by actual spend, by forecast, escalations sent. */
  public List<Double> actualCrossed = new ArrayList<>();

  public List<Double> forecastCrossed = new ArrayList<>();
  public List<Double> escalated = new ArrayList<>();

  /** Alerts and escalation actions of this period still open (resolved at its end). */
  public List<Alert> openAlerts = new ArrayList<>();

  public List<Action> openActions = new ArrayList<>();

  /** What the last published status said (to publish on change only). */
  public String lastStatus;

  public BudgetTracker() {}

  public BudgetTracker(Budget b) {
    this.budget = b;
  }

  ZoneId zone() {
    return ZoneId.of(budget.timeZone);
  }

  /**
   * Replaces the definition. A change of period or time zone starts the tracking of the current
   * period afresh (spend to date cannot be re-cut); otherwise spend and what already fired stay, so
   * a raised amount does not re-alert and a lowered one alerts at the next evaluation.
   */
  public boolean redefine(Budget b) {
    boolean recut =
        !Objects.equals(b.period, budget.period) || !Objects.equals(b.timeZone, budget.timeZone);
    budget = b;
    if (recut) {
      periodStart = -1;
      periodEnd = -1;
      spend = 0;
      actualCrossed.clear();
      forecastCrossed.clear();
      escalated.clear();
      lastStatus = null;
      profile.clear();
    }
    return recut;
  }

  /** True when {@code t} is past the current period (or no period has started). */
  public boolean periodOver(long t) {
    return periodStart < 0 || t >= periodEnd;
  }

  /** Starts the period containing {@code t}: spend and crossings reset; the profile stays. */
  public void startPeriod(long t) {
    ZoneId z = zone();
    periodStart = Periods.start(budget.period, z, t);
    periodEnd = Periods.end(budget.period, z, periodStart);
    spend = 0;
    actualCrossed.clear();
    forecastCrossed.clear();
    escalated.clear();
    lastStatus = null;
  }

  /** Counts a window's cost (the window must lie in the current period). */
  public void add(long windowStart, long windowEnd, double cost) {
    long h = Math.floorDiv(windowStart, HOUR) * HOUR;
    if (hourStart < 0) {
      hourStart = h;
    } else if (h > hourStart) {
      completeHoursBefore(h);
    }
    if (h == hourStart) {
      hourSpend += cost;
    }
    spend += cost;
    asOf = Math.max(asOf, windowEnd);
  }

  private void completeHoursBefore(long h) {
    if (profile.size() != HOURS_PER_WEEK) {
      profile.clear();
      for (int i = 0; i < HOURS_PER_WEEK; i++) {
        profile.add(Double.NaN);
      }
    }
    ZoneId z = zone();
    double v = hourSpend;
    long gaps = 0;
    for (long t = hourStart; t < h && gaps <= HOURS_PER_WEEK; t += HOUR, gaps++) {
      int slot = Periods.hourOfWeek(z, t);
      double old = profile.get(slot);
      profile.set(slot, Double.isNaN(old) ? v : (1 - PROFILE_ALPHA) * old + PROFILE_ALPHA * v);
      recentHourly =
          Double.isNaN(recentHourly) ? v : (1 - RECENT_ALPHA) * recentHourly + RECENT_ALPHA * v;
      completedHours++;
      v = 0; // the hours between charges had none
    }
    hourStart = h;
    hourSpend = 0;
  }

  /** Expected spend in the hour starting at {@code h}. */
  double expectedHour(ZoneId z, long h) {
    if (profile.size() == HOURS_PER_WEEK) {
      double p = profile.get(Periods.hourOfWeek(z, h));
      if (!Double.isNaN(p)) {
        return p;
      }
    }
    return Double.isNaN(recentHourly) ? 0 : recentHourly;
  }

  public boolean canForecast() {
    return completedHours >= 1;
  }

  /**
   * The projection from {@code now} to the end of the period: total spend at the end, and for each
   * of {@code targets} (amounts, ascending) the time the cumulative spend reaches it, or -1.
   */
  public Projection project(long now, double[] targets) {
    long[] at = new long[targets.length];
    java.util.Arrays.fill(at, -1);
    double cum = spend;
    int next = 0;
    while (next < targets.length && cum >= targets[next]) {
      at[next++] = now;
    }
    if (!canForecast()) {
      return new Projection(cum, at);
    }
    ZoneId z = zone();
    long t = now;
    while (t < periodEnd) {
      long h = Math.floorDiv(t, HOUR) * HOUR;
      long segEnd = Math.min(h + HOUR, periodEnd);
      double seg = expectedHour(z, h) * (segEnd - t) / (double) HOUR;
      while (next < targets.length && seg > 0 && cum + seg >= targets[next]) {
        at[next] = t + (long) ((targets[next] - cum) / seg * (segEnd - t));
        next++;
      }
      cum += seg;
      t = segEnd;
    }
    return new Projection(cum, at);
  }

  /** Spend projected to the end of the period, and when each target amount is reached. */
  public record Projection(double total, long[] reachedAt) {}

  /** What one evaluation found new. */
  public record Evaluation(
      List<Double> actual,
      List<Double> forecast,
      List<Long> forecastAt,
      List<Budget.Escalation> escalations,
      BudgetStatus status) {}

  /**
   * Compares spend and forecast at {@code now} with the thresholds and escalations: each percentage
   * is reported once per period by actual spend and once by forecast (a forecast crossing only
   * while actual spend has not crossed it). The status is returned when it changed.
   */
  public Evaluation evaluate(long now) {
    List<Double> pcts = new ArrayList<>(budget.thresholds);
    if (!pcts.contains(100.0)) {
      pcts.add(100.0);
    }
    pcts.sort(Double::compare);
    double[] targets = new double[pcts.size()];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = pcts.get(i) / 100.0 * budget.amount;
    }
    Projection p = project(now, targets);
    List<Double> actual = new ArrayList<>();
    List<Double> forecast = new ArrayList<>();
    List<Long> forecastAt = new ArrayList<>();
    for (double pct : budget.thresholds) {
      double target = pct / 100.0 * budget.amount;
      if (spend >= target) {
        if (!actualCrossed.contains(pct)) {
          actualCrossed.add(pct);
          actual.add(pct);
        }
      } else if (canForecast() && p.total() >= target && !forecastCrossed.contains(pct)) {
        forecastCrossed.add(pct);
        forecast.add(pct);
        forecastAt.add(p.reachedAt()[pcts.indexOf(pct)]);
      }
    }
    List<Budget.Escalation> esc = new ArrayList<>();
    for (Budget.Escalation e : budget.escalations) {
      if (spend >= e.atPercent / 100.0 * budget.amount && !escalated.contains(e.atPercent)) {
        escalated.add(e.atPercent);
        esc.add(e);
      }
    }
    actualCrossed.sort(Double::compare);
    forecastCrossed.sort(Double::compare);
    BudgetStatus s =
        status(now, p.total(), spend < budget.amount ? p.reachedAt()[pcts.indexOf(100.0)] : -1);
    String sig =
        String.format(
            java.util.Locale.ROOT,
            "%d|%.2f|%.2f|%s|%s|%s|%d",
            periodStart,
            s.percent,
            s.forecastPercent,
            s.status,
            s.thresholdsCrossed,
            s.forecastThresholdsCrossed,
            s.projectedBreachAt / 60_000);
    boolean changed = !sig.equals(lastStatus);
    lastStatus = sig;
    return new Evaluation(actual, forecast, forecastAt, esc, changed ? s : null);
  }

  private BudgetStatus status(long now, double forecast, long breachAt) {
    BudgetStatus s = new BudgetStatus();
    s.budgetId = budget.id;
    s.scope = budget.scopeKey();
    s.period = budget.period;
    s.timeZone = budget.timeZone;
    s.periodStart = periodStart;
    s.periodEnd = periodEnd;
    s.asOf = now;
    s.id = budget.id + "/" + periodStart + "/" + now;
    s.amount = budget.amount;
    s.currency = budget.currency;
    s.spend = spend;
    s.forecast = forecast;
    s.percent = spend / budget.amount * 100;
    s.forecastPercent = forecast / budget.amount * 100;
    s.thresholdsCrossed = new ArrayList<>(actualCrossed);
    s.forecastThresholdsCrossed = new ArrayList<>(forecastCrossed);
    s.projectedBreachAt = canForecast() ? breachAt : -1;
    s.status =
        spend >= budget.amount
            ? BudgetStatus.EXCEEDED
            : forecast >= budget.amount && canForecast() ? BudgetStatus.AT_RISK : BudgetStatus.OK;
    return s;
  }
}
