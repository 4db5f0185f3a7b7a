package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.jobs.BurnrateTestBase;
import io.burnrate.jobs.pricing.PriceHistory;
import io.burnrate.jobs.pricing.PriceUpdate;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeCostFunctionTest extends BurnrateTestBase {
  private static final long STALENESS = 15 * MINUTE;
  private static final String P4D = "p4d.24xlarge";
  private static final Offset<Double> EPS = within(1e-9);

  private KeyedBroadcastOperatorTestHarness<String, NodeEvent, PriceUpdate, PodMinute> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = harness(STALENESS);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static KeyedBroadcastOperatorTestHarness<String, NodeEvent, PriceUpdate, PodMinute>
      harness(long staleness) throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(
            new NodeCostFunction(RateCard.bundled(), staleness), List.of(PriceHistory.PRICES)),
        NodeEvent::nodeKey,
        Types.STRING,
        1,
        1,
        0);
  }

  /** Keyed state entries of the operator (the broadcast harness has no shortcut for it). */
  private int numKeyedStateEntries() {
    return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>)
            harness.getOperator().getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  private void send(NodeEvent e) throws Exception {
    harness.processElement(e, e.timestamp());
  }

  private void watermark(long t) throws Exception {
    // the pricing stream takes no part in event time (see BurnratePipeline)
    harness.processBroadcastWatermark(Long.MAX_VALUE);
    harness.processWatermark(t);
  }

  /** Main output since the last call. */
  private List<PodMinute> podMinutes() {
    List<PodMinute> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  /** Side output since the last call. */
  private <X> List<X> side(OutputTag<X> tag) {
    List<X> out = new ArrayList<>();
    Queue<StreamRecord<X>> q = harness.getSideOutput(tag);
    if (q != null) {
      q.forEach(r -> out.add(r.getValue()));
      q.clear();
    }
    return out;
  }

  /**
   * The keys of the node's "pods" map state as the backend holds them: null when there is no state
   * entry at all, empty when the entry is an empty map.
   */
  private Iterable<String> podsState() throws Exception {
    KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(NODE_KEY);
    MapState<String, PodSpan> pods =
        backend.getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            new MapStateDescriptor<>("pods", Types.STRING, TypeInformation.of(PodSpan.class)));
    return pods.keys();
  }

  /** Pods the operator keeps for the node (user-level map entries). */
  private int podsInState() throws Exception {
    Iterable<String> keys = podsState();
    int n = 0;
    if (keys != null) {
      for (String ignored : keys) {
        n++;
      }
    }
    return n;
  }

  /** Node at T0, a 4-GPU pod from T0 to T0+90 s with samples every 10 s on its GPUs. */
  private void firstNinetySeconds() throws Exception {
    send(nodeAdded(P4D, 8, t(0)));
    send(podScheduled("trainer", 4, t(0)));
    for (int s = 0; s <= 80; s += 10) {
      for (int gpu = 0; gpu < 4; gpu++) {
        send(sampleEvent(t(s), gpu, "trainer", 0.5));
      }
    }
    send(podEnded("trainer", 4, t(0), t(90)));
  }

  private static BigDecimal sumOfCosts(List<CostAllocation> rows) {
    return rows.stream().map(a -> a.cost).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void costsEachMinuteSettlesTheHourAndDrainsWhenTheNodeIsDeleted() throws Exception {
    firstNinetySeconds();

    watermark(t(60) - 1);

    List<PodMinute> first = podMinutes();
    assertThat(first).hasSize(1);
    PodMinute m1 = first.get(0);
    assertThat(m1.podKey).isEqualTo("ml/trainer");
    assertThat(m1.minuteStart).isEqualTo(t(0));
    assertThat(m1.gpuSeconds).isEqualTo(240.0);
    assertThat(m1.cost).isCloseTo(0.18298, EPS); // 240 x 21.9576 / 3600 / 8
    assertThat(m1.utilWeight).isEqualTo(240.0);
    assertThat(m1.utilWeighted / m1.utilWeight).isCloseTo(0.5, EPS);
    assertThat(m1.gpuModel).isEqualTo("NVIDIA A100-SXM4-40GB");
    assertThat(m1.instanceType).isEqualTo(P4D);
    List<CostWindow> idle1 = side(NodeCostFunction.IDLE);
    assertThat(idle1).hasSize(1);
    CostWindow w1 = idle1.get(0);
    assertThat(w1.kind).isEqualTo(CostWindow.KIND_IDLE);
    assertThat(w1.id).isEqualTo("idle/" + NODE_KEY + "/" + t(0));
    assertThat(w1.windowStart).isEqualTo(t(0));
    assertThat(w1.windowEnd).isEqualTo(t(60));
    assertThat(w1.idleGpuSeconds).isEqualTo(240.0);
    assertThat(w1.cost).isCloseTo(0.18298, EPS);
    assertThat(w1.wastedCost).isCloseTo(0.18298, EPS);
    assertThat(w1.costBasis).isEqualTo(CostWindow.BASIS_ESTIMATED);
    assertThat(side(NodeCostFunction.ALLOCATIONS)).as("hour not over").isEmpty();
    // node meta, pods, the next minute's telemetry, the hour in progress
    assertThat(numKeyedStateEntries()).isEqualTo(4);
    assertThat(podsInState()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    // a sample for the settled minute is late: its dead letter keeps the record's key and bytes
    NodeEvent lateSample = sampleEvent(t(30), 1, "trainer", 0.9);
    lateSample.sourceKey = "prod/ip-10-0-1-17/1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    lateSample.sourceValue =
        "{\"the\":\"original bytes\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    lateSample.sourceTimestamp = t(95);
    send(lateSample);
    send(sampleEvent(t(60) - 1, 2, "trainer", 0.9));
    List<DeadLetter> late = side(NodeCostFunction.DLQ);
    assertThat(late).hasSize(2);
    assertThat(late)
        .allSatisfy(
            d -> {
              assertThat(d.reason).isEqualTo(DeadLetter.Reasons.LATE);
              assertThat(d.sourceTopic).isEqualTo(Topics.TELEMETRY_GPU);
              assertThat(d.detail).contains(NODE_KEY);
            });
    assertThat(late.get(0).key).isEqualTo("prod/ip-10-0-1-17/1");
    assertThat(late.get(0).payload).isEqualTo("{\"the\":\"original bytes\"}");
    assertThat(late.get(0).sourceTimestamp).as("the Kafka record's timestamp").isEqualTo(t(95));
    assertThat(late.get(0).sourceOffset).isEqualTo(t(30));

    watermark(t(120) - 1);

    List<PodMinute> second = podMinutes();
    assertThat(second).hasSize(1);
    assertThat(second.get(0).minuteStart).isEqualTo(t(60));
    assertThat(second.get(0).gpuSeconds).isEqualTo(120.0); // 4 GPUs x 30 s
    assertThat(second.get(0).cost).isCloseTo(0.09149, EPS);
    assertThat(second.get(0).utilWeighted / second.get(0).utilWeight)
        .as("the late 0.9 samples did not count")
        .isCloseTo(0.5, EPS);
    List<CostWindow> idle2 = side(NodeCostFunction.IDLE);
    assertThat(idle2).hasSize(1);
    assertThat(idle2.get(0).idleGpuSeconds).isEqualTo(360.0);
    assertThat(idle2.get(0).cost).isCloseTo(0.27447, EPS);
    // the pod ended in that minute: it is forgotten (see podStateIsReleasedAfterTheMinuteItEnded)
    assertThat(podsInState()).isZero();

    send(nodeDeleted(P4D, 8, t(0), t(150)));
    watermark(t(180) - 1);

    assertThat(podMinutes()).isEmpty();
    List<CostWindow> idle3 = side(NodeCostFunction.IDLE);
    assertThat(idle3).hasSize(1);
    assertThat(idle3.get(0).idleGpuSeconds).isEqualTo(240.0); // 8 GPUs x 30 s
    assertThat(idle3.get(0).cost).isCloseTo(0.18298, EPS);

    // the partial hour: 150 s of 21.9576/h = 0.914900; the pod held 360 of 1200 GPU-seconds
    List<CostAllocation> rows = side(NodeCostFunction.ALLOCATIONS);
    assertThat(rows).hasSize(2);
    CostAllocation pod = rows.get(0);
    CostAllocation idle = rows.get(1);
    assertThat(pod.holderKind).isEqualTo(CostAllocation.HOLDER_POD);
    assertThat(pod.pod).isEqualTo("trainer");
    assertThat(pod.workload).isEqualTo("ml/Job/trainer");
    assertThat(pod.team).isEqualTo("research");
    assertThat(pod.gpus).isEqualTo(4);
    assertThat(pod.gpuSeconds).isEqualTo(360.0);
    assertThat(pod.cost).isEqualByComparingTo("0.274470");
    assertThat(pod.providerInstanceId).isEqualTo("i-0abc");
    assertThat(idle.holderKind).isEqualTo(CostAllocation.HOLDER_IDLE);
    assertThat(idle.gpuSeconds).isEqualTo(840.0);
    assertThat(idle.cost).isEqualByComparingTo("0.640430");
    assertThat(rows)
        .allSatisfy(
            a -> {
              assertThat(a.nodeHourCost).isEqualByComparingTo("0.914900");
              assertThat(a.nodeGpuSeconds).isEqualTo(1200.0);
              assertThat(a.hourStart).isEqualTo(t(0));
              assertThat(a.hourEnd).isEqualTo(t(3600));
            });
    assertThat(sumOfCosts(rows)).isEqualByComparingTo(rows.get(0).nodeHourCost);

    // state drains: nothing kept, no timer left
    assertThat(numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();

    watermark(t(7200));
    assertThat(podMinutes()).isEmpty();
    assertThat(side(NodeCostFunction.IDLE)).isEmpty();
    assertThat(side(NodeCostFunction.ALLOCATIONS)).isEmpty();
  }

  @Test
  void podStateIsReleasedAfterTheMinuteItEnded() throws Exception {
    firstNinetySeconds();
    watermark(t(60) - 1);
    // node meta, pods, the next minute's telemetry, the hour in progress
    assertThat(numKeyedStateEntries()).isEqualTo(4);
    assertThat(podsInState()).isEqualTo(1);

    watermark(t(120) - 1); // the pod ended at T0+90s

    assertThat(podsInState()).as("pods held by the node").isZero();
    assertThat(numKeyedStateEntries()).as("node meta and the hour in progress only").isEqualTo(2);
  }

  @Test
  void unpricedInstanceTypeIsReportedOnceAndCostsNull() throws Exception {
    send(nodeAdded("x9.mystery", 8, t(0)));
    send(event(nodeInfo("MODIFIED", "x9.mystery", 8, t(0), -1, t(10))));
    send(podScheduled("trainer", 4, t(0)));
    send(nodeDeleted("x9.mystery", 8, t(0), t(60)));

    watermark(t(120) - 1);

    List<DeadLetter> dlq = side(NodeCostFunction.DLQ);
    assertThat(dlq).hasSize(1);
    DeadLetter d = dlq.get(0);
    assertThat(d.reason).isEqualTo(DeadLetter.Reasons.UNPRICED);
    assertThat(d.key).isEqualTo(NODE_KEY);
    assertThat(d.sourceTopic).isEqualTo(Topics.K8S_EVENTS);
    assertThat(d.sourceTimestamp).isEqualTo(t(0));
    assertThat(d.detail).contains("x9.mystery");

    List<PodMinute> minutes = podMinutes();
    assertThat(minutes).hasSize(1);
    assertThat(minutes.get(0).gpuSeconds).isEqualTo(240.0);
    assertThat(minutes.get(0).cost).isNaN();
    assertThat(minutes.get(0).costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
    List<CostWindow> idle = side(NodeCostFunction.IDLE);
    assertThat(idle).hasSize(1);
    assertThat(idle.get(0).idleGpuSeconds).isEqualTo(240.0);
    assertThat(idle.get(0).cost).isNull();
    assertThat(idle.get(0).wastedCost).isNull();
    assertThat(idle.get(0).costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
    List<CostAllocation> rows = side(NodeCostFunction.ALLOCATIONS);
    assertThat(rows).hasSize(2);
    assertThat(rows)
        .allSatisfy(
            a -> {
              assertThat(a.cost).isNull();
              assertThat(a.nodeHourCost).isNull();
              assertThat(a.costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
            });
    assertThat(numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void hourBoundarySettlesThePreviousHour() throws Exception {
    send(nodeAdded(P4D, 8, t(-120)));
    send(podScheduled("trainer", 2, t(-120)));

    watermark(t(120) - 1);

    assertThat(podMinutes())
        .extracting(m -> m.minuteStart)
        .containsExactly(t(-120), t(-60), t(0), t(60));
    List<CostAllocation> hour9 = side(NodeCostFunction.ALLOCATIONS);
    // 120 s of the 09:00 hour: 21.9576 / 30 = 0.731920; the pod held 240 of 960 GPU-seconds
    assertThat(hour9).hasSize(2);
    assertThat(hour9).allSatisfy(a -> assertThat(a.hourStart).isEqualTo(t(-3600)));
    assertThat(hour9.get(0).cost).isEqualByComparingTo("0.182980");
    assertThat(hour9.get(1).cost).isEqualByComparingTo("0.548940");
    assertThat(sumOfCosts(hour9)).isEqualByComparingTo("0.731920");

    send(nodeDeleted(P4D, 8, t(-120), t(120)));
    watermark(t(180) - 1);

    List<CostAllocation> hour10 = side(NodeCostFunction.ALLOCATIONS);
    assertThat(hour10).hasSize(2);
    assertThat(hour10).allSatisfy(a -> assertThat(a.hourStart).isEqualTo(t(0)));
    assertThat(hour10).allSatisfy(a -> assertThat(a.nodeHourCost).isEqualByComparingTo("0.731920"));
    assertThat(sumOfCosts(hour10)).isEqualByComparingTo("0.731920");
    assertThat(numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void silentNodeSettlesItsOpenHourOnceAtItsEndThenIsReleased() throws Exception {
    harness.close();
    harness = harness(2 * MINUTE);
    harness.open();
    send(nodeAdded(P4D, 8, t(0)));

    watermark(t(600));

    // last heard of at T0: minutes [T0, T0+3min) are costed, then the node is silent
    assertThat(side(NodeCostFunction.IDLE))
        .extracting(w -> w.windowStart)
        .containsExactly(t(0), t(60), t(120));
    assertThat(side(NodeCostFunction.ALLOCATIONS)).as("the hour is still open").isEmpty();

    watermark(t(3600));
    List<CostAllocation> rows = side(NodeCostFunction.ALLOCATIONS);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).holderKind).isEqualTo(CostAllocation.HOLDER_IDLE);
    assertThat(rows.get(0).cost).isEqualByComparingTo("1.097880"); // 21.9576 x 3/60
    assertThat(numKeyedStateEntries()).as("kept for cost.node-retention").isPositive();

    watermark(t(0) + NodeCostFunction.DEFAULT_RETENTION_MILLIS + HOUR);
    assertThat(side(NodeCostFunction.ALLOCATIONS)).isEmpty();
    assertThat(side(NodeCostFunction.IDLE)).isEmpty();
    assertThat(numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void silentNodeHeardOfAgainKeepsItsPodsAndNeverSettlesAnHourTwice() throws Exception {
    harness.close();
    harness = harness(2 * MINUTE);
    harness.open();
    send(nodeAdded(P4D, 8, t(0)));
    send(podScheduled("a", 8, t(0)));
    send(sampleEvent(t(10), 0, "a", 0.5));

    watermark(t(1200)); // silent from T0+10 s: minutes 0-2 costed, then paused
    assertThat(podMinutes()).extracting(pm -> pm.minuteStart).containsExactly(t(0), t(60), t(120));

    for (int sec = 1230; sec < 3720; sec += 30) {
      send(sampleEvent(t(sec), 0, "a", 0.5)); // back at T0+20.5 min, in the same hour
    }
    watermark(t(3600) + 2 * MINUTE);

    assertThat(side(NodeCostFunction.DLQ)).isEmpty();
    List<PodMinute> resumed = podMinutes();
    assertThat(resumed).extracting(pm -> pm.minuteStart).first().isEqualTo(t(1200));
    assertThat(resumed).allMatch(pm -> pm.pod.equals("a"), "the pod was kept while silent");
    List<CostAllocation> rows = side(NodeCostFunction.ALLOCATIONS);
    assertThat(rows)
        .filteredOn(a -> a.hourStart == t(0))
        .as("one row per holder of the first hour: the pod, then the (empty) idle row")
        .extracting(a -> a.holderKind)
        .containsExactly(CostAllocation.HOLDER_POD, CostAllocation.HOLDER_IDLE);
    assertThat(rows).extracting(a -> a.id).doesNotHaveDuplicates();
    // 3 minutes before the silence and 40 from T0+20 min to the end of the hour, all the pod's
    CostAllocation first =
        rows.stream()
            .filter(a -> a.hourStart == t(0) && a.holderKind.equals(CostAllocation.HOLDER_POD))
            .findFirst()
            .get();
    assertThat(first.cost).isEqualByComparingTo("15.736280"); // 21.9576 x 43/60
  }

  @Test
  void podRecreatedUnderItsNameIsANewHolder() throws Exception {
    send(nodeAdded(P4D, 8, t(0)));
    // the watch runs ahead of telemetry: the first pod's end and its successor's start arrive
    // before the minutes they concern are settled (as a StatefulSet re-creates its pod)
    io.burnrate.schemas.model.PodInfo first = podInfo("db-0", 4, t(0), t(300), t(300));
    io.burnrate.schemas.model.PodInfo second = podInfo("db-0", 4, t(330), -1, t(330));
    second.uid = "uid-db-0-second";
    send(event(first));
    send(event(second));

    watermark(t(600) - 1);

    double gpuSeconds = podMinutes().stream().mapToDouble(pm -> pm.gpuSeconds).sum();
    // 4 GPUs x 300 s (first) + 4 GPUs x 270 s (second): none of it idle
    assertThat(gpuSeconds).isCloseTo(4 * 300 + 4 * 270, EPS);
  }

  @Test
  void podThatTelemetryStopsNamingIsEndedAfterTheGhostTimeout() throws Exception {
    send(nodeAdded(P4D, 8, t(0)));
    send(podScheduled("ghost", 1, t(0)));
    send(podScheduled("live", 1, t(0)));
    // the exporter labels GPUs with pods: "ghost" is named for 2 minutes, "live" all along
    for (int s = 0; s < 40 * 60; s += 30) {
      if (s < 120) {
        send(sampleEvent(t(s), 0, "ghost", 0.5));
      }
      send(sampleEvent(t(s), 1, "live", 0.5));
    }

    watermark(t(40 * 60) - 1);

    List<PodMinute> minutes = podMinutes();
    long lastGhostMinute =
        minutes.stream()
            .filter(pm -> pm.pod.equals("ghost"))
            .mapToLong(pm -> pm.minuteStart)
            .max()
            .getAsLong();
    // last named in minute 1 (confirmed to T0+2 min); ended 15 minutes later
    assertThat(lastGhostMinute).isEqualTo(t(16 * 60));
    assertThat(minutes).filteredOn(pm -> pm.pod.equals("live")).hasSize(40);
  }

  @Test
  void kubernetesEventsAheadOfTelemetryDoNotMakeEarlierMinutesLate() throws Exception {
    // the watch runs ahead: the node's first event is a pod starting at T0+5 min; a short pod
    // that ran from T0+1 min to T0+2 min and the telemetry of those minutes arrive afterwards
    send(podScheduled("later", 1, t(300)));
    send(nodeAdded(P4D, 8, t(0)));
    send(podEnded("short", 2, t(60), t(120)));
    for (int s = 60; s < 120; s += 10) {
      send(sampleEvent(t(s), 0, "short", 0.5));
      send(sampleEvent(t(s), 1, "short", 0.5));
    }

    watermark(t(360) - 1);

    assertThat(side(NodeCostFunction.DLQ)).as("nothing is late").isEmpty();
    double shortSeconds =
        podMinutes().stream()
            .filter(pm -> pm.pod.equals("short"))
            .mapToDouble(pm -> pm.gpuSeconds)
            .sum();
    assertThat(shortSeconds).isCloseTo(120.0, EPS);
    assertThat(side(NodeCostFunction.IDLE)).extracting(w -> w.windowStart).contains(t(0));
  }

  @Test
  void onceAMinuteIsSettledEarlierTelemetryIsLate() throws Exception {
    send(nodeAdded(P4D, 8, t(0)));
    watermark(t(120) - 1);
    send(sampleEvent(t(130), 0, null, 0.5)); // an open minute
    send(sampleEvent(t(120), 0, null, 0.5)); // the first instant after the watermark
    send(sampleEvent(t(50), 0, null, 0.5)); // its minute is settled

    assertThat(side(NodeCostFunction.DLQ))
        .extracting(d -> d.reason)
        .containsExactly(DeadLetter.Reasons.LATE);
  }

  @Test
  void nodeFirstSeenBehindTheWatermarkStartsAtTheNextMinute() throws Exception {
    watermark(t(30));
    send(nodeAdded(P4D, 8, t(0)));

    watermark(t(120) - 1);

    assertThat(side(NodeCostFunction.IDLE)).extracting(w -> w.windowStart).containsExactly(t(60));
  }

  @Test
  void stateSurvivesASnapshotAndRestoreMidHour() throws Exception {
    firstNinetySeconds();
    watermark(t(60) - 1);
    assertThat(podMinutes()).hasSize(1);
    OperatorSubtaskState snapshot = harness.snapshot(1L, t(60));
    harness.close();

    harness = harness(STALENESS);
    harness.initializeState(snapshot);
    harness.open();
    watermark(t(120) - 1);
    send(nodeDeleted(P4D, 8, t(0), t(150)));
    watermark(t(180) - 1);

    assertThat(podMinutes()).extracting(m -> m.gpuSeconds).containsExactly(120.0);
    List<CostAllocation> rows = side(NodeCostFunction.ALLOCATIONS);
    assertThat(rows)
        .extracting(a -> a.cost.toPlainString())
        .containsExactly("0.274470", "0.640430");
    assertThat(numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  private static PriceUpdate price(String type, String region, double perHour, long validFrom) {
    PriceUpdate u = new PriceUpdate();
    u.instanceType = type;
    u.capacityType = "on-demand";
    u.region = region;
    u.pricePerHour = perHour;
    u.currency = "USD";
    u.validFrom = validFrom;
    return u;
  }

  @Test
  void aPublishedPriceAppliesFromItsValidFromMinuteAndTheHourStillConserves() throws Exception {
    // $36/h from minute 30 on (the card says $21.9576/h); published before the hour is settled
    harness.processBroadcastElement(price(P4D, "us-east-1", 36.0, t(30 * 60)), t(0));
    send(nodeAdded(P4D, 8, t(0)));
    send(podScheduled("trainer", 4, t(0)));
    for (int s = 0; s < 3600; s += 300) {
      send(sampleEvent(t(s), 0, "trainer", 0.9));
    }
    watermark(t(3600) - 1);
    List<PodMinute> minutes = podMinutes();
    assertThat(minutes).hasSize(60);
    assertThat(minutes.get(29).cost).isCloseTo(240 * 21.9576 / 3600 / 8, EPS);
    assertThat(minutes.get(30).cost).isCloseTo(240 * 36.0 / 3600 / 8, EPS);
    List<CostAllocation> hour = side(NodeCostFunction.ALLOCATIONS);
    assertThat(hour).hasSize(2);
    // 30 min at 21.9576 + 30 min at 36 = 28.9788
    assertThat(hour.get(0).nodeHourCost).isEqualByComparingTo("28.978800");
    assertThat(sumOfCosts(hour)).isEqualByComparingTo("28.978800");
    assertThat(hour.get(0).cost).isEqualByComparingTo("14.489400");
  }

  @Test
  void aPublishedPriceForAllRegionsPricesANewInstanceType() throws Exception {
    harness.processBroadcastElement(price("x9.mystery", "*", 8.0, 0), t(0));
    send(nodeAdded("x9.mystery", 8, t(0)));
    send(podScheduled("trainer", 4, t(0)));
    watermark(t(60) - 1);
    assertThat(podMinutes().get(0).cost).isCloseTo(240 * 8.0 / 3600 / 8, EPS);
    assertThat(side(NodeCostFunction.DLQ)).as("priced, so no unpriced report").isEmpty();
  }
}
