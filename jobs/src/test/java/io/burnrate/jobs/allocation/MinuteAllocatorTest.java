package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.jobs.BurnrateTestBase;
import io.burnrate.schemas.model.CostWindow;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MinuteAllocatorTest extends BurnrateTestBase {
  /** $32.7726 per instance-hour over 8 GPUs: $0.0011379375 per GPU-second. */
  private static final double PRICE = 32.7726;

  private static final double PER_GPU_SECOND = 0.0011379375;
  private static final Offset<Double> EPS = within(1e-9);

  private static Map<String, PodMinute> byPod(MinuteAllocator.Result r) {
    return r.pods.stream().collect(Collectors.toMap(m -> m.podKey, Function.identity()));
  }

  @Test
  void splitsTheMinuteByGpuSecondsAndCallsTheRestIdle() {
    NodeMeta node = nodeMeta(8, PRICE);
    PodSpan full = podSpan("ml/trainer", 4, t(-600), -1);
    PodSpan half = podSpan("ml/eval", 2, t(30), -1);

    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(full, half), null, t(0));

    assertThat(r.nodeMillis).isEqualTo(60_000.0);
    assertThat(r.capacity).isEqualTo(8);
    assertThat(r.nodeGpuSeconds).isEqualTo(480.0);
    Map<String, PodMinute> pods = byPod(r);
    assertThat(pods).containsOnlyKeys("ml/trainer", "ml/eval");
    assertThat(pods.get("ml/trainer").gpuSeconds).isEqualTo(240.0);
    assertThat(pods.get("ml/eval").gpuSeconds).isEqualTo(60.0);
    assertThat(r.idleGpuSeconds).isEqualTo(180.0);

    assertThat(r.pricePerGpuSecond).isCloseTo(PER_GPU_SECOND, within(1e-15));
    assertThat(pods.get("ml/trainer").cost).isCloseTo(0.27310500, EPS); // 240 x 0.0011379375
    assertThat(pods.get("ml/eval").cost).isCloseTo(0.06827625, EPS); // 60 x 0.0011379375
    assertThat(r.idleCost).isCloseTo(0.20482875, EPS); // 180 x 0.0011379375
    // the three add up to one node-minute: 32.7726 / 60
    assertThat(pods.get("ml/trainer").cost + pods.get("ml/eval").cost + r.idleCost)
        .isCloseTo(0.546210, EPS);
    // the idle cost attributed to the holders by GPU-seconds (240 : 60)
    assertThat(pods.get("ml/trainer").idleShareCost).isCloseTo(0.20482875 * 0.8, EPS);
    assertThat(pods.get("ml/eval").idleShareCost).isCloseTo(0.20482875 * 0.2, EPS);

    PodMinute m = pods.get("ml/trainer");
    assertThat(m.costBasis).isEqualTo(CostWindow.BASIS_ESTIMATED);
    assertThat(m.currency).isEqualTo("USD");
    assertThat(m.minuteStart).isEqualTo(t(0));
    assertThat(m.gpus).isEqualTo(4);
    assertThat(m.node).isEqualTo(NODE);
    assertThat(m.cluster).isEqualTo(CLUSTER);
    assertThat(m.workload).isEqualTo("ml/Job/trainer");
    assertThat(m.team).isEqualTo("research");
    assertThat(m.utilWeight).as("no telemetry").isZero();
    assertThat(m.samples).as("not joined yet").isNaN();
    assertThat(m.partMinute).as("held the whole minute").isFalse();
    assertThat(pods.get("ml/eval").partMinute).as("started at :30").isTrue();
  }

  @Test
  void utilisationFromSamplesLabelledWithThePod() {
    NodeMeta node = nodeMeta(8, PRICE);
    PodSpan full = podSpan("ml/trainer", 4, t(-600), -1);
    PodSpan half = podSpan("ml/eval", 2, t(30), -1);
    MinuteUsage u = new MinuteUsage();
    UtilAcc trainer = new UtilAcc();
    for (int gpu = 0; gpu < 4; gpu++) {
      trainer.add(0.5, gpu);
      trainer.add(0.7, gpu);
    }
    u.byPod.put("ml/trainer", trainer);
    UtilAcc eval = new UtilAcc();
    eval.add(0.9, 4); // only one of its two GPUs reported
    eval.add(0.3, 4);
    u.byPod.put("ml/eval", eval);

    Map<String, PodMinute> pods = byPod(MinuteAllocator.settle(node, List.of(full, half), u, t(0)));

    PodMinute t = pods.get("ml/trainer");
    assertThat(t.utilWeight).isEqualTo(240.0); // full coverage
    assertThat(t.utilWeighted / t.utilWeight).isCloseTo(0.6, EPS);
    PodMinute e = pods.get("ml/eval");
    assertThat(e.utilWeight).isEqualTo(30.0); // 60 GPU-s x 1/2 of its GPUs covered
    assertThat(e.utilWeighted).isCloseTo(0.6 * 30, EPS);
  }

  @Test
  void unlabelledSamplesGoToPodsInStartOrder() {
    NodeMeta node = nodeMeta(8, PRICE);
    // "aaa" sorts first by name but started later: it gets the GPUs after "zzz"'s
    PodSpan late = podSpan("ml/aaa", 2, t(-300), -1);
    PodSpan early = podSpan("ml/zzz", 4, t(-600), -1);
    MinuteUsage u = new MinuteUsage();
    for (int gpu = 0; gpu < 8; gpu++) {
      UtilAcc a = new UtilAcc();
      a.add(gpu / 10.0, gpu);
      u.unlabelled.put(gpu, a);
    }
    u.gpusSeen = 8;

    Map<String, PodMinute> pods =
        byPod(MinuteAllocator.settle(node, List.of(late, early), u, t(0)));

    // zzz: GPUs 0-3 -> mean 0.15; aaa: GPUs 4-5 -> mean 0.45; GPUs 6-7 are idle GPUs
    assertThat(pods.get("ml/zzz").utilWeight).isEqualTo(240.0);
    assertThat(pods.get("ml/zzz").utilWeighted / 240.0).isCloseTo(0.15, EPS);
    assertThat(pods.get("ml/aaa").utilWeight).isEqualTo(120.0);
    assertThat(pods.get("ml/aaa").utilWeighted / 120.0).isCloseTo(0.45, EPS);
  }

  @Test
  void unlabelledSamplesAreFreeGpusWhenTheExporterLabelsPods() {
    NodeMeta node = nodeMeta(8, PRICE);
    PodSpan trainer = podSpan("ml/trainer", 4, t(-600), -1);
    MinuteUsage u = new MinuteUsage();
    UtilAcc labelled = new UtilAcc();
    for (int gpu = 4; gpu < 8; gpu++) {
      labelled.add(0.9, gpu); // the trainer holds GPUs 4-7, as the exporter says
    }
    u.byPod.put("ml/trainer", labelled);
    for (int gpu = 0; gpu < 4; gpu++) {
      UtilAcc free = new UtilAcc();
      free.add(0.0, gpu); // GPUs 0-3 are free: empty pod labels
      u.unlabelled.put(gpu, free);
    }
    u.gpusSeen = 8;

    PodMinute m = byPod(MinuteAllocator.settle(node, List.of(trainer), u, t(0))).get("ml/trainer");

    assertThat(m.utilWeighted / m.utilWeight).as("free GPUs do not dilute it").isCloseTo(0.9, EPS);
  }

  @Test
  void podSeenOnlyInTelemetryHoldsItsGpusForTheWholeMinute() {
    NodeMeta node = nodeMeta(8, PRICE);
    PodSpan trainer = podSpan("ml/trainer", 4, t(-600), -1);
    MinuteUsage u = new MinuteUsage();
    UtilAcc ghost = new UtilAcc();
    ghost.add(0.2, 6);
    ghost.add(0.4, 7);
    u.byPod.put("ml/ghost", ghost);

    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(trainer), u, t(0));

    Map<String, PodMinute> pods = byPod(r);
    PodMinute g = pods.get("ml/ghost");
    assertThat(g).isNotNull();
    assertThat(g.gpus).isEqualTo(2);
    assertThat(g.gpuSeconds).isEqualTo(120.0);
    assertThat(g.namespace).isEqualTo("ml");
    assertThat(g.pod).isEqualTo("ghost");
    assertThat(g.workload).isEqualTo("ml/Pod/ghost");
    assertThat(g.utilWeighted / g.utilWeight).isCloseTo(0.3, EPS);
    assertThat(g.cost).isCloseTo(120 * PER_GPU_SECOND, EPS);
    assertThat(r.idleGpuSeconds).isEqualTo(120.0); // 480 - 240 - 120
  }

  @Test
  void unpricedNodeHasNoCostButStillSplitsGpuTime() {
    NodeMeta node = nodeMeta(8, Double.NaN);
    PodSpan trainer = podSpan("ml/trainer", 4, t(-600), -1);

    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(trainer), null, t(0));

    PodMinute m = r.pods.get(0);
    assertThat(m.gpuSeconds).isEqualTo(240.0);
    assertThat(m.cost).isNaN();
    assertThat(m.costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
    assertThat(m.currency).isNull();
    assertThat(r.idleGpuSeconds).isEqualTo(240.0);
    assertThat(r.idleCost).isNaN();
    assertThat(r.pricePerGpuSecond).isNaN();
  }

  @Test
  void overRequestedNodeIsScaledDownSoThatIdleIsNeverNegative() {
    NodeMeta node = nodeMeta(8, PRICE);
    PodSpan a = podSpan("ml/a", 6, t(-600), -1);
    PodSpan b = podSpan("ml/b", 6, t(-600), -1);

    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(a, b), null, t(0));

    // 720 GPU-s requested on 480 offered: scaled by 2/3
    Map<String, PodMinute> pods = byPod(r);
    assertThat(pods.get("ml/a").gpuSeconds).isCloseTo(240.0, EPS);
    assertThat(pods.get("ml/b").gpuSeconds).isCloseTo(240.0, EPS);
    assertThat(r.idleGpuSeconds).isGreaterThanOrEqualTo(0.0).isCloseTo(0.0, EPS);
    assertThat(pods.get("ml/a").cost + pods.get("ml/b").cost).isCloseTo(0.546210, EPS);
  }

  @Test
  void nodeCreatedMidMinuteCountsOnlyFromItsCreation() {
    NodeMeta node = nodeMeta(8, PRICE);
    node.created = t(20);
    PodSpan trainer = podSpan("ml/trainer", 4, t(30), -1);

    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(trainer), null, t(0));

    assertThat(r.nodeMillis).isEqualTo(40_000.0);
    assertThat(r.nodeGpuSeconds).isEqualTo(320.0);
    assertThat(r.pods.get(0).gpuSeconds).isEqualTo(120.0);
    assertThat(r.idleGpuSeconds).isEqualTo(200.0);
    assertThat(r.idleCost).isCloseTo(200 * PER_GPU_SECOND, EPS);
  }

  @Test
  void nodeDeletedMidMinuteCountsOnlyUntilItsDeletion() {
    NodeMeta node = nodeMeta(8, PRICE);
    node.created = t(-3600);
    node.deleted = t(45);
    PodSpan trainer = podSpan("ml/trainer", 4, t(-600), -1);

    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(trainer), null, t(0));

    assertThat(r.nodeMillis).isEqualTo(45_000.0);
    assertThat(r.nodeGpuSeconds).isEqualTo(360.0);
    assertThat(r.pods.get(0).gpuSeconds).isEqualTo(180.0);
    assertThat(r.idleGpuSeconds).isEqualTo(180.0);
  }

  @Test
  void nodeGoneBeforeTheMinuteSettlesNothing() {
    NodeMeta node = nodeMeta(8, PRICE);
    node.deleted = t(-1);
    MinuteAllocator.Result r =
        MinuteAllocator.settle(node, List.of(podSpan("ml/a", 4, t(-600), -1)), null, t(0));
    assertThat(r.nodeMillis).isZero();
    assertThat(r.pods).isEmpty();
    assertThat(r.nodeGpuSeconds).isZero();
  }

  @Test
  void podsWithoutGpusNotStartedOrAlreadyEndedHoldNothing() {
    NodeMeta node = nodeMeta(8, PRICE);
    List<PodSpan> spans =
        List.of(
            podSpan("ml/cpu-only", 0, t(-600), -1),
            podSpan("ml/pending", 4, -1, -1),
            podSpan("ml/done", 4, t(-600), t(0)));

    MinuteAllocator.Result r = MinuteAllocator.settle(node, spans, null, t(0));

    assertThat(r.pods).isEmpty();
    assertThat(r.idleGpuSeconds).isEqualTo(480.0);
  }

  @Test
  void unknownCapacityFallsBackToWhatWasSeenOrRequested() {
    NodeMeta node = nodeMeta(0, PRICE);
    MinuteUsage u = new MinuteUsage();
    u.gpusSeen = 2;
    MinuteAllocator.Result r =
        MinuteAllocator.settle(node, List.of(podSpan("ml/a", 4, t(-600), -1)), u, t(0));
    assertThat(r.capacity).isEqualTo(4);
    assertThat(r.idleGpuSeconds).isZero();
  }

  @Test
  void migSlicesAreChargedByTheirShareOfTheGpu() {
    NodeMeta node = nodeMeta(8, PRICE); // 8 x A100-40GB, mixed MIG strategy
    PodSpan big = podSpan("ml/big", 0, t(-600), -1);
    big.migGpuFraction = 2 * 3 / 7.0; // two 3g.20gb instances
    PodSpan small = podSpan("ml/small", 0, t(-600), -1);
    small.migGpuFraction = 1 / 7.0; // one 1g.5gb
    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(big, small), null, t(0));
    Map<String, PodMinute> pods = byPod(r);
    assertThat(pods.get("ml/big").gpuSeconds).isCloseTo(60 * 6 / 7.0, EPS);
    assertThat(pods.get("ml/small").gpuSeconds).isCloseTo(60 / 7.0, EPS);
    assertThat(r.idleGpuSeconds).isCloseTo(480 - 60, EPS); // one GPU's worth of slices is held
    assertThat(pods.get("ml/big").cost).isCloseTo(60 * 6 / 7.0 * PER_GPU_SECOND, EPS);
    assertThat(pods.get("ml/big").cost + pods.get("ml/small").cost + r.idleCost)
        .isCloseTo(PRICE / 60, EPS);
  }

  @Test
  void singleStrategyMigDevicesCountAsTheirProfileShare() {
    NodeMeta node = nodeMeta(8, PRICE);
    node.gpuUnitShare = 1 / 7.0; // every nvidia.com/gpu is a 1g.5gb instance
    PodSpan p = podSpan("ml/infer", 2, t(-600), -1);
    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(p), null, t(0));
    assertThat(byPod(r).get("ml/infer").gpuSeconds).isCloseTo(60 * 2 / 7.0, EPS);
  }

  @Test
  void aTimeSlicedGpuIsSharedByThePodsThatRanOnIt() {
    NodeMeta node = nodeMeta(1, 0.8048); // one L4, four replicas
    node.gpuUnitShare = 0.25;
    node.gpuReplicas = 4;
    PodSpan a = podSpan("ml/a", 1, t(-600), -1);
    PodSpan b = podSpan("ml/b", 1, t(-600), -1);
    MinuteAllocator.Result r = MinuteAllocator.settle(node, List.of(a, b), null, t(0));
    Map<String, PodMinute> pods = byPod(r);
    // two pods share the GPU: each pays half of it, nothing is idle
    assertThat(pods.get("ml/a").gpuSeconds).isCloseTo(30.0, EPS);
    assertThat(pods.get("ml/b").gpuSeconds).isCloseTo(30.0, EPS);
    assertThat(r.idleGpuSeconds).isCloseTo(0.0, EPS);

    // one pod alone holds the shared GPU for the whole minute
    MinuteAllocator.Result alone = MinuteAllocator.settle(node, List.of(a), null, t(0));
    assertThat(byPod(alone).get("ml/a").gpuSeconds).isCloseTo(60.0, EPS);

    // two GPUs with four replicas each, five replicas held: two GPUs in use, split by replicas
    NodeMeta two = nodeMeta(2, 1.6);
    two.gpuUnitShare = 0.25;
    two.gpuReplicas = 4;
    PodSpan c = podSpan("ml/c", 3, t(-600), -1);
    PodSpan d = podSpan("ml/d", 2, t(-600), -1);
    MinuteAllocator.Result r2 = MinuteAllocator.settle(two, List.of(c, d), null, t(0));
    assertThat(byPod(r2).get("ml/c").gpuSeconds).isCloseTo(120 * 3 / 5.0, EPS);
    assertThat(byPod(r2).get("ml/d").gpuSeconds).isCloseTo(120 * 2 / 5.0, EPS);
    assertThat(r2.idleGpuSeconds).isCloseTo(0.0, EPS);
  }
}
