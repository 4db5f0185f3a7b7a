package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.BurnrateTestBase;
import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.model.WorkloadProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PodProgressJoinTest extends BurnrateTestBase {
  private KeyedTwoInputStreamOperatorTestHarness<String, PodMinute, WorkloadProgress, PodMinute>
      harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new PodProgressJoin()),
            (PodMinute m) -> m.podKey,
            WorkloadProgress::podKey,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void minute(PodMinute m) throws Exception {
    // the node operator emits a minute when event time passes its end
    harness.processElement1(m, m.minuteStart + MINUTE - 1);
  }

  private void reading(long ts, double samplesTotal) throws Exception {
    harness.processElement2(progress(ts, "trainer", samplesTotal), ts);
  }

  private void watermark(long t) throws Exception {
    harness.processBothWatermarks(new Watermark(t));
  }

  private List<PodMinute> output() {
    List<PodMinute> out = harness.extractOutputValues();
    harness.getOutput().clear();
    return out;
  }

  private List<DeadLetter> deadLetters() {
    List<DeadLetter> out = new ArrayList<>();
    Queue<StreamRecord<DeadLetter>> q = harness.getSideOutput(PodProgressJoin.DLQ);
    if (q != null) {
      q.forEach(r -> out.add(r.getValue()));
      q.clear();
    }
    return out;
  }

  @Test
  void joinsTheMinuteWithTheCounterIncreaseAcrossAReset() throws Exception {
    minute(podMinute("trainer", t(0), 240, 0.18298));
    reading(t(5), 0);
    reading(t(35), 1000);
    reading(t(50), 200); // restarted: counted 0 -> 200 since

    watermark(t(60) - 1);

    List<PodMinute> out = output();
    assertThat(out).hasSize(1);
    PodMinute m = out.get(0);
    assertThat(m.minuteStart).isEqualTo(t(0));
    assertThat(m.samples).isEqualTo(1200.0); // 1000 + 200
    assertThat(m.tokens).as("never reported").isNaN();
    assertThat(m.requests).as("never reported").isNaN();
    assertThat(m.gpuSeconds).isEqualTo(240.0);
    assertThat(m.cost).isEqualTo(0.18298);
  }

  @Test
  void theTrainingGaugesOfTheMinuteReachIt() throws Exception {
    minute(podMinute("trainer", t(0), 240, 0.18298));
    WorkloadProgress first = progress(t(10), "trainer", 100);
    first.step = 40;
    first.totalSteps = 10_000;
    first.loss = 2.5;
    harness.processElement2(first, first.timestamp);
    WorkloadProgress last = progress(t(40), "trainer", 200);
    last.step = 41;
    last.totalSteps = 12_000; // the plan changed: the last reading counts
    last.valLoss = 2.7;
    harness.processElement2(last, last.timestamp);
    watermark(t(60) - 1);
    List<PodMinute> out = output();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).step).isEqualTo(41.0);
    assertThat(out.get(0).totalSteps).isEqualTo(12_000.0);
    assertThat(out.get(0).loss).isEqualTo(2.5);
    assertThat(out.get(0).valLoss).isEqualTo(2.7);
  }

  @Test
  void minuteWithoutCounterMovementHasZeroSamples() throws Exception {
    minute(podMinute("trainer", t(0), 240, 0.18298));
    reading(t(10), 500);
    reading(t(40), 800);
    watermark(t(60) - 1);
    assertThat(output()).extracting(m -> m.samples).containsExactly(300.0);

    // the pod reports samples_total, but there is no reading in this minute
    minute(podMinute("trainer", t(60), 240, 0.18298));
    watermark(t(120) - 1);
    List<PodMinute> second = output();
    assertThat(second).hasSize(1);
    assertThat(second.get(0).samples).isEqualTo(0.0);
    assertThat(second.get(0).tokens).isNaN();

    // a reading that did not move
    minute(podMinute("trainer", t(120), 240, 0.18298));
    reading(t(150), 800);
    watermark(t(180) - 1);
    assertThat(output()).extracting(m -> m.samples).containsExactly(0.0);
  }

  @Test
  void readingBehindTheWatermarkIsLate() throws Exception {
    minute(podMinute("trainer", t(0), 240, 0.18298));
    reading(t(30), 100);
    watermark(t(60) - 1);
    output();

    // the first as read from Kafka: its dead letter keeps the record's key, bytes and coordinates
    WorkloadProgress first = progress(t(45), "trainer", 400);
    first.sourceTopic = Topics.TELEMETRY_WORKLOAD;
    first.sourcePartition = 3;
    first.sourceOffset = 77;
    first.sourceTimestamp = t(90);
    first.sourceKey = "ml/trainer".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    first.sourceValue = "{\"samples_total\":400}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    harness.processElement2(first, t(45));
    reading(t(60) - 1, 400);

    List<DeadLetter> late = deadLetters();
    assertThat(late).hasSize(2);
    assertThat(late)
        .allSatisfy(
            d -> {
              assertThat(d.reason).isEqualTo(DeadLetter.Reasons.LATE);
              assertThat(d.sourceTopic).isEqualTo(Topics.TELEMETRY_WORKLOAD);
              assertThat(d.detail).contains("ml/trainer");
            });
    assertThat(late.get(0).key).isEqualTo("ml/trainer");
    assertThat(late.get(0).payload).isEqualTo("{\"samples_total\":400}");
    assertThat(late.get(0).sourcePartition).isEqualTo(3);
    assertThat(late.get(0).sourceOffset).isEqualTo(77);
    assertThat(late.get(0).sourceTimestamp).isEqualTo(t(90));

    // the late reading did not count in the next minute either
    minute(podMinute("trainer", t(60), 240, 0.18298));
    reading(t(70), 150);
    watermark(t(120) - 1);
    assertThat(output()).extracting(m -> m.samples).containsExactly(50.0);
  }

  @Test
  void readingOlderThanTheNewestAddsNothing() throws Exception {
    minute(podMinute("trainer", t(0), 240, 0.18298));
    reading(t(10), 100);
    reading(t(40), 500);
    reading(t(20), 300); // out of order: would look like a reset
    reading(t(50), 600);

    watermark(t(60) - 1);

    // 100 -> 500 -> 600; with the stale reading taken as a reset it would be 1000
    assertThat(output()).extracting(m -> m.samples).containsExactly(500.0);
  }

  @Test
  void progressWithoutAGpuMinuteIsEmittedUnpriced() throws Exception {
    reading(t(10), 100);
    reading(t(40), 250);

    watermark(t(60) - 1);

    List<PodMinute> out = output();
    assertThat(out).hasSize(1);
    PodMinute m = out.get(0);
    assertThat(m.podKey).isEqualTo("ml/trainer");
    assertThat(m.namespace).isEqualTo("ml");
    assertThat(m.pod).isEqualTo("trainer");
    assertThat(m.workload).isEqualTo("ml/Pod/trainer");
    assertThat(m.cluster).isEqualTo(CLUSTER);
    assertThat(m.minuteStart).isEqualTo(t(0));
    assertThat(m.gpuSeconds).isZero();
    assertThat(m.cost).isNaN();
    assertThat(m.costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
    assertThat(m.samples).isEqualTo(150.0);
  }

  @Test
  void stateDrainsAfterThePodIsQuiet() throws Exception {
    minute(podMinute("trainer", t(0), 240, 0.18298));
    reading(t(5), 0);
    reading(t(35), 1000);
    minute(podMinute("trainer", t(60), 240, 0.18298));
    watermark(t(120) - 1);
    assertThat(output()).hasSize(2);
    assertThat(harness.numKeyedStateEntries())
        .as("the pod's last readings and its last allocation")
        .isEqualTo(2);

    // last activity: the end of the minute [T0+60s, T0+120s)
    // (the quiet timer sits on a whole-minute grid: QuietTimers)
    long quietAt = QuietTimers.deadline(t(120) - 1, PodProgressJoin.QUIET_MILLIS);
    watermark(quietAt - 1);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(2);

    watermark(quietAt);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(output()).isEmpty();
  }

  @Test
  void countersAreForgottenAfterQuiet() throws Exception {
    reading(t(10), 5000);
    watermark(QuietTimers.deadline(t(10), PodProgressJoin.QUIET_MILLIS));
    output();
    assertThat(harness.numKeyedStateEntries()).isZero();

    // the pod is back: its first reading again has no increase (not 5000 -> 7000)
    long later = QuietTimers.deadline(t(10), PodProgressJoin.QUIET_MILLIS) + 1;
    long minute = Math.floorDiv(later, MINUTE) * MINUTE;
    reading(later, 7000);
    reading(later + 20_000, 7300);
    watermark(minute + MINUTE - 1);
    assertThat(output()).extracting(m -> m.samples).containsExactly(300.0);
  }
}
