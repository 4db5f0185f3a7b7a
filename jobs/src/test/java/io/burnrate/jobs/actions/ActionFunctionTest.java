package io.burnrate.jobs.actions;

import static io.burnrate.jobs.alerting.Windows.MINUTE;
import static io.burnrate.jobs.alerting.Windows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.alerting.Windows;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.CostWindow;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each optimisation action through time: open once, resolve once, state drains. */
class ActionFunctionTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final String TRAIN = "ml/Job/train";

  private KeyedOneInputStreamOperatorTestHarness<String, CostWindow, Action> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new ActionFunction(RateCard.bundled(), TIMEOUT)),
            ActionFunction::key,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void feed(CostWindow w) throws Exception {
    harness.processElement(w, w.windowEnd - 1);
  }

  private void work(int from, int to, int gpus, Consumer<CostWindow> shape) throws Exception {
    for (int m = from; m < to; m++) {
      CostWindow w = Windows.workload(TRAIN, m, gpus);
      shape.accept(w);
      feed(w);
    }
  }

  private List<Action> actions() {
    return Windows.drain(harness.getOutput(), Action.class);
  }

  private void endAndAssertDrained(int lastMinute) throws Exception {
    harness.processWatermark(T0 + lastMinute * MINUTE + TIMEOUT.toMillis() + MINUTE);
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void anIdleNodeIsReleasedWithRateCardSavingsOnceAndResolvesWhenUsed() throws Exception {
    for (int m = 0; m < 29; m++) {
      feed(Windows.idle("gpu-node-7", m, 8));
    }
    assertThat(actions()).isEmpty();
    feed(Windows.idle("gpu-node-7", 29, 8));
    List<Action> open = actions();
    assertThat(open).hasSize(1);
    Action a = open.get(0);
    assertThat(a.kind).isEqualTo(Action.RELEASE_IDLE_NODE);
    assertThat(a.operation).isEqualTo("release_node");
    assertThat(a.targetKind).isEqualTo(Action.TARGET_NODE);
    assertThat(a.node).isEqualTo("gpu-node-7");
    assertThat(a.estimatedMonthlySavings)
        .isCloseTo(21.9576 * 730, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(a.confidence).isBetween(0.0, 1.0);
    assertThat(a.id).isEqualTo(a.fingerprint + "/" + a.openedAt + "/open");
    for (int m = 30; m < 60; m++) {
      feed(Windows.idle("gpu-node-7", m, 8));
    }
    assertThat(actions()).as("one condition, one action").isEmpty();
    feed(Windows.idle("gpu-node-7", 60, 3)); // a pod took 5 GPUs
    List<Action> resolved = actions();
    assertThat(resolved).extracting(x -> x.status).containsExactly(Action.RESOLVED);
    assertThat(resolved.get(0).fingerprint).isEqualTo(a.fingerprint);
    endAndAssertDrained(61);
  }

  @Test
  void aSpotTolerantOnDemandWorkloadIsMovedToSpot() throws Exception {
    Consumer<CostWindow> tolerant =
        w -> w.labels = Windows.labels(ActionFinder.SPOT_TOLERANT, "true");
    work(0, 29, 8, tolerant);
    assertThat(actions()).isEmpty();
    work(29, 40, 8, tolerant);
    List<Action> open = actions();
    assertThat(open).extracting(a -> a.kind).containsExactly(Action.MOVE_TO_SPOT);
    assertThat(open.get(0).estimatedMonthlySavings).isPositive();
    work(40, 41, 8, tolerant.andThen(w -> w.capacityType = "spot"));
    assertThat(actions()).extracting(a -> a.status).containsExactly(Action.RESOLVED);
    endAndAssertDrained(41);
  }

  @Test
  void criticalWorkloadsAreNotMovedToSpot() throws Exception {
    work(
        0,
        60,
        8,
        w ->
            w.labels =
                Windows.labels(ActionFinder.SPOT_TOLERANT, "true", ActionFinder.CRITICAL, "true"));
    assertThat(actions()).isEmpty();
    endAndAssertDrained(60);
  }

  @Test
  void aMultiGpuWorkloadLeavingGpusUnusedIsRightSizedAndResolvesWhenItStops() throws Exception {
    work(0, 60, 8, w -> w.unusedGpus = 3.0);
    List<Action> open = actions();
    assertThat(open).extracting(a -> a.kind).containsExactly(Action.RIGHT_SIZE);
    assertThat(open.get(0).reason).contains("3 of its 8 GPUs");
    assertThat(open.get(0).estimatedMonthlySavings)
        .isCloseTo(0.5 * 60 * 3 / 8 * 730, org.assertj.core.data.Offset.offset(1e-6));
    harness.processWatermark(T0 + 60 * MINUTE + TIMEOUT.toMillis());
    List<Action> resolved = actions();
    assertThat(resolved).extracting(a -> a.status).containsExactly(Action.RESOLVED);
    assertThat(resolved.get(0).reason).contains("stopped reporting");
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aLightOneGpuServiceIsAdvisedToShareItsGpuOnceAndResolvesWhenItStops() throws Exception {
    String serve = "ml/Deployment/embed";
    for (int m = 0; m < 120; m++) {
      CostWindow w = Windows.workload(serve, m, 1);
      w.meanUtilization = 0.04 + 0.01 * (m % 5); // 4-8%
      w.memoryUsedRatio = 0.06; // 2.4 of 40 GB
      feed(w);
      if (m == 58) {
        assertThat(actions()).as("under an hour of evidence").isEmpty();
      }
    }
    List<Action> open = actions();
    assertThat(open).as("one condition, one action").hasSize(1);
    Action a = open.get(0);
    assertThat(a.kind).isEqualTo(Action.SHARE_GPU);
    assertThat(a.openedAt).isEqualTo(T0 + 60 * MINUTE);
    assertThat(a.windowStart).isEqualTo(T0);
    // p95 8%: 1g.5gb (8% x 7 = 56%), 7 per GPU; p4d.24xlarge 21.9576 USD/h for 8 GPUs
    assertThat(a.estimatedMonthlySavings)
        .isCloseTo(21.9576 / 8 * 6 / 7 * 730, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(a.evidence).contains("p50 6.0%, p95 8.0%, max 8.0%").contains("MIG");
    harness.processWatermark(T0 + 120 * MINUTE + TIMEOUT.toMillis());
    List<Action> resolved = actions();
    assertThat(resolved).extracting(x -> x.status).containsExactly(Action.RESOLVED);
    assertThat(resolved.get(0).fingerprint).isEqualTo(a.fingerprint);
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aCheaperGpuTypeForTheSameWorkloadIsRecommended() throws Exception {
    work(0, 40, 8, w -> w.samples = 10_000.0); // p4d: 0.5 per 10k samples
    work(
        40,
        80,
        8,
        w -> {
          w.instanceType = "p5.48xlarge";
          w.cost = 1.0;
          w.samples = 10_000.0; // twice the cost per sample
        });
    List<Action> open = actions();
    assertThat(open).extracting(a -> a.kind).containsExactly(Action.CHANGE_GPU_TYPE);
    assertThat(open.get(0).reason).contains("p4d.24xlarge");
    work(80, 81, 8, w -> w.samples = 10_000.0); // back on p4d
    assertThat(actions()).extracting(a -> a.status).containsExactly(Action.RESOLVED);
    endAndAssertDrained(81);
  }
}
