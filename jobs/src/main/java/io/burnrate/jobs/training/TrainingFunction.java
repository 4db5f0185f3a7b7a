package io.burnrate.jobs.training;

import io.burnrate.jobs.alerting.AlertLatency;
import io.burnrate.jobs.alerting.Ids;
import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.CostWindow;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The training-signals step, keyed by workload ({@code cluster|workload}): runs {@link
 * TrainingSignals} over the workload's windows and publishes one alert per state change (firing,
 * resolved) and one action ({@link #ACTIONS}) per condition: early stop on a plateau, stop on
 * divergence, check a restart whose throughput collapsed; each with the dollars at stake at the
 * run's current cost rate. A workload silent for {@code quietMillis} of event time (it ended)
 * resolves what is open and releases its state.
 */
public final class TrainingFunction extends KeyedProcessFunction<String, CostWindow, Alert> {
  private static final long serialVersionUID = 1L;
  private static final double HOURS_PER_MONTH = 730;

  public static final OutputTag<Action> ACTIONS = new OutputTag<>("training-actions") {};

  private final TrainingConfig config;
  private final long quietMillis;
  private transient TrainingSignals signals;
  private transient ValueState<TrainingState> state;
  private transient ValueState<CostWindow> last;
  private transient AlertLatency latency;

  public TrainingFunction(TrainingConfig config, long quietMillis) {
    this.config = config;
    this.quietMillis = quietMillis;
  }

  public static String key(CostWindow w) {
    return w.cluster + "|" + w.workload;
  }

  @Override
  public void open(OpenContext ctx) {
    signals = new TrainingSignals(config);
    state =
        getRuntimeContext().getState(new ValueStateDescriptor<>("training", TrainingState.class));
    last =
        getRuntimeContext().getState(new ValueStateDescriptor<>("last-window", CostWindow.class));
    latency = AlertLatency.register(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(CostWindow w, Context ctx, Collector<Alert> out) throws Exception {
    TrainingState s = state.value();
    CostWindow previous = last.value();
    // a window after a silence longer than the timeout (event time) ends the old run first, as
    // the quiet timer does, whichever of the two reaches this operator first
    if (s != null
        && previous != null
        && QuietTimers.deadline(s.lastWindowEnd, quietMillis) < w.windowEnd) {
      ended(s, previous, ctx, out);
      s = null;
    }
    boolean training = w.loss != null || w.valLoss != null || w.step != null || w.lossNonFinite;
    if (s == null && !training) {
      return; // not a training run (inference, batch without gauges): nothing to keep
    }
    if (s == null) {
      s = new TrainingState();
    }
    for (TrainingSignals.Change c : signals.update(s, w)) {
      emit(c, w, s, ctx, out);
    }
    state.update(s);
    last.update(w);
    ctx.timerService().registerEventTimeTimer(QuietTimers.deadline(w.windowEnd, quietMillis));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    TrainingState s = state.value();
    CostWindow w = last.value();
    if (s == null || w == null || timestamp < s.lastWindowEnd + quietMillis) {
      return;
    }
    ended(s, w, ctx, out);
  }

  /** The run went quiet: its open signals resolve and its state goes. */
  private void ended(TrainingState s, CostWindow w, Context ctx, Collector<Alert> out)
      throws Exception {
    String why = "the run ended";
    if (s.plateauOpen) {
      emit(
          new TrainingSignals.Change(TrainingSignals.PLATEAU, false, why, Double.NaN),
          w,
          s,
          ctx,
          out);
    }
    if (s.divergedOpen) {
      emit(
          new TrainingSignals.Change(TrainingSignals.DIVERGED, false, why, Double.NaN),
          w,
          s,
          ctx,
          out);
    }
    if (s.collapseOpen) {
      emit(
          new TrainingSignals.Change(TrainingSignals.COLLAPSE, false, why, Double.NaN),
          w,
          s,
          ctx,
          out);
    }
    state.clear();
    last.clear();
  }

  private void emit(
      TrainingSignals.Change c, CostWindow w, TrainingState s, Context ctx, Collector<Alert> out) {
    String fp = Ids.fingerprint(c.signal(), w.cluster, w.workload);
    long since =
        switch (c.signal()) {
          case TrainingSignals.PLATEAU -> s.plateauSince;
          case TrainingSignals.DIVERGED -> s.divergedSince;
          default -> s.collapseSince;
        };
    long start = c.open() ? w.windowEnd : since;
    double perHour = Double.isNaN(s.costPerHour) ? Double.NaN : s.costPerHour;
    Alert a = new Alert();
    a.alertname = c.signal();
    a.severity = TrainingSignals.DIVERGED.equals(c.signal()) ? "critical" : "warning";
    a.labels.put("alertname", a.alertname);
    a.labels.put("cluster", w.cluster);
    if (w.namespace != null) {
      a.labels.put("namespace", w.namespace);
    }
    a.labels.put("workload", w.workload);
    if (w.team != null) {
      a.labels.put("team", w.team);
    }
    a.fingerprint = fp;
    a.status = c.open() ? Alert.FIRING : Alert.RESOLVED;
    a.startsAt = start;
    a.endsAt = c.open() ? -1 : w.windowEnd;
    a.id = Ids.id(fp, start, a.status);
    a.summary = summary(c, w, perHour, s.currency);
    a.description = c.evidence();
    a.observed = c.observed();
    a.windowStart = w.windowStart;
    a.windowEnd = w.windowEnd;
    a.costBasis = w.costBasis;
    out.collect(a);
    latency.record(w.windowEnd);

    Action act = new Action();
    act.kind =
        switch (c.signal()) {
          case TrainingSignals.PLATEAU -> Action.EARLY_STOP;
          case TrainingSignals.DIVERGED -> Action.STOP_DIVERGED;
          default -> Action.CHECK_RESTART;
        };
    act.operation = Action.CHECK_RESTART.equals(act.kind) ? "investigate" : "stop_training";
    act.fingerprint = Ids.fingerprint(act.kind, w.cluster, w.workload);
    act.status = c.open() ? Action.OPEN : Action.RESOLVED;
    act.openedAt = start;
    act.resolvedAt = c.open() ? -1 : w.windowEnd;
    act.id = Ids.id(act.fingerprint, start, act.status);
    act.targetKind = Action.TARGET_WORKLOAD;
    act.cluster = w.cluster;
    act.namespace = w.namespace;
    act.workload = w.workload;
    act.team = w.team;
    act.reason = a.summary;
    act.evidence = c.evidence();
    if (!Double.isNaN(perHour)) {
      double share = Action.CHECK_RESTART.equals(act.kind) ? 1 - config.collapseRatio() : 1.0;
      TrainingSignals.Remaining left = signals.remaining(s);
      double hours = Math.min(left.hours(), HOURS_PER_MONTH);
      act.estimatedMonthlySavings = perHour * share * hours;
      act.currency = s.currency;
      act.evidence =
          String.format(
              Locale.ROOT,
              "%s; savings = %.2f %s/h%s x %.2f h: %s%s",
              c.evidence(),
              perHour,
              s.currency == null ? "" : s.currency,
              share < 1
                  ? String.format(Locale.ROOT, " x %.2f (the work lost below the ratio)", share)
                  : "",
              hours,
              left.basis(),
              left.hours() > HOURS_PER_MONTH ? " (counted up to one month, 730 h)" : "");
    }
    act.confidence =
        switch (c.signal()) {
          case TrainingSignals.DIVERGED -> 0.9;
          case TrainingSignals.PLATEAU -> Math.min(0.9, 0.5 + 0.05 * s.evaluationsSinceImprovement);
          default -> 0.6;
        };
    act.windowStart = w.windowStart;
    act.windowEnd = w.windowEnd;
    ctx.output(ACTIONS, act);
  }

  private static String summary(
      TrainingSignals.Change c, CostWindow w, double perHour, String cur) {
    String rate =
        Double.isNaN(perHour)
            ? ""
            : String.format(Locale.ROOT, "; it burns %.2f %s/h", perHour, cur == null ? "" : cur);
    if (!c.open()) {
      return c.signal() + " of " + w.workload + " resolved: " + c.evidence();
    }
    return switch (c.signal()) {
      case TrainingSignals.PLATEAU ->
          "stop "
              + w.workload
              + " early: its validation loss stopped improving"
              + rate
              + " for every hour it keeps running";
      case TrainingSignals.DIVERGED -> "stop " + w.workload + ": the training diverged" + rate;
      default -> w.workload + " restarted and trains far slower than before" + rate;
    };
  }
}
