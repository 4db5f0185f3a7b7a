package io.burnrate.jobs.rules;

import static io.burnrate.jobs.alerting.Windows.MINUTE;
import static io.burnrate.jobs.alerting.Windows.T0;
import static io.burnrate.jobs.alerting.Windows.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.alerting.AlertLatency;
import io.burnrate.jobs.alerting.Windows;
import io.burnrate.schemas.model.Alert;
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

/** Every rule through time: fire, hold, resolve, flapping once, state drains. */
class RuleFunctionTest {
  private static final String TRAIN = "ml/Job/train";
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  private KeyedOneInputStreamOperatorTestHarness<String, CostWindow, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new RuleFunction(RuleConfig.defaults(40.0), TIMEOUT)),
            RuleFunction::key,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void feed(int fromMinute, int toMinute, Consumer<CostWindow> shape) throws Exception {
    for (int m = fromMinute; m < toMinute; m++) {
      CostWindow w = workload(TRAIN, m, 8);
      w.samples = 6000.0; // 100 samples/s
      shape.accept(w);
      harness.processElement(w, w.windowEnd - 1);
    }
  }

  private List<Alert> alerts() {
    return Windows.drain(harness.getOutput(), Alert.class);
  }

  private void endAndAssertDrained(int lastMinute) throws Exception {
    harness.processWatermark(T0 + lastMinute * MINUTE + TIMEOUT.toMillis() + MINUTE);
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void idleGpuFiresAfterThirtyMinutesResolvesOnceAndDrains() throws Exception {
    feed(0, 10, w -> {});
    feed(10, 39, w -> w.meanUtilization = 0.03);
    assertThat(alerts()).as("29 idle minutes: pending").isEmpty();
    feed(39, 40, w -> w.meanUtilization = 0.03);
    List<Alert> fired = alerts();
    assertThat(fired).extracting(a -> a.alertname).contains("IdleGpu");
    Alert idle = fired.stream().filter(a -> a.alertname.equals("IdleGpu")).findFirst().get();
    assertThat(idle.status).isEqualTo(Alert.FIRING);
    assertThat(idle.startsAt).isEqualTo(T0 + 40 * MINUTE);
    assertThat(idle.id).isEqualTo(idle.fingerprint + "/" + idle.startsAt + "/firing");
    assertThat(idle.labels).containsEntry("workload", TRAIN).containsEntry("rule", "idle_gpu");
    assertThat(idle.observed).isEqualTo(0.03);
    assertThat(idle.threshold).isEqualTo(0.10);

    feed(40, 60, w -> w.meanUtilization = 0.03);
    assertThat(alerts()).as("holding: nothing new").isEmpty();

    feed(60, 80, w -> w.meanUtilization = 0.9);
    List<Alert> resolved = alerts();
    assertThat(resolved).extracting(a -> a.status).containsOnly(Alert.RESOLVED);
    Alert r = resolved.stream().filter(a -> a.alertname.equals("IdleGpu")).findFirst().get();
    assertThat(r.fingerprint).isEqualTo(idle.fingerprint);
    assertThat(r.startsAt).isEqualTo(idle.startsAt);
    assertThat(r.endsAt).isEqualTo(T0 + 70 * MINUTE);
    endAndAssertDrained(80);
    assertThat(alerts()).isEmpty();
  }

  @Test
  void flappingUtilisationFiresOnceAndResolvesOnce() throws Exception {
    feed(0, 35, w -> w.meanUtilization = 0.3);
    feed(
        35,
        120,
        w -> w.meanUtilization = ((w.windowStart - T0) / MINUTE / 4) % 2 == 0 ? 0.3 : 0.62);
    feed(120, 140, w -> w.meanUtilization = 0.9);
    List<Alert> all = alerts();
    assertThat(all)
        .filteredOn(a -> a.alertname.equals("GpuUnderUtilized"))
        .extracting(a -> a.status)
        .containsExactly(Alert.FIRING, Alert.RESOLVED);
    endAndAssertDrained(140);
  }

  @Test
  void memoryPressureFiresAfterFiveMinutes() throws Exception {
    feed(0, 4, w -> w.memoryUsedRatio = 0.97);
    assertThat(alerts()).isEmpty();
    feed(4, 5, w -> w.memoryUsedRatio = 0.97);
    assertThat(alerts()).extracting(a -> a.alertname).containsExactly("GpuMemoryPressure");
    feed(5, 11, w -> w.memoryUsedRatio = 0.5);
    assertThat(alerts()).extracting(a -> a.status).containsExactly(Alert.RESOLVED);
    endAndAssertDrained(11);
  }

  @Test
  void throughputDegradationAgainstItsOwnBaselineAfterWarmUp() throws Exception {
    feed(0, 5, w -> w.samples = 1000.0);
    assertThat(alerts()).as("warm-up: no baseline to compare with").isEmpty();
    feed(5, 60, w -> {});
    assertThat(alerts()).isEmpty();
    feed(60, 75, w -> w.samples = 3000.0); // half the baseline
    List<Alert> fired = alerts();
    assertThat(fired).extracting(a -> a.alertname).containsExactly("ThroughputDegraded");
    assertThat(fired.get(0).observed).isEqualTo(0.5);
    feed(75, 100, w -> {});
    assertThat(alerts()).extracting(a -> a.status).containsExactly(Alert.RESOLVED);
    endAndAssertDrained(100);
  }

  @Test
  void hourlySpendOverTheLimitFiresOnTheRollingHour() throws Exception {
    feed(0, 60, w -> w.cost = 0.6); // 36/h: under the 40 limit
    assertThat(alerts()).isEmpty();
    feed(60, 70, w -> w.cost = 1.2);
    List<Alert> fired = alerts();
    assertThat(fired).extracting(a -> a.alertname).containsExactly("HourlySpendOverLimit");
    assertThat(fired.get(0).severity).isEqualTo("critical");
    assertThat(fired.get(0).observed).isGreaterThan(40);
    feed(70, 190, w -> w.cost = 0.3);
    assertThat(alerts()).extracting(a -> a.status).containsExactly(Alert.RESOLVED);
    endAndAssertDrained(190);
  }

  @Test
  void aWorkloadThatEndsWhileFiringResolvesAndReleasesState() throws Exception {
    feed(0, 31, w -> w.meanUtilization = 0.0);
    assertThat(alerts()).extracting(a -> a.alertname).contains("IdleGpu");
    harness.processWatermark(T0 + 31 * MINUTE + TIMEOUT.toMillis());
    List<Alert> resolved = alerts();
    assertThat(resolved).isNotEmpty().allMatch(a -> a.status.equals(Alert.RESOLVED));
    assertThat(resolved.get(0).summary).contains("stopped reporting");
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aSeriesThatResumesAfterTheTimeoutEndsTheSameWhetherTheTimerOrTheWindowComesFirst()
      throws Exception {
    // the window after the silence reaches the operator before the watermark that fires the
    // quiet timer (another subtask's watermark lags): the old series still ends at its silence
    feed(0, 31, w -> w.meanUtilization = 0.0);
    assertThat(alerts()).extracting(a -> a.status).contains(Alert.FIRING);
    feed(60, 61, w -> w.meanUtilization = 0.0);
    List<Alert> windowFirst = alerts();
    assertThat(windowFirst).isNotEmpty().allMatch(a -> a.status.equals(Alert.RESOLVED));
    assertThat(windowFirst.get(0).summary).contains("stopped reporting");
    harness.processWatermark(T0 + 61 * MINUTE);
    assertThat(alerts()).as("the late timer finds a new series: nothing more").isEmpty();

    // the same input with the timer first gives the same resolutions
    RuleFunction fn = new RuleFunction(RuleConfig.defaults(40.0), TIMEOUT);
    try (var timerFirst =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(fn), RuleFunction::key, Types.STRING)) {
      timerFirst.open();
      for (int m = 0; m < 31; m++) {
        CostWindow w = workload(TRAIN, m, 8);
        w.samples = 6000.0;
        w.meanUtilization = 0.0;
        timerFirst.processElement(w, w.windowEnd - 1);
      }
      Windows.drain(timerFirst.getOutput(), Alert.class);
      timerFirst.processWatermark(T0 + 59 * MINUTE);
      List<Alert> timerResolved = Windows.drain(timerFirst.getOutput(), Alert.class);
      assertThat(timerResolved)
          .extracting(a -> a.id)
          .isEqualTo(windowFirst.stream().map(a -> a.id).toList());
    }
  }

  @Test
  void alertLatencyIsAHistogramOfEmissionMinusWindowEnd() {
    AlertLatency l =
        AlertLatency.register(new org.apache.flink.metrics.groups.UnregisteredMetricsGroup());
    l.record(System.currentTimeMillis() - 5_000);
    l.record(System.currentTimeMillis() + 60_000); // a window from the future counts as 0
    assertThat(l.count()).isEqualTo(2);
    assertThat(AlertLatency.METRIC).isEqualTo("alertLatencyMillis");
  }
}
