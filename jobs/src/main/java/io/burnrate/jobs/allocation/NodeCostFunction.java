package io.burnrate.jobs.allocation;

import static io.burnrate.jobs.allocation.Intervals.HOUR;
import static io.burnrate.jobs.allocation.Intervals.MINUTE;

import io.burnrate.connectors.kafka.DeadLetters;
import io.burnrate.jobs.metrics.LabelledGauges;
import io.burnrate.jobs.onprem.EnergyMeter;
import io.burnrate.jobs.onprem.Site;
import io.burnrate.jobs.onprem.Sites;
import io.burnrate.jobs.pricing.PriceHistory;
import io.burnrate.jobs.pricing.PriceUpdate;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.model.GpuSample;
import io.burnrate.schemas.model.NodeInfo;
import io.burnrate.schemas.model.PodInfo;
import io.burnrate.schemas.parse.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The allocation step, keyed by {@code cluster/node}. Keeps the node (instance, price), the pods
 * bound to it (GPUs, start, end) and the minute's telemetry; when event time passes the end of a
 * minute, settles it with {@link MinuteAllocator}: one {@link PodMinute} per GPU-holding pod (main
 * output) and the node's idle GPU time and cost ({@link #IDLE}); when it passes the end of an hour,
 * settles the hour with {@link HourSettlement} ({@link #ALLOCATIONS}, conserving money exactly).
 *
 * <p>Minutes are settled on a chain of event-time timers, so that a node is costed even in minutes
 * without telemetry. The chain ends, and all state of the node is released, when the node is
 * deleted or has not been heard of for the configured staleness. Pods are released after the minute
 * in which they ended. Telemetry for a minute already settled goes to {@link #DLQ} as late.
 */
public final class NodeCostFunction
    extends KeyedBroadcastProcessFunction<String, NodeEvent, PriceUpdate, PodMinute> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<CostWindow> IDLE = new OutputTag<>("idle-windows") {};
  public static final OutputTag<CostAllocation> ALLOCATIONS =
      new OutputTag<>("cost-allocations") {};
  public static final OutputTag<DeadLetter> DLQ = new OutputTag<>("node-dead-letters") {};

  /** Prices published on {@code burnrate.config.pricing}, by instance type, capacity, region. */
  private final RateCard rateCard;

  private final Sites sites;
  private final long stalenessMillis;
  private final long retentionMillis;
  private final long ghostMillis;

  /** The default of {@code cost.node-retention}. */
  public static final long DEFAULT_RETENTION_MILLIS = 24 * HOUR;

  /** The default of {@code cost.pod-ghost-timeout}. */
  public static final long DEFAULT_GHOST_MILLIS = 15 * MINUTE;

  /** The bound of clusters in {@code burnrate_idle_cost_per_hour} per subtask. */
  public static final int MAX_CLUSTER_SERIES = 100;

  private transient ValueState<NodeMeta> meta;
  private transient MapState<String, PodSpan> pods;
  private transient MapState<Long, MinuteUsage> usage;
  private transient ValueState<HourAcc> hour;
  private transient Counter late;
  private transient Counter unpriced;
  private transient Counter ghosts;
  private transient LabelledGauges idleCostPerHour;

  private int dlqMaxPayloadBytes = DeadLetters.DEFAULT_MAX_PAYLOAD_BYTES;

  /** Bytes of a late sample's payload kept in its dead letter ({@code dlq.max-payload-bytes}). */
  public NodeCostFunction withDlqMaxPayloadBytes(int maxPayloadBytes) {
    this.dlqMaxPayloadBytes = maxPayloadBytes;
    return this;
  }

  public NodeCostFunction(RateCard rateCard, long stalenessMillis) {
    this(rateCard, Sites.none(), stalenessMillis);
  }

  public NodeCostFunction(RateCard rateCard, Sites sites, long stalenessMillis) {
    this(rateCard, sites, stalenessMillis, DEFAULT_RETENTION_MILLIS, DEFAULT_GHOST_MILLIS);
  }

  /**
   * @param stalenessMillis silence after which a node's minutes stop being settled ({@code
   *     cost.node-staleness})
   * @param retentionMillis silence after which a node's state is released ({@code
   *     cost.node-retention})
   * @param ghostMillis a running pod no pod-labelled GPU sample named for this long is ended
   *     ({@code cost.pod-ghost-timeout}); 0: never
   */
  public NodeCostFunction(
      RateCard rateCard,
      Sites sites,
      long stalenessMillis,
      long retentionMillis,
      long ghostMillis) {
    this.rateCard = rateCard;
    this.sites = sites;
    this.stalenessMillis = stalenessMillis;
    this.retentionMillis = Math.max(retentionMillis, stalenessMillis);
    this.ghostMillis = ghostMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    meta = getRuntimeContext().getState(new ValueStateDescriptor<>("node", NodeMeta.class));
    pods =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("pods", Types.STRING, TypeInformation.of(PodSpan.class)));
    usage =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "minute-usage", Types.LONG, TypeInformation.of(MinuteUsage.class)));
    hour = getRuntimeContext().getState(new ValueStateDescriptor<>("hour", HourAcc.class));
    late = getRuntimeContext().getMetricGroup().counter("lateSamples");
    unpriced = getRuntimeContext().getMetricGroup().counter("unpricedNodes");
    ghosts = getRuntimeContext().getMetricGroup().counter("ghostPodsEnded");
    idleCostPerHour =
        new LabelledGauges(
            getRuntimeContext().getMetricGroup(),
            "idleCostPerHour",
            List.of("cluster"),
            MAX_CLUSTER_SERIES,
            MINUTE);
  }

  @Override
  public void processElement(NodeEvent e, ReadOnlyContext ctx, Collector<PodMinute> out)
      throws Exception {
    long ts = e.timestamp();
    NodeMeta m = meta.value();
    if (m == null) {
      m = new NodeMeta();
      String key = ctx.getCurrentKey();
      int slash = key.indexOf('/');
      m.cluster = key.substring(0, slash);
      m.name = key.substring(slash + 1);
      m.costBasis = CostWindow.BASIS_UNPRICED;
    }
    if (e.sample != null) {
      if (!sample(e, m, ts, ctx)) {
        return;
      }
    } else if (e.node != null) {
      node(e.node, m, ctx);
    } else if (e.pod != null) {
      pod(e.pod, m);
    }
    m.lastSeen = Math.max(m.lastSeen, ts);
    if (!m.settledAny) {
      // the first minute to settle is the earliest one seen that starts after the watermark
      long wm = ctx.timerService().currentWatermark();
      long first = Intervals.floorMinute(ts);
      if (wm > Long.MIN_VALUE && first <= wm) {
        first = Intervals.floorMinute(wm) + MINUTE;
      }
      if (m.nextMinute == Long.MIN_VALUE || first < m.nextMinute) {
        m.nextMinute = first; // the timer of a later first minute becomes stale
        ctx.timerService().registerEventTimeTimer(m.nextMinute + MINUTE - 1);
      }
    }
    if (e.sample == null) {
      heard(m, ts); // samples mark their minute as they are recorded
    }
    meta.update(m);
  }

  /**
   * Marks the minute of a Kubernetes event about the node (or the first unsettled minute, for an
   * event about the past) as one in which the node was heard of: silence is decided per minute from
   * the events of that minute and before, never from events that arrived early, so that it does not
   * depend on how far ahead a partition was read.
   */
  private void heard(NodeMeta m, long ts) throws Exception {
    long minute = Math.max(Intervals.floorMinute(ts), m.nextMinute);
    MinuteUsage u = usage.get(minute);
    if (u == null) {
      u = new MinuteUsage();
    }
    if (!u.heard) {
      u.heard = true;
      usage.put(minute, u);
    }
  }

  /** Returns false when the sample was late (sent to the DLQ). */
  private boolean sample(NodeEvent e, NodeMeta m, long ts, ReadOnlyContext ctx) throws Exception {
    GpuSample s = e.sample;
    long wm = ctx.timerService().currentWatermark();
    if (ts <= wm || (m.settledAny && ts < m.nextMinute)) {
      late.inc();
      String detail =
          "GPU sample of "
              + ctx.getCurrentKey()
              + " at "
              + Values.iso(ts)
              + " arrived after its minute was settled (watermark "
              + (wm == Long.MIN_VALUE ? "none" : Values.iso(wm))
              + ")";
      ctx.output(
          DLQ,
          DeadLetters.of(
              e.sourceTopic,
              e.sourcePartition,
              e.sourceOffset,
              e.sourceTimestamp,
              e.sourceKey,
              e.sourceValue != null
                  ? e.sourceValue
                  : s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
              DeadLetter.Reasons.LATE,
              detail,
              dlqMaxPayloadBytes));
      return false;
    }
    long minute = Intervals.floorMinute(ts);
    MinuteUsage u = usage.get(minute);
    if (u == null) {
      u = new MinuteUsage();
    }
    double util = s.utilisation();
    if (!Double.isNaN(util)) {
      if (s.hasPod()) {
        String podKey = (s.namespace == null ? "default" : s.namespace) + "/" + s.pod;
        UtilAcc acc = u.byPod.computeIfAbsent(podKey, k -> new UtilAcc());
        acc.add(util, s.gpu);
        acc.addMemory(s.fbUsed, s.fbFree);
      } else {
        UtilAcc acc = u.unlabelled.computeIfAbsent(s.gpu, k -> new UtilAcc());
        acc.add(util, s.gpu);
        acc.addMemory(s.fbUsed, s.fbFree);
      }
    }
    if (m.site != null) {
      meter(m, s, minute, u);
    }
    if (s.modelName != null) {
      u.modelName = s.modelName;
      if (m.gpuModel == null) {
        m.gpuModel = s.modelName;
      }
    }
    u.gpusSeen = Math.max(u.gpusSeen, s.gpu + 1);
    u.heard = true;
    usage.put(minute, u);
    return true;
  }

  /**
   * An owned node's GPU energy since the GPU's previous sample, spread over the minutes of the
   * interval by time (so a tariff boundary splits it where it falls); the part of a minute already
   * settled goes to the first open one.
   */
  private void meter(NodeMeta m, GpuSample s, long minute, MinuteUsage current) throws Exception {
    EnergyMeter meter = m.meters.computeIfAbsent(s.gpu, g -> new EnergyMeter());
    long from = meter.lastAt;
    double joules = meter.sample(s.timestamp, s.totalEnergy, s.powerUsage);
    if (joules <= 0) {
      return;
    }
    long span = s.timestamp - from;
    for (long t = from; t < s.timestamp; ) {
      long pieceMinute = Intervals.floorMinute(t);
      long end = Math.min(s.timestamp, pieceMinute + MINUTE);
      double part = joules * (end - t) / span;
      long target = Math.max(pieceMinute, m.nextMinute);
      if (target == minute) {
        current.energyJoules += part;
      } else {
        MinuteUsage u = usage.get(target);
        if (u == null) {
          u = new MinuteUsage();
        }
        u.energyJoules += part;
        usage.put(target, u);
      }
      t = end;
    }
  }

  private void node(NodeInfo n, NodeMeta m, ReadOnlyContext ctx) throws Exception {
    String before = m.instanceType + "|" + m.capacityType + "|" + m.region;
    m.update(n);
    String after = m.instanceType + "|" + m.capacityType + "|" + m.region;
    if (m.site != null) {
      return; // owned: priced minute by minute from energy and amortisation
    }
    if (!m.priced() || !before.equals(after)) {
      applyPrice(m, n.timestamp, ctx);
      if (!m.priced() && !m.unpricedReported) {
        reportUnpriced(
            m,
            Topics.K8S_EVENTS,
            ": instance type '"
                + m.instanceType
                + "' ("
                + m.capacityType
                + ", "
                + m.region
                + ") has no price in the rate card; its cost is reported as null"
                + " (cost_basis=unpriced), never 0. Add it with pricing.rate-card or a price on "
                + Topics.CONFIG_PRICING
                + ".",
            n.timestamp,
            ctx);
      }
    }
  }

  /**
   * Sets the node's price in force at {@code at}: a price published on the pricing topic (exact
   * region, then {@code *}) wins over the rate card file and the bundled card.
   */
  private void applyPrice(NodeMeta m, long at, ReadOnlyContext ctx) throws Exception {
    if (m.instanceType == null) {
      return;
    }
    ReadOnlyBroadcastState<String, PriceHistory> published =
        ctx.getBroadcastState(PriceHistory.PRICES);
    PriceUpdate u = null;
    PriceHistory h = published.get(PriceHistory.key(m.instanceType, m.capacityType, m.region));
    if (h != null) {
      u = h.at(at);
    }
    if (u == null) {
      h = published.get(PriceHistory.key(m.instanceType, m.capacityType, "*"));
      u = h == null ? null : h.at(at);
    }
    if (u != null) {
      m.pricePerHour = u.pricePerHour;
      m.currency = u.currency;
      m.costBasis = CostWindow.BASIS_ESTIMATED;
      if (m.gpuCapacity == 0 && u.gpuCount > 0) {
        m.gpuCapacity = u.gpuCount;
      }
      return;
    }
    RateCard.Price p = rateCard.lookup(m.instanceType, m.capacityType, m.region);
    if (p != null) {
      m.pricePerHour = p.pricePerHour();
      m.currency = p.currency();
      m.costBasis = CostWindow.BASIS_ESTIMATED;
      if (m.gpuCapacity == 0) {
        m.gpuCapacity = p.gpuCount();
      }
    } else {
      m.pricePerHour = Double.NaN;
      m.costBasis = CostWindow.BASIS_UNPRICED;
    }
  }

  /**
   * Prices an owned node's minute: its GPUs' energy x the tariff in force x the overhead, plus the
   * minute's amortisation of the node, expressed as the hourly rate the allocation splits.
   */
  private void priceByEnergy(NodeMeta m, long minute, ReadOnlyContext ctx) throws Exception {
    Site site = sites.get(m.site);
    if (site == null) {
      m.pricePerHour = Double.NaN;
      m.costBasis = CostWindow.BASIS_UNPRICED;
      if (!m.unpricedReported) {
        reportUnpriced(
            m,
            Topics.K8S_EVENTS,
            " is labelled burnrate.io/site="
                + m.site
                + " but no such site is configured (onprem.sites-file); its cost is null"
                + " (cost_basis=unpriced), never 0.",
            minute,
            ctx);
      }
      return;
    }
    long from = m.created >= 0 ? Math.max(m.created, minute) : minute;
    long to = m.deleted >= 0 ? Math.min(m.deleted, minute + MINUTE) : minute + MINUTE;
    long millis = Math.max(0, to - from);
    if (millis == 0) {
      return;
    }
    MinuteUsage u = usage.get(minute);
    double joules = u == null ? 0 : u.energyJoules;
    double cost = site.energyCost(joules, minute) + site.amortisation(millis);
    m.pricePerHour = cost * HOUR / millis;
    m.minuteEnergyCost = site.energyCost(joules, minute);
    m.currency = site.currency();
    m.costBasis = CostWindow.BASIS_ENERGY;
  }

  @Override
  public void processBroadcastElement(PriceUpdate u, Context ctx, Collector<PodMinute> out)
      throws Exception {
    PriceHistory h = ctx.getBroadcastState(PriceHistory.PRICES).get(u.key());
    if (h == null) {
      h = new PriceHistory();
    }
    h.put(u);
    ctx.getBroadcastState(PriceHistory.PRICES).put(u.key(), h);
  }

  private void pod(PodInfo p, NodeMeta m) throws Exception {
    String key = PodSpan.key(p);
    PodSpan s = pods.get(key);
    boolean endedBeforeUnsettled = p.endTime >= 0 && m.settledAny && p.endTime <= m.nextMinute;
    if (endedBeforeUnsettled) {
      // everything this pod held is settled already; forget it
      if (s != null) {
        s.update(p);
        if (s.end >= 0 && s.end <= m.nextMinute) {
          pods.remove(key);
        }
      }
      return;
    }
    if (s == null) {
      s = PodSpan.of(p);
    } else {
      s.update(p);
    }
    pods.put(key, s);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PodMinute> out)
      throws Exception {
    NodeMeta m = meta.value();
    if (m == null) {
      return;
    }
    long minute = timestamp + 1 - MINUTE;
    if (minute != m.nextMinute) {
      return; // a stale timer of a previous chain
    }
    long minuteEnd = minute + MINUTE;
    MinuteUsage minuteUsage = usage.get(minute);
    if (minuteUsage != null && minuteUsage.heard) {
      m.lastHeardMinute = minute;
    }
    long silentFor = m.lastHeardMinute == Long.MIN_VALUE ? 0 : minute - m.lastHeardMinute;
    if (silentFor > stalenessMillis) {
      silentMinute(m, minute, silentFor, ctx);
      return;
    }
    if (!m.known && !m.unpricedReported) {
      reportUnpriced(
          m,
          Topics.TELEMETRY_GPU,
          " reports GPU telemetry but no Kubernetes Node event describes it, so its instance"
              + " type and price are unknown; its cost is null (cost_basis=unpriced). Check that"
              + " the telemetry 'cluster' label matches the cluster of the watch events"
              + " (cluster.default-name or the 'cluster' record header).",
          -1,
          ctx);
    }
    if (m.site != null) {
      priceByEnergy(m, minute, ctx);
    } else if (m.known) {
      applyPrice(m, minute, ctx); // a published price applies from its valid-from minute on
    }
    List<PodSpan> spans = new ArrayList<>();
    for (Map.Entry<String, PodSpan> e : pods.entries()) {
      PodSpan s = e.getValue();
      if (confirm(m, s, minuteUsage, minute)) {
        pods.put(e.getKey(), s);
      }
      spans.add(s);
    }
    MinuteAllocator.Result r = MinuteAllocator.settle(m, spans, minuteUsage, minute);
    if (m.site != null && m.priced()) {
      ownVersusCloud(m, r);
    }
    for (PodMinute pm : r.pods) {
      out.collect(pm);
    }
    if (r.idleGpuSeconds > 0) {
      CostWindow idle = idleWindow(m, r, minute);
      if (idle.cost != null) {
        idleCostPerHour.addToWindow(minute, idle.cost, idle.cluster);
      }
      ctx.output(IDLE, idle);
    }
    accumulateHour(m, r, minute, ctx);
    usage.remove(minute);
    releaseEndedPods(minuteEnd);
    m.nextMinute = minuteEnd;
    m.settledAny = true;
    boolean deleted = m.deleted >= 0 && m.deleted <= minuteEnd;
    // end of input (bounded run or stop with drain): cost only what was observed
    boolean endOfInput =
        ctx.timerService().currentWatermark() == Long.MAX_VALUE && minuteEnd > m.lastSeen;
    if (deleted || endOfInput) {
      release(m, ctx);
      return;
    }
    meta.update(m);
    ctx.timerService().registerEventTimeTimer(minuteEnd + MINUTE - 1);
  }

  /**
   * A minute of a node silent for longer than the staleness (no telemetry, no Kubernetes event):
   * not costed, its pods kept. The chain of minutes goes on, so that the node is costed again from
   * the first minute in which it is heard of, and an hour it had costed minutes in is settled once,
   * at its end. After the retention the node's state is released.
   */
  private void silentMinute(NodeMeta m, long minute, long silentFor, OnTimerContext ctx)
      throws Exception {
    long minuteEnd = minute + MINUTE;
    usage.remove(minute);
    releaseEndedPods(minuteEnd);
    if (minuteEnd % HOUR == 0) {
      settleHour(m, ctx);
    }
    m.nextMinute = minuteEnd;
    m.settledAny = true;
    boolean deleted = m.deleted >= 0 && m.deleted <= minuteEnd;
    // end of input: release only once past everything observed (a bounded run settles every
    // minute at the end of time, the silent ones among them)
    boolean endOfInput =
        ctx.timerService().currentWatermark() == Long.MAX_VALUE && minuteEnd > m.lastSeen;
    if (deleted || endOfInput || silentFor > retentionMillis) {
      release(m, ctx);
      return;
    }
    meta.update(m);
    ctx.timerService().registerEventTimeTimer(minuteEnd + MINUTE - 1);
  }

  private void releaseEndedPods(long minuteEnd) throws Exception {
    List<String> ended = new ArrayList<>();
    int held = 0;
    for (Map.Entry<String, PodSpan> e : pods.entries()) {
      held++;
      PodSpan s = e.getValue();
      if (s.end >= 0 && s.end <= minuteEnd) {
        ended.add(e.getKey());
      }
    }
    if (!ended.isEmpty() && ended.size() == held) {
      pods.clear(); // release the emptied map state, not only its entries
    } else {
      for (String k : ended) {
        pods.remove(k);
      }
    }
  }

  /** Settles the open hour and releases all state of the node. */
  private void release(NodeMeta m, OnTimerContext ctx) throws Exception {
    settleHour(m, ctx);
    meta.clear();
    pods.clear();
    usage.clear();
    hour.clear();
  }

  /**
   * Keeps track of when each pod was last confirmed, and ends a ghost: a running pod that no
   * pod-labelled GPU sample named for {@code ghostMillis} while the node's exporter labels its GPUs
   * with pods (a missed DELETE). Returns whether the span changed.
   */
  private boolean confirm(NodeMeta m, PodSpan s, MinuteUsage u, long minute) {
    long minuteEnd = minute + MINUTE;
    boolean labels = u != null && !u.byPod.isEmpty();
    if (labels) {
      m.lastPodLabels = minute;
      if (u.byPod.containsKey(s.podKey) && s.confirmed < minuteEnd) {
        s.confirmed = minuteEnd;
        return true;
      }
    }
    if (ghostMillis <= 0
        || s.fromTelemetry
        || s.end >= 0
        || s.start < 0
        || !s.holdsGpus()
        || m.lastPodLabels < minute - ghostMillis) {
      return false; // the exporter does not label pods (recently): nothing to resync from
    }
    long since = Math.max(s.confirmed, s.start);
    if (minute - since >= ghostMillis) {
      s.end = minute; // its GPUs are free from this minute on: the settled minutes stay as they are
      ghosts.inc();
      return true;
    }
    return false;
  }

  /**
   * Owned GPUs: each pod's share of the minute's energy, and what the same GPU-seconds would cost
   * on the closest cloud GPU type (on-demand and spot) from the rate card.
   */
  private void ownVersusCloud(NodeMeta m, MinuteAllocator.Result r) {
    RateCard.Price od = rateCard.closestCloud(m.gpuModel, "on-demand");
    RateCard.Price spot = rateCard.closestCloud(m.gpuModel, "spot");
    for (PodMinute pm : r.pods) {
      pm.site = m.site;
      if (r.nodeGpuSeconds > 0) {
        pm.energyCost = m.minuteEnergyCost * pm.gpuSeconds / r.nodeGpuSeconds;
      }
      if (od != null) {
        pm.cloudOnDemandCost = pm.gpuSeconds * od.pricePerHour() / od.gpuCount() / 3600.0;
      }
      if (spot != null) {
        pm.cloudSpotCost = pm.gpuSeconds * spot.pricePerHour() / spot.gpuCount() / 3600.0;
      }
    }
  }

  /** Says once, as a dead letter, that a node cannot be priced and why; counts it. */
  private void reportUnpriced(
      NodeMeta m, String topic, String why, long eventTime, ReadOnlyContext ctx) {
    m.unpricedReported = true;
    unpriced.inc();
    String node = m.cluster + "/" + m.name;
    DeadLetter d =
        DeadLetters.derived(topic, DeadLetter.Reasons.UNPRICED, "node " + node + why, node);
    d.sourceTimestamp = eventTime;
    ctx.output(DLQ, d);
  }

  private void accumulateHour(NodeMeta m, MinuteAllocator.Result r, long minute, OnTimerContext ctx)
      throws Exception {
    HourAcc acc = hour.value();
    long h = Intervals.floorHour(minute);
    if (acc != null && acc.hourStart != h) {
      settleHour(m, ctx);
      acc = null;
    }
    if (acc == null) {
      acc = new HourAcc();
      acc.hourStart = h;
    }
    acc.nodeMillis += (long) r.nodeMillis;
    acc.addCost(m, (long) r.nodeMillis);
    acc.nodeGpuSeconds += r.nodeGpuSeconds;
    for (PodMinute pm : r.pods) {
      HourAcc.HolderAcc ha = acc.holders.get(pm.podKey);
      if (ha == null) {
        ha = new HourAcc.HolderAcc();
        ha.podKey = pm.podKey;
        ha.namespace = pm.namespace;
        ha.pod = pm.pod;
        ha.workload = pm.workload;
        ha.team = pm.team;
        ha.project = pm.project;
        ha.costCenter = pm.costCenter;
        acc.holders.put(pm.podKey, ha);
      }
      ha.gpus = Math.max(ha.gpus, pm.gpus);
      ha.gpuSeconds += pm.gpuSeconds;
    }
    if ((minute + MINUTE) % HOUR == 0) {
      hour.update(acc);
      settleHour(m, ctx);
    } else {
      hour.update(acc);
    }
  }

  private void settleHour(NodeMeta m, OnTimerContext ctx) throws Exception {
    HourAcc acc = hour.value();
    if (acc == null) {
      return;
    }
    for (CostAllocation a : HourSettlement.settle(m, acc)) {
      ctx.output(ALLOCATIONS, a);
    }
    hour.clear();
  }

  private static CostWindow idleWindow(NodeMeta m, MinuteAllocator.Result r, long minute) {
    CostWindow w = new CostWindow();
    w.kind = CostWindow.KIND_IDLE;
    w.id = "idle/" + m.cluster + "/" + m.name + "/" + minute;
    w.windowStart = minute;
    w.windowEnd = minute + MINUTE;
    w.cluster = m.cluster;
    w.node = m.name;
    w.instanceType = m.instanceType;
    w.capacityType = m.capacityType;
    w.region = m.region;
    w.gpuModel = m.gpuModel;
    w.idleGpuSeconds = r.idleGpuSeconds;
    w.site = m.site;
    if (m.site != null && m.priced() && r.nodeGpuSeconds > 0) {
      w.energyCost = m.minuteEnergyCost * r.idleGpuSeconds / r.nodeGpuSeconds;
    }
    w.efficiency = 0.0;
    if (m.priced()) {
      w.cost = r.idleCost;
      w.wastedCost = r.idleCost;
      w.costBasis = m.costBasis;
      w.currency = m.currency;
    } else {
      w.costBasis = CostWindow.BASIS_UNPRICED;
    }
    w.emittedAt = minute + MINUTE;
    return w;
  }
}
