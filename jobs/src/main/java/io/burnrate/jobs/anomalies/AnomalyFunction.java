package io.burnrate.jobs.anomalies;

import io.burnrate.jobs.alerting.Ids;
import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.schemas.model.Alert;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The anomaly step, keyed by series ({@code cluster|workload|series}): runs the production detector
 * ({@link AnomalyDetector}) over each series and publishes one {@link Alert} when an anomaly starts
 * ({@code firing}) and one when it ends ({@code resolved}), with the observed value, the expected
 * range and the score as evidence. A series silent for {@link #QUIET_MILLIS} of event time (its
 * workload ended) resolves any open alert and releases its state.
 */
public final class AnomalyFunction extends KeyedProcessFunction<String, SeriesPoint, Alert> {
  private static final long serialVersionUID = 1L;

  /** Event time after which a silent series is forgotten. */
  public static final long QUIET_MILLIS = 6 * 3_600_000L;

  private static final Map<String, String> NAMES =
      Map.of(
          AnomalySeries.COST_RATE, "CostRateAnomaly",
          AnomalySeries.UTILIZATION, "UtilizationAnomaly",
          AnomalySeries.THROUGHPUT, "ThroughputAnomaly",
          AnomalySeries.COST_PER_SAMPLE, "CostPerSampleAnomaly",
          AnomalySeries.TEAM_COST_RATE, "TeamCostRateAnomaly");

  private final DetectorConfig config;
  private transient AnomalyDetector detector;
  private transient ValueState<DetectorState> state;
  private transient ValueState<Alert> open;
  private transient ValueState<Long> lastSeen;
  private transient Counter fired;

  public AnomalyFunction(DetectorConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext ctx) {
    detector = new AnomalyDetector(config);
    state =
        getRuntimeContext().getState(new ValueStateDescriptor<>("detector", DetectorState.class));
    open = getRuntimeContext().getState(new ValueStateDescriptor<>("open-alert", Alert.class));
    lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Long.class));
    fired = getRuntimeContext().getMetricGroup().counter("anomalyAlertsFired");
  }

  @Override
  public void processElement(SeriesPoint p, Context ctx, Collector<Alert> out) throws Exception {
    Long seen = lastSeen.value();
    // A point after a silence longer than the timeout (in event time) ends the old series first,
    // as the quiet timer does, whichever of the two reaches this operator first.
    if (seen != null && QuietTimers.deadline(seen, QUIET_MILLIS) < p.windowEnd) {
      stopped(seen, out);
    }
    DetectorState s = state.value();
    if (s == null) {
      s = new DetectorState();
    }
    AnomalyResult r = detector.score(s, p.windowEnd, p.value);
    state.update(s);
    Alert current = open.value();
    if (r.alertStarted() && current == null) {
      Alert a = alert(p, r, Alert.FIRING, p.windowEnd);
      open.update(copyOf(a));
      fired.inc();
      out.collect(a);
    } else if (!r.alert() && current != null) {
      out.collect(resolved(current, p, r));
      open.clear();
    }
    lastSeen.update(p.windowEnd);
    ctx.timerService().registerEventTimeTimer(QuietTimers.deadline(p.windowEnd, QUIET_MILLIS));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    Long seen = lastSeen.value();
    if (seen == null || timestamp < seen + QUIET_MILLIS) {
      return;
    }
    stopped(seen, out);
  }

  /** The series went quiet: its open alert resolves and its state goes. */
  private void stopped(long seen, Collector<Alert> out) throws Exception {
    Alert current = open.value();
    if (current != null) {
      Alert r = copyOf(current);
      r.status = Alert.RESOLVED;
      r.endsAt = seen;
      r.id = r.fingerprint + "/" + r.startsAt + "/" + Alert.RESOLVED;
      r.summary = current.summary + " (resolved: the series stopped reporting)";
      out.collect(r);
    }
    state.clear();
    open.clear();
    lastSeen.clear();
  }

  private Alert alert(SeriesPoint p, AnomalyResult r, String status, long startsAt) {
    Alert a = new Alert();
    a.alertname = NAMES.getOrDefault(p.series, "SeriesAnomaly");
    a.severity = r.score() >= 0.95 ? "critical" : "warning";
    a.labels.put("alertname", a.alertname);
    if (p.cluster != null) {
      a.labels.put("cluster", p.cluster);
    }
    if (p.namespace != null) {
      a.labels.put("namespace", p.namespace);
    }
    if (p.workload != null) {
      a.labels.put("workload", p.workload);
    }
    if (p.team != null) {
      a.labels.put("team", p.team);
    }
    a.labels.put("series", p.series);
    a.fingerprint =
        p.workload != null
            ? Ids.fingerprint(a.alertname, p.cluster, p.workload, p.series)
            : Ids.fingerprint(a.alertname, p.cluster, "team/" + p.team, p.series);
    a.status = status;
    a.startsAt = startsAt;
    a.id = a.fingerprint + "/" + startsAt + "/" + status;
    a.summary =
        String.format(
            Locale.ROOT,
            "%s of %s is %s its expected range",
            p.series.replace('_', ' '),
            subject(p),
            r.observed() > r.expectedHigh() ? "above" : "below");
    a.description = r.reason();
    a.observed = r.observed();
    a.expectedLow = r.expectedLow();
    a.expectedHigh = r.expectedHigh();
    a.score = r.score();
    a.threshold = config.alertThreshold();
    a.windowStart = p.windowStart;
    a.windowEnd = p.windowEnd;
    a.costBasis = p.costBasis;
    return a;
  }

  /** What the series describes, for a summary: the workload, or the team. */
  private static String subject(SeriesPoint p) {
    return p.workload != null ? p.workload : "team " + p.team;
  }

  private Alert resolved(Alert firing, SeriesPoint p, AnomalyResult r) {
    Alert a = alert(p, r, Alert.RESOLVED, firing.startsAt);
    a.severity = firing.severity;
    a.labels = firing.labels;
    a.endsAt = p.windowEnd;
    a.summary =
        String.format(
            Locale.ROOT,
            "%s of %s is back within its expected range",
            p.series.replace('_', ' '),
            subject(p));
    return a;
  }

  private static Alert copyOf(Alert a) {
    Alert c = new Alert();
    c.id = a.id;
    c.fingerprint = a.fingerprint;
    c.status = a.status;
    c.alertname = a.alertname;
    c.severity = a.severity;
    c.labels = new java.util.TreeMap<>(a.labels);
    c.summary = a.summary;
    c.description = a.description;
    c.startsAt = a.startsAt;
    c.endsAt = a.endsAt;
    c.observed = a.observed;
    c.expectedLow = a.expectedLow;
    c.expectedHigh = a.expectedHigh;
    c.score = a.score;
    c.threshold = a.threshold;
    c.windowStart = a.windowStart;
    c.windowEnd = a.windowEnd;
    c.costBasis = a.costBasis;
    return c;
  }
}
