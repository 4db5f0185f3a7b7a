package io.burnrate.jobs.allocation;

import static io.burnrate.jobs.allocation.Intervals.MINUTE;

import io.burnrate.connectors.kafka.DeadLetters;
import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.model.WorkloadProgress;
import io.burnrate.schemas.parse.Values;
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
 * The work step, keyed by pod ({@code namespace/pod}): joins each settled pod-minute with the
 * increase of the pod's progress counters ({@code samples_total}, {@code tokens_total}, {@code
 * requests_total}) over the same minute, with Prometheus reset semantics ({@link Counters}). A
 * counter reading older than the pod's newest adds nothing (the total increase is unchanged by it).
 * Readings later than the watermark go to {@link #DLQ} as late. State is released once the pod has
 * been quiet for {@link #QUIET_MILLIS} of event time.
 */
public final class PodProgressJoin
    extends KeyedCoProcessFunction<String, PodMinute, WorkloadProgress, PodMinute> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DLQ = new OutputTag<>("progress-dead-letters") {};

  private int dlqMaxPayloadBytes = DeadLetters.DEFAULT_MAX_PAYLOAD_BYTES;

  /** Bytes of a late reading's payload kept in its dead letter ({@code dlq.max-payload-bytes}). */
  public PodProgressJoin withDlqMaxPayloadBytes(int maxPayloadBytes) {
    this.dlqMaxPayloadBytes = maxPayloadBytes;
    return this;
  }

  /** Event time after which a quiet pod's counters are forgotten. */
  public static final long QUIET_MILLIS = 10 * MINUTE;

  private transient MapState<Long, PodMinute> minutes;
  private transient ValueState<PodMinute> lastAllocation;
  private transient MapState<Long, Increments> increments;
  private transient ValueState<ProgressState> progress;
  private transient Counter late;
  private transient Counter outOfOrder;

  @Override
  public void open(OpenContext ctx) {
    minutes =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pod-minutes", Types.LONG, TypeInformation.of(PodMinute.class)));
    increments =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "increments", Types.LONG, TypeInformation.of(Increments.class)));
    progress =
        getRuntimeContext().getState(new ValueStateDescriptor<>("progress", ProgressState.class));
    lastAllocation =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("last-allocation", PodMinute.class));
    late = getRuntimeContext().getMetricGroup().counter("lateProgress");
    outOfOrder = getRuntimeContext().getMetricGroup().counter("outOfOrderProgress");
  }

  @Override
  public void processElement1(PodMinute m, Context ctx, Collector<PodMinute> out) throws Exception {
    // a copy: with object reuse the runtime may refill the input object for the next record
    PodMinute held = minutes.get(m.minuteStart);
    if (held == null) {
      held = m.copy();
    } else {
      held.add(m); // the same pod name held GPUs twice in the minute (re-created, or moved)
    }
    minutes.put(m.minuteStart, held);
    ctx.timerService().registerEventTimeTimer(m.minuteStart + MINUTE - 1);
    touch(m.minuteStart + MINUTE - 1, ctx);
  }

  @Override
  public void processElement2(WorkloadProgress w, Context ctx, Collector<PodMinute> out)
      throws Exception {
    long ts = w.timestamp;
    long wm = ctx.timerService().currentWatermark();
    if (ts <= wm) {
      late.inc();
      String detail =
          "progress of "
              + w.podKey()
              + " at "
              + Values.iso(ts)
              + " arrived after its minute was settled (watermark "
              + Values.iso(wm)
              + ")";
      ctx.output(
          DLQ,
          DeadLetters.of(
              w.sourceTopic != null ? w.sourceTopic : Topics.TELEMETRY_WORKLOAD,
              w.sourcePartition,
              w.sourceOffset,
              w.sourceTimestamp,
              w.sourceKey,
              w.sourceValue != null
                  ? w.sourceValue
                  : w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
              DeadLetter.Reasons.LATE,
              detail,
              dlqMaxPayloadBytes));
      return;
    }
    ProgressState p = progress.value();
    if (p == null) {
      p = new ProgressState();
    }
    if (ts < p.lastTs) {
      outOfOrder.inc();
      return;
    }
    long minute = Intervals.floorMinute(ts);
    Increments inc = increments.get(minute);
    if (inc == null) {
      inc = new Increments();
    }
    if (!Double.isNaN(w.samplesTotal)) {
      inc.samples = Increments.add(inc.samples, Counters.increase(p.samplesTotal, w.samplesTotal));
      p.samplesTotal = w.samplesTotal;
    }
    if (!Double.isNaN(w.tokensTotal)) {
      inc.tokens = Increments.add(inc.tokens, Counters.increase(p.tokensTotal, w.tokensTotal));
      p.tokensTotal = w.tokensTotal;
    }
    if (!Double.isNaN(w.requestsTotal)) {
      inc.requests =
          Increments.add(inc.requests, Counters.increase(p.requestsTotal, w.requestsTotal));
      p.requestsTotal = w.requestsTotal;
    }
    if (!Double.isNaN(w.loss)) {
      inc.loss = w.loss;
    }
    if (!Double.isNaN(w.valLoss)) {
      inc.valLoss = w.valLoss;
    }
    if (!Double.isNaN(w.step)) {
      inc.step = w.step;
    }
    if (!Double.isNaN(w.totalSteps)) {
      inc.totalSteps = w.totalSteps;
    }
    inc.lossNonFinite |= w.lossNonFinite;
    p.lastTs = ts;
    p.cluster = w.cluster;
    increments.put(minute, inc);
    progress.update(p);
    ctx.timerService().registerEventTimeTimer(minute + MINUTE - 1);
    touch(ts, ctx);
  }

  private void touch(long t, Context ctx) throws Exception {
    ProgressState p = progress.value();
    if (p == null) {
      p = new ProgressState();
    }
    if (t > p.lastActivity) {
      p.lastActivity = t;
      progress.update(p);
      ctx.timerService().registerEventTimeTimer(QuietTimers.deadline(t, QUIET_MILLIS));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PodMinute> out)
      throws Exception {
    long minute = timestamp + 1 - MINUTE;
    if ((timestamp + 1) % MINUTE == 0) {
      PodMinute m = minutes.get(minute);
      Increments inc = increments.get(minute);
      ProgressState p = progress.value();
      if (m == null && inc != null && moved(inc)) {
        m =
            progressOnly(
                ctx.getCurrentKey(), minute, p == null ? null : p.cluster, lastAllocation.value());
      }
      if (m == null) {
        // no GPU held and no work done: nothing to report for this minute
        increments.remove(minute);
      } else {
        if (m.gpuSeconds > 0) {
          lastAllocation.update(m);
        }
        m.samples =
            value(inc == null ? Double.NaN : inc.samples, p == null ? Double.NaN : p.samplesTotal);
        m.tokens =
            value(inc == null ? Double.NaN : inc.tokens, p == null ? Double.NaN : p.tokensTotal);
        m.requests =
            value(
                inc == null ? Double.NaN : inc.requests, p == null ? Double.NaN : p.requestsTotal);
        if (inc != null) {
          m.loss = inc.loss;
          m.valLoss = inc.valLoss;
          m.step = inc.step;
          m.totalSteps = inc.totalSteps;
          m.lossNonFinite = inc.lossNonFinite;
        }
        out.collect(m);
        minutes.remove(minute);
        increments.remove(minute);
      }
    }
    ProgressState p = progress.value();
    if (p != null
        && timestamp >= p.lastActivity + QUIET_MILLIS
        && minutes.isEmpty()
        && increments.isEmpty()) {
      progress.clear();
      lastAllocation.clear();
    }
  }

  /** The minute's increase; 0 when the pod reports the counter but it did not move; else NaN. */
  private static double value(double increase, double lastReading) {
    if (!Double.isNaN(increase)) {
      return increase;
    }
    return Double.isNaN(lastReading) ? Double.NaN : 0.0;
  }

  private static boolean moved(Increments inc) {
    return inc.samples > 0 || inc.tokens > 0 || inc.requests > 0;
  }

  /**
   * A pod that did work in a minute in which it held no GPU we know of (e.g. its node is not known
   * to Kubernetes state yet): attributed to the pod's last known workload, without cost.
   */
  private static PodMinute progressOnly(
      String podKey, long minute, String cluster, PodMinute last) {
    PodMinute m = new PodMinute();
    m.cluster = cluster;
    m.podKey = podKey;
    int slash = podKey.indexOf('/');
    m.namespace = podKey.substring(0, slash);
    m.pod = podKey.substring(slash + 1);
    m.workload = m.namespace + "/Pod/" + m.pod;
    if (last != null) {
      m.workload = last.workload;
      m.team = last.team;
      m.project = last.project;
      m.costCenter = last.costCenter;
      m.cluster = last.cluster;
      m.node = last.node;
      m.instanceType = last.instanceType;
      m.capacityType = last.capacityType;
      m.region = last.region;
      m.gpuModel = last.gpuModel;
    }
    m.minuteStart = minute;
    m.costBasis = CostWindow.BASIS_UNPRICED;
    return m;
  }
}
