package io.burnrate.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.CostWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Training runs through time: a plateau, a divergence, a restart that collapses; state drains. */
class TrainingFunctionTest {
  private static final long T0 = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
  private static final long MIN = 60_000;
  private static final long QUIET = 15 * MIN;

  private KeyedOneInputStreamOperatorTestHarness<String, CostWindow, Alert> h;

  @BeforeEach
  void open() throws Exception {
    h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new TrainingFunction(TrainingConfig.defaults(), QUIET)),
            TrainingFunction::key,
            Types.STRING);
    h.open();
  }

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  private static CostWindow window(int m) {
    CostWindow w = new CostWindow();
    w.kind = CostWindow.KIND_WORKLOAD;
    w.cluster = "prod";
    w.namespace = "ml";
    w.workload = "ml/Job/pretrain";
    w.team = "research";
    w.windowStart = T0 + m * MIN;
    w.windowEnd = w.windowStart + MIN;
    w.gpuSeconds = 480;
    w.cost = 0.5; // $30/h on 8 GPUs
    w.currency = "USD";
    w.costBasis = "estimated";
    return w;
  }

  private void minute(int m, Double loss, Double valLoss, double step, double samples)
      throws Exception {
    CostWindow w = window(m);
    w.loss = loss;
    w.valLoss = valLoss;
    w.step = step;
    w.samples = samples;
    h.processElement(w, w.windowEnd - 1);
  }

  private List<Alert> alerts() {
    List<Alert> out = new ArrayList<>();
    for (Object o : h.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((Alert) r.getValue());
      }
    }
    h.getOutput().clear();
    return out;
  }

  private List<Action> actions() {
    List<Action> out = new ArrayList<>();
    var q = h.getSideOutput(TrainingFunction.ACTIONS);
    if (q != null) {
      q.forEach(r -> out.add(r.getValue()));
      q.clear();
    }
    return out;
  }

  private static org.assertj.core.data.Offset<Double> eps() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }

  @Test
  void aPlateauedRunYieldsOneAlertAndOneEarlyStopWithSavingsThenDrains() throws Exception {
    int m = 0;
    double val = 3.0;
    for (int eval = 0; eval < 30; eval++) {
      for (int i = 0; i < 9; i++, m++) {
        minute(m, 2.0, null, m * 100, 6000);
      }
      // improving for 10 evaluations, then flat (noise below min_delta)
      val = eval < 10 ? val * 0.95 : val * (eval % 2 == 0 ? 1.0004 : 0.9996);
      minute(m, 2.0, val, m * 100, 6000);
      m++;
    }
    List<Alert> firing = alerts();
    assertThat(firing).hasSize(1);
    assertThat(firing.get(0).alertname).isEqualTo(TrainingSignals.PLATEAU);
    assertThat(firing.get(0).status).isEqualTo(Alert.FIRING);
    List<Action> acts = actions();
    assertThat(acts).hasSize(1);
    assertThat(acts.get(0).kind).isEqualTo(Action.EARLY_STOP);
    assertThat(acts.get(0).operation).isEqualTo("stop_training");
    // no total_steps: the configured 24 h more, said so (never x 730 silently)
    assertThat(acts.get(0).estimatedMonthlySavings).isCloseTo(30.0 * 24, eps());
    assertThat(acts.get(0).evidence)
        .contains("training.assumed-remaining-hours")
        .contains("no total_steps");
    assertThat(acts.get(0).reason).contains("30.00 USD/h");

    h.processWatermark(new Watermark(T0 + m * MIN + QUIET));
    assertThat(alerts())
        .singleElement()
        .satisfies(a -> assertThat(a.status).isEqualTo(Alert.RESOLVED));
    assertThat(actions())
        .singleElement()
        .satisfies(a -> assertThat(a.status).isEqualTo(Action.RESOLVED));
    assertThat(h.numKeyedStateEntries()).isZero();
  }

  /** Plateaus like the run above, reporting total_steps; returns the early-stop action. */
  private Action plateauWithTotalSteps(double totalSteps) throws Exception {
    int m = 0;
    double val = 3.0;
    List<Action> acts = new ArrayList<>();
    for (int eval = 0; eval < 30 && acts.isEmpty(); eval++) {
      for (int i = 0; i <= 9; i++, m++) {
        CostWindow w = window(m);
        w.loss = 2.0;
        w.step = m * 100.0; // 100 steps a minute: 6,000 an hour
        w.totalSteps = totalSteps;
        w.samples = 6000.0;
        if (i == 9) {
          val = eval < 10 ? val * 0.95 : val * (eval % 2 == 0 ? 1.0004 : 0.9996);
          w.valLoss = val;
        }
        h.processElement(w, w.windowEnd - 1);
      }
      acts.addAll(actions());
    }
    assertThat(acts)
        .singleElement()
        .satisfies(a -> assertThat(a.kind).isEqualTo(Action.EARLY_STOP));
    return acts.get(0);
  }

  @Test
  void withTotalStepsTheSavingsAreTheStepsLeftAtTheRunsOwnRate() throws Exception {
    Action a = plateauWithTotalSteps(200_000);
    // opened at the 15th evaluation: minute 149, step 14,900 (100 steps/min since step 0)
    assertThat((a.windowEnd - T0) / MIN - 1).isEqualTo(149);
    double hoursLeft = (200_000 - 14_900) / 6_000.0; // 30.85 h
    assertThat(a.estimatedMonthlySavings).isCloseTo(30.0 * hoursLeft, eps());
    assertThat(a.evidence)
        .contains("185100 of its 200000 planned steps left")
        .contains("6000.0 steps/h");
  }

  @Test
  void aRunWithMoreThanAMonthLeftCountsOneMonth() throws Exception {
    Action a = plateauWithTotalSteps(100_000_000);
    assertThat(a.estimatedMonthlySavings).isCloseTo(30.0 * 730, eps());
    assertThat(a.evidence).contains("counted up to one month");
  }

  @Test
  void theAssumedRemainingHoursAreConfigurable() throws Exception {
    h.close();
    h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new TrainingFunction(
                    TrainingConfig.defaults().withAssumedRemainingHours(6), QUIET)),
            TrainingFunction::key,
            Types.STRING);
    h.open();
    int m = 0;
    for (; m < 20; m++) {
      minute(m, 3.0 - m * 0.05, null, m * 100, 6000);
    }
    for (int i = 0; i < 5; i++, m++) {
      minute(m, 9.0, null, m * 100, 6000);
    }
    assertThat(actions())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.kind).isEqualTo(Action.STOP_DIVERGED);
              assertThat(x.estimatedMonthlySavings).isCloseTo(30.0 * 6, eps());
              assertThat(x.evidence).contains("for 6.0 h more");
            });
  }

  @Test
  void aDivergedRunYieldsOneAlertAndOneStop() throws Exception {
    int m = 0;
    for (; m < 20; m++) {
      minute(m, 3.0 - m * 0.05, null, m * 100, 6000);
    }
    for (int i = 0; i < 5; i++, m++) {
      minute(m, 9.0, null, m * 100, 6000); // 4.5x the lowest loss
    }
    List<Alert> a = alerts();
    assertThat(a).hasSize(1);
    assertThat(a.get(0).alertname).isEqualTo(TrainingSignals.DIVERGED);
    assertThat(a.get(0).severity).isEqualTo("critical");
    assertThat(actions())
        .singleElement()
        .satisfies(x -> assertThat(x.kind).isEqualTo(Action.STOP_DIVERGED));
  }

  @Test
  void aNonFiniteLossDivergesAtOnce() throws Exception {
    for (int m = 0; m < 5; m++) {
      minute(m, 2.0, null, m, 100);
    }
    CostWindow w = window(5);
    w.lossNonFinite = true;
    h.processElement(w, w.windowEnd - 1);
    assertThat(alerts())
        .singleElement()
        .satisfies(x -> assertThat(x.alertname).isEqualTo(TrainingSignals.DIVERGED));
  }

  @Test
  void aRestartThatCollapsesThroughputFiresOnceAndResolvesOnce() throws Exception {
    int m = 0;
    for (; m < 30; m++) {
      minute(m, 2.0, null, 1000 + m * 100, 6000); // 100 samples/s
    }
    minute(m++, 2.0, null, 500, 600); // restarted from an older checkpoint, slow
    for (int i = 0; i < 12; i++, m++) {
      minute(m, 2.0, null, 600 + i * 10, 1200 + (i % 2) * 100); // about 20 samples/s
    }
    assertThat(alerts())
        .singleElement()
        .satisfies(x -> assertThat(x.alertname).isEqualTo(TrainingSignals.COLLAPSE));
    assertThat(actions())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.kind).isEqualTo(Action.CHECK_RESTART);
              assertThat(x.estimatedMonthlySavings).isCloseTo(30.0 * 0.5 * 24, eps());
            });
    for (int i = 0; i < 12; i++, m++) {
      minute(m, 2.0, null, 800 + i * 100, 6000);
    }
    assertThat(alerts())
        .singleElement()
        .satisfies(x -> assertThat(x.status).isEqualTo(Alert.RESOLVED));
  }

  @Test
  void windowsWithoutTrainingGaugesKeepNoState() throws Exception {
    CostWindow w = window(0);
    w.workload = "ml/Deployment/serve";
    h.processElement(w, w.windowEnd - 1);
    assertThat(h.numKeyedStateEntries()).isZero();
  }
}
