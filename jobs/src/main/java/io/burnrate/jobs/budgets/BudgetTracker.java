package io.burnrate.jobs.budgets;

import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.model.BudgetStatus;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One budget's period-to-date spend, its forecast and its alert state, pure (no Flink) and a Flink
 * POJO in keyed state.
 *
 * <p><b>Forecast.</b> Spend to date plus the spend {@link SpendForecaster} expects from now to the
 * end of the period (daily and weekly rhythm, level and trend, with a p10-p90 interval). The
 * forecaster learns across periods (a new period resets the spend, not what was learned) and, when
 * a budget is defined, from the scope's spend the job has kept ({@link #replay}).
 *
 * <p><b>Forecast alerts, with hysteresis.</b> A threshold's forecast alert opens when the point
 * forecast reaches it while actual spend has not, after an hour of observed spend; it resolves
 * inside the period when the point forecast stays below the threshold by {@link
 * ForecastSettings#resolveMargin()} for {@link ForecastSettings#resolveEvaluations()} evaluations
 * in a row spanning at least {@link ForecastSettings#resolveAfterMs()}; it may open again later in
 * the period. Actual crossings fire once per period.
 */
public class BudgetTracker {
  static final long HOUR = 3_600_000L;

  /** Observed spend (hours) before a forecast may raise an alert. */
  static final double ALERT_AFTER_HOURS = 1;

  public Budget budget;
  public long periodStart = -1;
  public long periodEnd = -1;
  public double spend;

  /** End of the last window counted (event time), -1 before any. */
  public long asOf = -1;

  public SpendForecaster forecaster = new SpendForecaster();

  /** Percentages crossed this period by actual spend, escalations sent. */
  public List<Double> actualCrossed = new ArrayList<>();

  public List<Double> escalated = new ArrayList<>();

  /** Thresholds whose forecast alert is open, with how long the forecast has been clear of them. */
  public List<ForecastAlarm> forecastOpen = new ArrayList<>();

  /** Alerts and escalation actions of this period still open (resolved at its end). */
  public List<Alert> openAlerts = new ArrayList<>();

  public List<Action> openActions = new ArrayList<>();

  /** What the last published status said (to publish on change only). */
  public String lastStatus;

  /** An open forecast alert of one threshold and the run of evaluations clear of it. */
  public static class ForecastAlarm {
    public double percent;

    /** First evaluation of the current clear run (forecast below the margin), -1 when none. */
    public long clearSince = -1;

    public int clearEvaluations;

    public ForecastAlarm() {}

    ForecastAlarm(double percent) {
      this.percent = percent;
    }
  }

  public BudgetTracker() {}

  public BudgetTracker(Budget b) {
    this.budget = b;
  }

  ZoneId zone() {
    return ZoneId.of(budget.timeZone);
  }

  /**
   * Replaces the definition. A change of period or time zone starts the tracking afresh (returns
   * true; the caller replays the scope's kept spend); otherwise spend and what already fired stay,
   * so a raised amount does not re-alert and a lowered one alerts at the next evaluation.
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
      forecastOpen.clear();
      escalated.clear();
      lastStatus = null;
      forecaster = new SpendForecaster();
    }
    return recut;
  }

  /**
   * Counts the scope's spend kept from before this tracker existed: {@code hours} (hour start to
   * spend, ascending, in this budget's currency) up to {@code keptAsOf}. The forecaster learns from
   * all of it; the current period's share counts as spend (an hour that straddles the period's
   * start, in a zone offset by a half hour, counts by the share inside it). Call after {@link
   * #startPeriod} with a tracker that has counted nothing yet.
   */
  public void replay(java.util.SortedMap<Long, Double> hours, long keptAsOf) {
    ZoneId z = zone();
    for (java.util.Map.Entry<Long, Double> e : hours.entrySet()) {
      long h = e.getKey();
      long end = Math.min(h + HOUR, keptAsOf);
      if (end <= h) {
        continue;
      }
      double v = e.getValue();
      forecaster.add(z, h, end, v);
      if (end > periodStart && h < periodEnd) {
        long from = Math.max(h, periodStart);
        spend += v * (end - from) / (double) (end - h);
      }
    }
    asOf = Math.max(asOf, keptAsOf);
  }

  /** True when {@code t} is past the current period (or no period has started). */
  public boolean periodOver(long t) {
    return periodStart < 0 || t >= periodEnd;
  }

  /** Starts the period containing {@code t}: spend and crossings reset; the forecaster stays. */
  public void startPeriod(long t) {
    ZoneId z = zone();
    periodStart = Periods.start(budget.period, z, t);
    periodEnd = Periods.end(budget.period, z, periodStart);
    spend = 0;
    actualCrossed.clear();
    forecastOpen.clear();
    escalated.clear();
    lastStatus = null;
  }

  /** Counts a window's cost (the window must lie in the current period). */
  public void add(long windowStart, long windowEnd, double cost) {
    forecaster.add(zone(), windowStart, windowEnd, cost);
    spend += cost;
    asOf = Math.max(asOf, windowEnd);
  }

  public boolean canForecast() {
    return forecaster.canForecast();
  }

  /**
   * The projection from {@code now} to the end of the period: total spend at the end (point, p10,
   * p90), and for each of {@code targets} (amounts, ascending) the time the cumulative point
   * forecast reaches it, or -1.
   */
  public Projection project(long now, double[] targets) {
    long[] at = new long[targets.length];
    Arrays.fill(at, -1);
    int next = 0;
    while (next < targets.length && spend >= targets[next]) {
      at[next++] = now;
    }
    double[] toGo = new double[targets.length - next];
    for (int i = next; i < targets.length; i++) {
      toGo[i - next] = targets[i] - spend;
    }
    SpendForecaster.Forecast f = forecaster.forecast(zone(), now, periodEnd, toGo);
    System.arraycopy(f.reachedAt(), 0, at, next, toGo.length);
    return new Projection(spend + f.point(), spend + f.low(), spend + f.high(), at);
  }

  /** Spend projected to the end of the period with its 80% interval; when targets are reached. */
  public record Projection(double total, double low, double high, long[] reachedAt) {}

  /** What one evaluation found new. */
  public record Evaluation(
      List<Double> actual,
      List<Double> forecast,
      List<Long> forecastAt,
      List<Double> forecastResolved,
      List<Budget.Escalation> escalations,
      BudgetStatus status,
      Projection projection) {}

  /**
   * Compares spend and forecast at {@code now} with the thresholds and escalations: each percentage
   * is reported once per period by actual spend; by forecast when the forecast reaches it while
   * actual spend has not, and again after a resolution ({@code settings}: the hysteresis). The
   * status is returned when it changed.
   */
  public Evaluation evaluate(long now, ForecastSettings settings) {
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
    boolean canAlert = forecaster.observedHours() >= ALERT_AFTER_HOURS;
    List<Double> actual = new ArrayList<>();
    List<Double> forecast = new ArrayList<>();
    List<Long> forecastAt = new ArrayList<>();
    List<Double> resolved = new ArrayList<>();
    for (double pct : budget.thresholds) {
      double target = pct / 100.0 * budget.amount;
      ForecastAlarm open = alarm(pct);
      if (spend >= target) {
        if (!actualCrossed.contains(pct)) {
          actualCrossed.add(pct);
          actual.add(pct);
        }
        if (open != null) {
          open.clearSince = -1; // the forecast was right: it stays open to the period's end
          open.clearEvaluations = 0;
        }
      } else if (open == null) {
        if (canAlert && p.total() >= target) {
          forecastOpen.add(new ForecastAlarm(pct));
          forecast.add(pct);
          forecastAt.add(p.reachedAt()[pcts.indexOf(pct)]);
        }
      } else if (p.total() < target * (1 - settings.resolveMargin())) {
        if (open.clearSince < 0) {
          open.clearSince = now;
        }
        open.clearEvaluations++;
        if (open.clearEvaluations >= settings.resolveEvaluations()
            && now - open.clearSince >= settings.resolveAfterMs()) {
          forecastOpen.remove(open);
          resolved.add(pct);
        }
      } else {
        open.clearSince = -1;
        open.clearEvaluations = 0;
      }
    }
    // a threshold removed from the definition: its forecast alert resolves
    for (ForecastAlarm a : new ArrayList<>(forecastOpen)) {
      if (!budget.thresholds.contains(a.percent)) {
        forecastOpen.remove(a);
        resolved.add(a.percent);
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
    forecastOpen.sort((a, b) -> Double.compare(a.percent, b.percent));
    BudgetStatus s =
        status(now, p, spend < budget.amount ? p.reachedAt()[pcts.indexOf(100.0)] : -1);
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
    return new Evaluation(actual, forecast, forecastAt, resolved, esc, changed ? s : null, p);
  }

  private ForecastAlarm alarm(double pct) {
    for (ForecastAlarm a : forecastOpen) {
      if (a.percent == pct) {
        return a;
      }
    }
    return null;
  }

  private BudgetStatus status(long now, Projection p, long breachAt) {
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
    s.forecast = p.total();
    s.forecastLow = p.low();
    s.forecastHigh = p.high();
    s.forecastErrorPercent = forecaster.errorPercent();
    s.forecastHistoryHours = forecaster.hours;
    s.percent = spend / budget.amount * 100;
    s.forecastPercent = p.total() / budget.amount * 100;
    s.thresholdsCrossed = new ArrayList<>(actualCrossed);
    s.forecastThresholdsCrossed = new ArrayList<>();
    for (ForecastAlarm a : forecastOpen) {
      s.forecastThresholdsCrossed.add(a.percent);
    }
    s.projectedBreachAt = canForecast() ? breachAt : -1;
    s.status =
        spend >= budget.amount
            ? BudgetStatus.EXCEEDED
            : p.total() >= budget.amount && canForecast() ? BudgetStatus.AT_RISK : BudgetStatus.OK;
    return s;
  }
}
