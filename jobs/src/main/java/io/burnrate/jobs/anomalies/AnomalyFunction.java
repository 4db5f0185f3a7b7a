package io.burnrate.jobs.anomalies;

import io.burnrate.jobs.alerting.Ids;
import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.schemas.model.Alert;
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
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The anomaly step, keyed by a family of series ({@code cluster|family|series}, see {@link
 * AnomalySeries#family}): runs the production detector ({@link AnomalyDetector}) over each run's
 * series and publishes one {@link Alert} when an anomaly starts ({@code firing}) and one when it
 * ends ({@code resolved}), with the observed value, the expected range and the score as evidence.
 *
 * <p>The runs of one family (the nightly job's runs, a sweep's trials) keep a model each. A new run
 * starts from the model of its family's latest run that had learned enough ({@link
 * AnomalyDetector#seed}), so a 40-minute job is scored after {@link
 * AnomalyDetector#SEEDED_WARMUP_POINTS} points instead of never. A run silent for {@link
 * #QUIET_MILLIS} of event time (its workload ended) resolves any open alert and releases its model;
 * the family keeps its latest mature model as the seed of the next run for {@link
 * #PRIOR_RETENTION_MILLIS} after it was last heard of.
 */
public final class AnomalyFunction extends KeyedProcessFunction<String, SeriesPoint, Alert> {
  private static final long serialVersionUID = 1L;

  /** Event time after which a silent run is forgotten. */
  public static final long QUIET_MILLIS = 6 * 3_600_000L;

  /** Event time for which a family with no running series keeps the seed of its next run. */
  public static final long PRIOR_RETENTION_MILLIS = 30 * 86_400_000L;

  private static final Map<String, String> NAMES =
      Map.of(
          AnomalySeries.COST_RATE, "CostRateAnomaly",
          AnomalySeries.UTILIZATION, "UtilizationAnomaly",
          AnomalySeries.THROUGHPUT, "ThroughputAnomaly",
          AnomalySeries.COST_PER_SAMPLE, "CostPerSampleAnomaly",
          AnomalySeries.TEAM_COST_RATE, "TeamCostRateAnomaly");

  private final DetectorConfig config;
  private transient AnomalyDetector detector;
  private transient MapState<String, DetectorState> models;
  private transient MapState<String, Alert> open;
  private transient MapState<String, Long> lastSeen;
  private transient ValueState<DetectorState> prior;
  private transient ValueState<Long> familySeen;
  private transient Counter fired;
  private transient Counter seeded;

  public AnomalyFunction(DetectorConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext ctx) {
    detector = new AnomalyDetector(config);
    models =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "run-models",
                    TypeInformation.of(String.class),
                    TypeInformation.of(DetectorState.class)));
    open =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "open-alerts",
                    TypeInformation.of(String.class),
                    TypeInformation.of(Alert.class)));
    lastSeen =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "run-last-seen",
                    TypeInformation.of(String.class),
                    TypeInformation.of(Long.class)));
    prior =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("family-seed", DetectorState.class));
    familySeen =
        getRuntimeContext().getState(new ValueStateDescriptor<>("family-last-seen", Long.class));
    fired = getRuntimeContext().getMetricGroup().counter("anomalyAlertsFired");
    seeded = getRuntimeContext().getMetricGroup().counter("anomalyRunsSeeded");
  }

  /** The run a point belongs to: its workload, or the series itself for a team's series. */
  private static String run(SeriesPoint p) {
    return p.workload != null ? p.workload : p.key;
  }

  @Override
  public void processElement(SeriesPoint p, Context ctx, Collector<Alert> out) throws Exception {
    String run = run(p);
    Long seen = lastSeen.get(run);
    // A point after a silence longer than the timeout (in event time) ends the old series first,
    // as the quiet timer does, whichever of the two reaches this operator first.
    if (seen != null && QuietTimers.deadline(seen, QUIET_MILLIS) < p.windowEnd) {
      stopped(run, seen, out);
    }
    DetectorState s = models.get(run);
    if (s == null) {
      s = startRun();
    }
    AnomalyResult r = detector.score(s, p.windowEnd, p.value);
    models.put(run, s);
    Alert current = open.get(run);
    if (r.alertStarted() && current == null) {
      Alert a = alert(p, r, Alert.FIRING, p.windowEnd);
      open.put(run, copyOf(a));
      fired.inc();
      out.collect(a);
    } else if (!r.alert() && current != null) {
      out.collect(resolved(current, p, r));
      open.remove(run);
    }
    lastSeen.put(run, p.windowEnd);
    Long family = familySeen.value();
    if (family == null || family < p.windowEnd) {
      familySeen.update(p.windowEnd);
    }
    ctx.timerService().registerEventTimeTimer(QuietTimers.deadline(p.windowEnd, QUIET_MILLIS));
  }

  /**
   * The model a new run starts from: a copy of the family's most recently heard mature run, else
   * its kept seed, else an empty model.
   */
  private DetectorState startRun() throws Exception {
    DetectorState best = null;
    long bestSeen = Long.MIN_VALUE;
    for (Map.Entry<String, DetectorState> e : models.entries()) {
      Long t = lastSeen.get(e.getKey());
      if (detector.mature(e.getValue()) && t != null && t > bestSeen) {
        best = e.getValue();
        bestSeen = t;
      }
    }
    if (best == null) {
      best = prior.value();
    }
    if (best == null) {
      return new DetectorState();
    }
    seeded.inc();
    return detector.seed(best);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
    List<Map.Entry<String, Long>> quiet = new ArrayList<>();
    boolean running = false;
    for (Map.Entry<String, Long> e : lastSeen.entries()) {
      if (timestamp >= e.getValue() + QUIET_MILLIS) {
        quiet.add(Map.entry(e.getKey(), e.getValue()));
      } else {
        running = true;
      }
    }
    for (Map.Entry<String, Long> e : quiet) {
      stopped(e.getKey(), e.getValue(), out);
    }
    Long family = familySeen.value();
    if (running || family == null) {
      return;
    }
    if (timestamp >= family + PRIOR_RETENTION_MILLIS) {
      prior.clear();
      familySeen.clear();
    } else if (prior.value() != null) {
      ctx.timerService()
          .registerEventTimeTimer(QuietTimers.deadline(family, PRIOR_RETENTION_MILLIS));
    } else {
      familySeen.clear();
    }
  }

  /**
   * A run went quiet: its open alert resolves, its model becomes the family's seed if it had
   * learned enough (and is the newest such), and its state goes.
   */
  private void stopped(String run, long seen, Collector<Alert> out) throws Exception {
    Alert current = open.get(run);
    if (current != null) {
      Alert r = copyOf(current);
      r.status = Alert.RESOLVED;
      r.endsAt = seen;
      r.id = r.fingerprint + "/" + r.startsAt + "/" + Alert.RESOLVED;
      r.summary = current.summary + " (resolved: the series stopped reporting)";
      out.collect(r);
    }
    DetectorState s = models.get(run);
    if (s != null && detector.mature(s)) {
      DetectorState kept = prior.value();
      if (kept == null || kept.lastTimestamp <= s.lastTimestamp) {
        prior.update(s);
      }
    }
    models.remove(run);
    open.remove(run);
    lastSeen.remove(run);
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
            "%s of %s %s",
            p.series.replace('_', ' '),
            subject(p),
            r.observed() > r.expectedHigh()
                ? "is above its expected range"
                : r.observed() < r.expectedLow()
                    ? "is below its expected range"
                    : "moves in a sequence of levels new to it");
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
