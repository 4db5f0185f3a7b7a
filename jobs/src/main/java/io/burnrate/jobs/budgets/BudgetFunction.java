package io.burnrate.jobs.budgets;

import io.burnrate.jobs.alerting.AlertLatency;
import io.burnrate.jobs.alerting.Ids;
import io.burnrate.jobs.alerting.Resolutions;
import io.burnrate.jobs.metrics.LabelledGauges;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.model.BudgetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Tracks the budgets of one scope ({@code team=ml}, {@code global}, ...), keyed by scope key.
 *
 * <p><b>Design: keyed connect, not broadcast.</b> Every priced cost window is charged to each scope
 * it belongs to ({@link BudgetCharges}: global, cluster, team, project, namespace, cost center,
 * labels), and budget definitions are routed by {@link BudgetDefinitions} (keyed by budget id) to
 * the scope key they cover. Both streams are keyed by scope key and connected here, so a budget and
 * the spend it counts live in the same keyed state: a changed definition applies to the next
 * evaluation without a restart, a tombstone removes exactly that budget's state, and nothing is
 * replicated to every subtask (as broadcast state would be) nor needs matching each window against
 * every budget. The price is a fan-out of about seven charges per window, and the {@code global}
 * scope is one key (a few records per window-minute, well within one subtask).
 *
 * <p><b>Spend before a definition.</b> Every scope keeps its counted spend per UTC hour (and
 * currency) for {@link ForecastSettings#scopeHistoryMs()} (default 32 days: the current period of
 * any budget in any time zone), budget or not; older hours are dropped hourly and a scope silent
 * that long releases its state. A budget defined (or re-cut to another period or time zone)
 * mid-period counts the period's spend already seen from it, and its forecaster learns from all of
 * it. At most 32 x 24 = 768 entries per scope and currency; 0 keeps nothing (charges for a scope
 * with no budget are then dropped, as before). Spend from before the job's own input (the lake's
 * history at start-up) is not counted.
 *
 * <p><b>Time.</b> Charges wait in state until the watermark passes their window's end, then count
 * in window order; evaluation runs on that event-time timer, once per window end. Counting on
 * arrival made the evaluations depend on how windows of consecutive minutes were batched between
 * two watermarks (a restore, a catch-up): an evaluation was skipped when a later minute's charges
 * were already in, and a threshold's alert started a minute or more later than in an undisturbed
 * run. The period rolls on a timer at its end in the budget's time zone. On roll-over the period's
 * alerts and escalation actions resolve, and thresholds re-arm. A forecast alert also resolves
 * inside the period when the forecast falls back (hysteresis: {@link BudgetTracker}). Main output:
 * {@link BudgetStatus} on change; side outputs {@link #ALERTS} and {@link #ACTIONS}.
 */
public final class BudgetFunction
    extends KeyedCoProcessFunction<String, BudgetCharge, BudgetControl, BudgetStatus> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<Alert> ALERTS = new OutputTag<>("budget-alerts") {};
  public static final OutputTag<Action> ACTIONS = new OutputTag<>("budget-actions") {};

  public static final String ACTUAL = "BudgetThresholdReached";
  public static final String FORECAST = "BudgetForecastBreach";

  /** The bound of budgets in {@code burnrate_budget_used_percent} per subtask. */
  public static final int MAX_BUDGET_SERIES = 500;

  private static final long HOUR = 3_600_000L;

  private final ForecastSettings settings;

  private transient MapState<String, BudgetTracker> trackers;

  /** The scope's counted spend by {@code hourStart|currency} (kept {@code scopeHistoryMs}). */
  private transient MapState<String, Double> scopeHours;

  /** End of the last window counted for the scope, whatever its budgets. */
  private transient ValueState<Long> scopeAsOf;

  /** Spend not counted yet: {@code windowEnd|windowStart|currency} to the sum of its charges. */
  private transient MapState<String, Double> pending;

  private transient AlertLatency latency;
  private transient Counter otherCurrency;
  private transient LabelledGauges usedPercent;

  public BudgetFunction() {
    this(ForecastSettings.defaults());
  }

  public BudgetFunction(ForecastSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext ctx) {
    trackers =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "budgets", Types.STRING, TypeInformation.of(BudgetTracker.class)));
    pending =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("pending-charges", Types.STRING, Types.DOUBLE));
    scopeHours =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("scope-hours", Types.STRING, Types.DOUBLE));
    scopeAsOf = getRuntimeContext().getState(new ValueStateDescriptor<>("scope-as-of", Types.LONG));
    latency = AlertLatency.register(getRuntimeContext().getMetricGroup());
    otherCurrency = getRuntimeContext().getMetricGroup().counter("budgetChargesOtherCurrency");
    usedPercent =
        new LabelledGauges(
            getRuntimeContext().getMetricGroup(),
            "budgetUsedPercent",
            List.of("budget"),
            MAX_BUDGET_SERIES,
            1);
  }

  @Override
  public void processElement1(BudgetCharge c, Context ctx, Collector<BudgetStatus> out)
      throws Exception {
    if (settings.scopeHistoryMs() == 0 && trackers.isEmpty()) {
      return;
    }
    String k = c.windowEnd + "|" + c.windowStart + "|" + (c.currency == null ? "" : c.currency);
    Double before = pending.get(k);
    pending.put(k, before == null ? c.cost : before + c.cost);
    ctx.timerService().registerEventTimeTimer(c.windowEnd);
  }

  /** Counts the pending charges of windows that ended by {@code ts}, in window order. */
  private void countDue(long ts, Context ctx, Collector<BudgetStatus> out) throws Exception {
    List<String[]> due = new ArrayList<>();
    for (String k : pending.keys()) {
      String[] parts = k.split("\\|", -1);
      if (Long.parseLong(parts[0]) <= ts) {
        due.add(new String[] {parts[0], parts[1], parts[2], k});
      }
    }
    if (due.isEmpty()) {
      return;
    }
    due.sort(
        java.util.Comparator.<String[]>comparingLong(d -> Long.parseLong(d[0]))
            .thenComparingLong(d -> Long.parseLong(d[1]))
            .thenComparing(d -> d[2]));
    List<Map.Entry<String, BudgetTracker>> all = list();
    for (String[] d : due) {
      long windowEnd = Long.parseLong(d[0]);
      long windowStart = Long.parseLong(d[1]);
      String currency = d[2].isEmpty() ? null : d[2];
      double cost = pending.get(d[3]);
      pending.remove(d[3]);
      keep(windowStart, windowEnd, d[2], cost, ctx);
      for (Map.Entry<String, BudgetTracker> e : all) {
        BudgetTracker t = e.getValue();
        if (currency != null && !currency.equals(t.budget.currency)) {
          otherCurrency.inc();
          continue;
        }
        if (t.periodOver(windowStart)) {
          roll(t, windowStart, ctx, out);
        }
        if (windowStart < t.periodStart) {
          continue; // a straggler of a closed period
        }
        t.add(windowStart, windowEnd, cost);
        ctx.timerService().registerEventTimeTimer(t.periodEnd);
      }
    }
    for (Map.Entry<String, BudgetTracker> e : all) {
      trackers.put(e.getKey(), e.getValue());
    }
    if (pending.isEmpty()) {
      pending.clear();
    }
  }

  @Override
  public void processElement2(BudgetControl c, Context ctx, Collector<BudgetStatus> out)
      throws Exception {
    BudgetTracker t = trackers.get(c.budgetId);
    if (BudgetControl.DELETE.equals(c.op)) {
      if (t != null) {
        long end = t.asOf >= 0 ? t.asOf : ctx.timerService().currentWatermark();
        resolveAll(t, end, "the budget was deleted", ctx);
        trackers.remove(c.budgetId);
        if (trackers.isEmpty()) {
          trackers.clear();
        }
      }
      return;
    }
    boolean fresh = t == null;
    if (fresh) {
      t = new BudgetTracker(c.budget);
    } else if (t.redefine(c.budget)) {
      resolveAll(t, Math.max(t.asOf, 0), "the budget's period changed", ctx);
      fresh = true;
    }
    Long kept = scopeAsOf.value();
    long now =
        t.asOf >= 0 ? t.asOf : kept != null && fresh ? kept : ctx.timerService().currentWatermark();
    if (now > 0 && now < Long.MAX_VALUE) {
      if (t.periodOver(now)) {
        t.startPeriod(now);
      }
      if (fresh && kept != null) {
        t.replay(keptHours(t.budget.currency), kept);
      }
      ctx.timerService().registerEventTimeTimer(t.periodEnd);
      evaluate(t, now, ctx, out);
    }
    trackers.put(c.budgetId, t);
  }

  /** Counts a window's cost into the scope's kept hours; schedules the hourly clean-up. */
  private void keep(long windowStart, long windowEnd, String currency, double cost, Context ctx)
      throws Exception {
    if (settings.scopeHistoryMs() == 0) {
      return;
    }
    long h = Math.floorDiv(windowStart, HOUR) * HOUR;
    String k = h + "|" + currency;
    Double before = scopeHours.get(k);
    scopeHours.put(k, before == null ? cost : before + cost);
    Long asOf = scopeAsOf.value();
    scopeAsOf.update(asOf == null ? windowEnd : Math.max(asOf, windowEnd));
    if (before == null) {
      ctx.timerService().registerEventTimeTimer(h + HOUR + settings.scopeHistoryMs());
    }
  }

  /** Drops kept hours that ended {@code scopeHistoryMs} before {@code ts}; all: releases. */
  private void forget(long ts) throws Exception {
    if (settings.scopeHistoryMs() == 0 || scopeAsOf.value() == null) {
      return;
    }
    List<String> old = new ArrayList<>();
    for (String k : scopeHours.keys()) {
      long h = Long.parseLong(k.substring(0, k.indexOf('|')));
      if (h + HOUR + settings.scopeHistoryMs() <= ts) {
        old.add(k);
      }
    }
    for (String k : old) {
      scopeHours.remove(k);
    }
    if (scopeHours.isEmpty()) {
      scopeHours.clear();
      scopeAsOf.clear();
    }
  }

  /** The kept hours whose charges count for a budget in {@code currency}, by hour. */
  private java.util.SortedMap<Long, Double> keptHours(String currency) throws Exception {
    java.util.SortedMap<Long, Double> out = new java.util.TreeMap<>();
    for (Map.Entry<String, Double> e : scopeHours.entries()) {
      String k = e.getKey();
      int bar = k.indexOf('|');
      String c = k.substring(bar + 1);
      if (c.isEmpty() || c.equals(currency)) {
        out.merge(Long.parseLong(k.substring(0, bar)), e.getValue(), Double::sum);
      }
    }
    return out;
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<BudgetStatus> out) throws Exception {
    // At the end of input (a bounded run, a drain) the watermark jumps to the end of time and
    // fires every period's end: the data never reached it, so the period is not closed and no
    // next one is opened (each would open the next, without end).
    boolean endOfInput = ctx.timerService().currentWatermark() >= Long.MAX_VALUE - 1;
    countDue(ts, ctx, out);
    if (ts % HOUR == 0) {
      forget(ts);
    }
    for (Map.Entry<String, BudgetTracker> e : list()) {
      BudgetTracker t = e.getValue();
      if (t.asOf == ts && t.periodStart >= 0 && ts <= t.periodEnd) {
        evaluate(t, ts, ctx, out); // the last window of the period counts in its status
      } else if (!endOfInput
          && ts % HOUR == 0
          && !t.forecastOpen.isEmpty()
          && t.periodStart >= 0
          && ts > t.asOf
          && ts < t.periodEnd) {
        // no window ended here: the scope was silent; count the silent time as no spend so that
        // a forecast alert of a scope that stopped spending can resolve
        t.add(ts, ts, 0);
        evaluate(t, ts, ctx, out);
      }
      if (t.periodOver(ts) && !endOfInput) {
        roll(t, ts, ctx, out);
      }
      trackers.put(e.getKey(), t);
    }
  }

  private List<Map.Entry<String, BudgetTracker>> list() throws Exception {
    List<Map.Entry<String, BudgetTracker>> l = new ArrayList<>();
    for (Map.Entry<String, BudgetTracker> e : trackers.entries()) {
      l.add(Map.entry(e.getKey(), e.getValue()));
    }
    l.sort(Map.Entry.comparingByKey());
    return l;
  }

  /** Closes the period (alerts and actions resolve) and opens the one containing {@code t}. */
  private void roll(BudgetTracker t, long ts, Context ctx, Collector<BudgetStatus> out) {
    if (t.periodStart >= 0) {
      resolveAll(t, t.periodEnd, "the period ended", ctx);
    }
    t.startPeriod(ts);
    ctx.timerService().registerEventTimeTimer(t.periodEnd);
    evaluate(t, Math.max(ts, t.periodStart), ctx, out);
  }

  private void evaluate(BudgetTracker t, long now, Context ctx, Collector<BudgetStatus> out) {
    BudgetTracker.Evaluation ev = t.evaluate(now, settings);
    BudgetTracker.Projection p = ev.projection();
    for (double pct : ev.actual()) {
      emit(t, alert(t, ACTUAL, pct, now, -1, p), ctx);
    }
    for (int i = 0; i < ev.forecast().size(); i++) {
      emit(t, alert(t, FORECAST, ev.forecast().get(i), now, ev.forecastAt().get(i), p), ctx);
    }
    for (double pct : ev.forecastResolved()) {
      String fp = Ids.fingerprint(FORECAST, t.budget.id, pctText(pct));
      for (Alert a : new ArrayList<>(t.openAlerts)) {
        if (a.fingerprint.equals(fp)) {
          t.openAlerts.remove(a);
          ctx.output(
              ALERTS,
              Resolutions.alert(
                  a,
                  now,
                  String.format(
                      Locale.ROOT,
                      "the forecast fell back to %.2f %s (%.1f%%), below %s%% by more than %.0f%%",
                      p.total(),
                      t.budget.currency,
                      p.total() / t.budget.amount * 100,
                      pctText(pct),
                      settings.resolveMargin() * 100)));
        }
      }
    }
    for (Budget.Escalation e : ev.escalations()) {
      Action a = escalation(t, e, now);
      t.openActions.add(a);
      ctx.output(ACTIONS, a);
    }
    if (ev.status() != null) {
      usedPercent.set(ev.status().percent, ev.status().budgetId);
      out.collect(ev.status());
    }
    long nextHour = Math.floorDiv(now, HOUR) * HOUR + HOUR;
    if (!t.forecastOpen.isEmpty()
        && nextHour < t.periodEnd
        && ctx.timerService().currentWatermark() < Long.MAX_VALUE - 1) {
      ctx.timerService().registerEventTimeTimer(nextHour); // re-evaluated even if silent
    }
  }

  private void emit(BudgetTracker t, Alert a, Context ctx) {
    t.openAlerts.add(a);
    latency.record(t.asOf >= 0 ? t.asOf : a.startsAt);
    ctx.output(ALERTS, a);
  }

  private static void resolveAll(BudgetTracker t, long end, String why, Context ctx) {
    for (Alert a : t.openAlerts) {
      ctx.output(ALERTS, Resolutions.alert(a, end, why));
    }
    for (Action a : t.openActions) {
      ctx.output(ACTIONS, Resolutions.action(a, end, why));
    }
    t.openAlerts.clear();
    t.openActions.clear();
  }

  static Alert alert(
      BudgetTracker t,
      String name,
      double pct,
      long now,
      long projectedAt,
      BudgetTracker.Projection p) {
    Budget b = t.budget;
    Alert a = new Alert();
    a.alertname = name;
    boolean forecast = FORECAST.equals(name);
    a.severity =
        pct >= 100
            ? (forecast ? "warning" : "critical")
            : pct >= 80 && !forecast ? "warning" : "info";
    a.labels.put("alertname", name);
    a.labels.put("severity", a.severity);
    a.labels.put("budget", b.id);
    a.labels.put("scope", b.scopeKey());
    a.labels.put("period", b.period);
    a.labels.put("threshold", pctText(pct));
    if (Budget.SCOPE_CLUSTER.equals(b.scopeKind)) {
      a.labels.put("cluster", b.scopeValue);
    } else if (Budget.SCOPE_TEAM.equals(b.scopeKind)) {
      a.labels.put("team", b.scopeValue);
    } else if (Budget.SCOPE_NAMESPACE.equals(b.scopeKind)) {
      a.labels.put("namespace", b.scopeValue);
    }
    a.fingerprint = Ids.fingerprint(name, b.id, pctText(pct));
    a.status = Alert.FIRING;
    a.startsAt = now;
    a.id = Ids.id(a.fingerprint, a.startsAt, a.status);
    String period =
        b.period + " from " + Instant.ofEpochMilli(t.periodStart) + " (" + b.timeZone + ")";
    a.summary =
        forecast
            ? String.format(
                Locale.ROOT,
                "budget %s (%s) is projected to reach %s%% of %.2f %s by %s"
                    + " (forecast %.2f, 80%% interval %.2f to %.2f)",
                b.id,
                b.scopeKey(),
                pctText(pct),
                b.amount,
                b.currency,
                Instant.ofEpochMilli(projectedAt),
                p.total(),
                p.low(),
                p.high())
            : String.format(
                Locale.ROOT,
                "budget %s (%s) reached %s%% of %.2f %s",
                b.id,
                b.scopeKey(),
                pctText(pct),
                b.amount,
                b.currency);
    a.description =
        String.format(
            Locale.ROOT,
            "spend to date %.2f %s (%.1f%%) in the %s; forecast for the period %.2f"
                + " (80%% interval %.2f to %.2f, from %d h of history)",
            t.spend,
            b.currency,
            t.spend / b.amount * 100,
            period,
            p.total(),
            p.low(),
            p.high(),
            t.forecaster.hours);
    a.observed = forecast ? p.total() : t.spend;
    if (forecast) {
      a.expectedLow = p.low();
      a.expectedHigh = p.high();
    }
    a.threshold = pct / 100.0 * b.amount;
    a.windowStart = t.periodStart;
    a.windowEnd = now;
    return a;
  }

  private static Action escalation(BudgetTracker t, Budget.Escalation e, long now) {
    Budget b = t.budget;
    Action a = new Action();
    a.kind = Action.BUDGET_ESCALATION;
    a.operation = e.action;
    a.budgetId = b.id;
    a.scope = b.scopeKey();
    switch (b.scopeKind) {
      case Budget.SCOPE_CLUSTER -> {
        a.targetKind = Action.TARGET_CLUSTER;
        a.cluster = b.scopeValue;
      }
      case Budget.SCOPE_NAMESPACE -> {
        a.targetKind = Action.TARGET_NAMESPACE;
        a.namespace = b.scopeValue;
      }
      default -> {
        a.targetKind = Action.TARGET_SCOPE;
        if (Budget.SCOPE_TEAM.equals(b.scopeKind)) {
          a.team = b.scopeValue;
        }
      }
    }
    a.fingerprint =
        Ids.fingerprint(a.kind, b.id, e.action, pctText(e.atPercent), Long.toString(t.periodStart));
    a.status = Action.OPEN;
    a.openedAt = now;
    a.id = Ids.id(a.fingerprint, a.openedAt, a.status);
    a.reason =
        String.format(
            Locale.ROOT,
            "budget %s (%s) reached %s%% of %.2f %s: %s",
            b.id,
            b.scopeKey(),
            pctText(e.atPercent),
            b.amount,
            b.currency,
            switch (e.action) {
              case Budget.SWITCH_TO_SPOT -> "switch spot-tolerant workloads to spot capacity";
              case Budget.REDUCE_BATCH_SIZE -> "reduce batch sizes (fewer GPUs per job)";
              default -> "stop workloads not labelled burnrate.io/critical";
            });
    a.evidence =
        String.format(
            Locale.ROOT,
            "spend %.2f of %.2f %s in the %s from %s",
            t.spend,
            b.amount,
            b.currency,
            b.period,
            Instant.ofEpochMilli(t.periodStart));
    a.currency = b.currency;
    a.confidence = 1.0; // the crossing is a fact, not an estimate
    a.windowStart = t.periodStart;
    a.windowEnd = now;
    return a;
  }

  private static String pctText(double pct) {
    return pct == Math.rint(pct) ? Long.toString((long) pct) : Double.toString(pct);
  }
}
