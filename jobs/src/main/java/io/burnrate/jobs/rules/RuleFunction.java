package io.burnrate.jobs.rules;

import io.burnrate.jobs.alerting.AlertLatency;
import io.burnrate.jobs.alerting.Ids;
import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.jobs.alerting.Resolutions;
import io.burnrate.jobs.alerting.WindowShape;
import io.burnrate.jobs.rules.RuleEvaluator.Transition;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.CostWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The threshold rules, keyed by workload series ({@link #key}): idle GPU, under-utilisation, GPU
 * memory pressure, throughput degradation against the workload's own baseline, and hourly spend
 * over a limit. Each rule runs the pure {@link RuleEvaluator} with the settings of the series'
 * scope ({@link RuleConfig}) and publishes one {@code firing} {@link Alert} when its condition has
 * held for its {@code for} duration and one {@code resolved} when it has cleared past the resolve
 * threshold for {@code keep_firing_for}. Ids follow the anomaly step: fingerprint of alert name and
 * scope, {@code fingerprint/startsAt/status}. A series silent for the series timeout (its workload
 * ended) resolves what is open and releases its state.
 */
public final class RuleFunction extends KeyedProcessFunction<String, CostWindow, Alert> {
  private static final long serialVersionUID = 1L;

  /** Full windows of history the throughput baseline needs before it judges. */
  public static final int BASELINE_WARMUP = 30;

  /** Healthy windows the baseline keeps (a robust median over them). */
  public static final int BASELINE_SIZE = 120;

  private static final Map<String, String> NAMES =
      Map.of(
          RuleConfig.IDLE_GPU, "IdleGpu",
          RuleConfig.UNDER_UTILIZATION, "GpuUnderUtilized",
          RuleConfig.MEMORY_PRESSURE, "GpuMemoryPressure",
          RuleConfig.THROUGHPUT_DEGRADATION, "ThroughputDegraded",
          RuleConfig.HOURLY_SPEND, "HourlySpendOverLimit");

  private final RuleConfig config;
  private final long timeoutMillis;
  private transient ValueState<SeriesRules> state;
  private transient AlertLatency latency;
  private transient Counter fired;

  public RuleFunction(RuleConfig config, Duration seriesTimeout) {
    this.config = config;
    this.timeoutMillis = seriesTimeout.toMillis();
  }

  /** The series key of a workload window. */
  public static String key(CostWindow w) {
    return w.cluster + "|" + w.workload;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("rules", SeriesRules.class));
    latency = AlertLatency.register(getRuntimeContext().getMetricGroup());
    fired = getRuntimeContext().getMetricGroup().counter("ruleAlertsFired");
  }

  @Override
  public void processElement(CostWindow w, Context ctx, Collector<Alert> out) throws Exception {
    if (!CostWindow.KIND_WORKLOAD.equals(w.kind) || w.workload == null) {
      return;
    }
    SeriesRules s = state.value();
    // A window after a silence longer than the timeout (in event time) ends the old series first,
    // as the quiet timer does: whichever of the two reaches this operator first, the output is the
    // same (the timer races windows that other subtasks' watermarks have not yet caught up with).
    if (s != null && QuietTimers.deadline(s.lastWindowEnd, timeoutMillis) < w.windowEnd) {
      stopped(s, out);
      s = null;
    }
    if (s == null) {
      s = new SeriesRules();
    }
    if (w.windowEnd <= s.lastWindowEnd) {
      return; // a repeat or out-of-order window: the rules have moved past it
    }
    double util = w.meanUtilization == null ? Double.NaN : w.meanUtilization;
    step(RuleConfig.IDLE_GPU, w, s, util, out);
    step(RuleConfig.UNDER_UTILIZATION, w, s, util, out);
    step(
        RuleConfig.MEMORY_PRESSURE,
        w,
        s,
        w.memoryUsedRatio == null ? Double.NaN : w.memoryUsedRatio,
        out);
    throughput(w, s, out);
    if (w.cost != null) {
      step(
          RuleConfig.HOURLY_SPEND,
          w,
          s,
          s.rollingHourCost(w.windowStart, w.windowEnd, w.cost),
          out);
    }
    s.lastWindowEnd = w.windowEnd;
    state.update(s);
    ctx.timerService().registerEventTimeTimer(QuietTimers.deadline(w.windowEnd, timeoutMillis));
  }

  private void throughput(CostWindow w, SeriesRules s, Collector<Alert> out) {
    double seconds = (w.windowEnd - w.windowStart) / 1000.0;
    if (w.samples == null || seconds <= 0 || WindowShape.partial(w)) {
      return;
    }
    double sps = w.samples / seconds;
    double base = s.baseline(BASELINE_WARMUP);
    if (base > 0) {
      step(RuleConfig.THROUGHPUT_DEGRADATION, w, s, sps / base, out);
    }
    RuleState ts = s.rules.get(RuleConfig.THROUGHPUT_DEGRADATION);
    if (ts == null || ts.phase == RuleState.INACTIVE) {
      s.learnThroughput(sps, BASELINE_SIZE); // only healthy windows shape the baseline
    }
  }

  private void step(String rule, CostWindow w, SeriesRules s, double value, Collector<Alert> out) {
    RuleSpec spec = config.spec(rule, w.cluster, w.team, w.namespace);
    RuleState rs = s.state(rule);
    Transition t = RuleEvaluator.step(spec, rs, w.windowStart, w.windowEnd, value);
    if (t == Transition.FIRED) {
      Alert a = firing(rule, spec, rs, w, value);
      s.open.put(rule, a);
      fired.inc();
      latency.record(w.windowEnd);
      out.collect(a);
    } else if (t == Transition.RESOLVED) {
      Alert open = s.open.remove(rule);
      if (open != null) {
        Alert r = Resolutions.alert(open, w.windowEnd, "back to normal");
        r.observed = value;
        r.windowStart = w.windowStart;
        r.windowEnd = w.windowEnd;
        latency.record(w.windowEnd);
        out.collect(r);
      }
    }
    if (rs.phase == RuleState.INACTIVE && !s.open.containsKey(rule)) {
      s.rules.remove(rule); // nothing to remember
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    SeriesRules s = state.value();
    if (s == null || timestamp < s.lastWindowEnd + timeoutMillis) {
      return;
    }
    stopped(s, out);
  }

  /** The series went quiet: its open alerts resolve and its state goes. */
  private void stopped(SeriesRules s, Collector<Alert> out) {
    for (String rule : new ArrayList<>(new TreeMap<>(s.open).keySet())) {
      out.collect(
          Resolutions.alert(s.open.get(rule), s.lastWindowEnd, "the series stopped reporting"));
    }
    state.clear();
  }

  private Alert firing(String rule, RuleSpec spec, RuleState rs, CostWindow w, double value) {
    Alert a = new Alert();
    a.alertname = NAMES.get(rule);
    a.severity = spec.severity();
    a.labels.put("alertname", a.alertname);
    a.labels.put("cluster", w.cluster);
    if (w.namespace != null) {
      a.labels.put("namespace", w.namespace);
    }
    a.labels.put("workload", w.workload);
    if (w.team != null) {
      a.labels.put("team", w.team);
    }
    a.labels.put("rule", rule);
    a.labels.put("severity", a.severity);
    a.fingerprint = Ids.fingerprint(a.alertname, w.cluster, w.workload);
    a.status = Alert.FIRING;
    a.startsAt = rs.firingSince;
    a.id = Ids.id(a.fingerprint, a.startsAt, a.status);
    a.summary = summary(rule, w.workload, value, spec);
    a.description =
        String.format(
            Locale.ROOT,
            "%s: %s since %s (for %d min); resolves when %s %s %s for %d min",
            rule,
            format(rule, value),
            Instant.ofEpochMilli(rs.pendingSince),
            spec.forMillis() / 60_000,
            rule.equals(RuleConfig.HOURLY_SPEND) ? "the last hour's cost" : "the value",
            spec.above() ? "is below" : "is above",
            format(rule, spec.resolveThreshold()),
            spec.keepFiringForMillis() / 60_000);
    a.observed = value;
    a.threshold = spec.threshold();
    a.windowStart = w.windowStart;
    a.windowEnd = w.windowEnd;
    a.costBasis = w.costBasis;
    return a;
  }

  private static String summary(String rule, String workload, double rawValue, RuleSpec spec) {
    String t = format(rule, spec.threshold());
    String v = shown(rule, rawValue, spec.threshold());
    return switch (rule) {
      case RuleConfig.IDLE_GPU -> "GPUs of " + workload + " are idle: utilisation " + v + " < " + t;
      case RuleConfig.UNDER_UTILIZATION ->
          "GPUs of " + workload + " are under-used: utilisation " + v + " < " + t;
      case RuleConfig.MEMORY_PRESSURE ->
          "GPU memory of " + workload + " is nearly full: " + v + " > " + t;
      case RuleConfig.THROUGHPUT_DEGRADATION ->
          "throughput of " + workload + " is " + v + " of its baseline (< " + t + ")";
      default -> "spend of " + workload + " over the last hour is " + v + " > " + t;
    };
  }

  /**
   * The value as the alert shows it beside its threshold: with as many more decimals as it takes
   * (up to four) for a value just past the threshold not to read as the threshold itself.
   */
  static String shown(String rule, double v, double threshold) {
    String s = format(rule, v, 0);
    for (int extra = 1; s.equals(format(rule, threshold, extra - 1)) && extra <= 4; extra++) {
      s = format(rule, v, extra);
    }
    return s;
  }

  private static String format(String rule, double v, int extraDecimals) {
    return rule.equals(RuleConfig.HOURLY_SPEND)
        ? String.format(Locale.ROOT, "%." + (2 + extraDecimals) + "f", v)
        : String.format(Locale.ROOT, "%." + extraDecimals + "f%%", v * 100);
  }

  private static String format(String rule, double v) {
    return rule.equals(RuleConfig.HOURLY_SPEND)
        ? String.format(Locale.ROOT, "%.2f", v)
        : String.format(Locale.ROOT, "%.0f%%", v * 100);
  }
}
