package io.burnrate.jobs.anomalies;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.schemas.model.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The anomaly step through time: warm-up, fire once, resolve once, release state. */
class AnomalyFunctionTest {
  private static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;

  private KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, Alert> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new AnomalyFunction(DetectorConfig.defaults())),
            p -> p.key,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void point(int minute, double value) throws Exception {
    point("ml/Job/train", minute, value);
  }

  private void point(String workload, int minute, double value) throws Exception {
    SeriesPoint p = new SeriesPoint();
    p.series = AnomalySeries.COST_RATE;
    p.cluster = "prod";
    p.namespace = "ml";
    p.workload = workload;
    p.team = "research";
    p.key = p.cluster + "|" + AnomalySeries.family(p.workload) + "|" + p.series;
    p.windowStart = T0 + minute * MINUTE;
    p.windowEnd = p.windowStart + MINUTE;
    p.value = value;
    p.costBasis = "estimated";
    harness.processElement(p, p.windowEnd - 1);
  }

  private List<Alert> alerts() {
    List<Alert> out = new ArrayList<>();
    for (Object o : harness.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((Alert) r.getValue());
      }
    }
    harness.getOutput().clear();
    return out;
  }

  @Test
  void firesOnceWhenTheCostRateJumpsResolvesOnceAndReleasesState() throws Exception {
    SplittableRandom rnd = new SplittableRandom(1);
    int m = 0;
    for (; m < 300; m++) {
      point(m, 22.0 + rnd.nextDouble() * 0.4); // a p4d at about $22/h
    }
    assertThat(alerts()).as("no alert during warm-up and normal operation").isEmpty();

    for (int i = 0; i < 3; i++, m++) {
      point(m, 88.0); // a runaway: four times the rate
    }
    List<Alert> firing = alerts();
    assertThat(firing).hasSize(1);
    Alert a = firing.get(0);
    assertThat(a.status).isEqualTo(Alert.FIRING);
    assertThat(a.alertname).isEqualTo("CostRateAnomaly");
    assertThat(a.labels)
        .containsEntry("workload", "ml/Job/train")
        .containsEntry("team", "research")
        .containsEntry("series", "cost_rate");
    assertThat(a.observed).isEqualTo(88.0);
    assertThat(a.expectedHigh).isLessThan(88.0);
    assertThat(a.score).isGreaterThanOrEqualTo(0.8);
    assertThat(a.startsAt).isEqualTo(T0 + 301 * MINUTE);
    assertThat(a.endsAt).isEqualTo(-1);
    assertThat(a.id).isEqualTo(a.fingerprint + "/" + a.startsAt + "/firing");
    assertThat(a.description).contains("88");

    for (int i = 0; i < 20; i++, m++) {
      point(m, 22.0 + rnd.nextDouble() * 0.4);
    }
    List<Alert> resolved = alerts();
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).status).isEqualTo(Alert.RESOLVED);
    assertThat(resolved.get(0).fingerprint).isEqualTo(a.fingerprint);
    assertThat(resolved.get(0).startsAt).isEqualTo(a.startsAt);
    assertThat(resolved.get(0).endsAt).isGreaterThan(a.startsAt);

    harness.processWatermark(QuietTimers.deadline(T0 + m * MINUTE, AnomalyFunction.QUIET_MILLIS));
    assertThat(alerts()).isEmpty();
    assertThat(harness.numKeyedStateEntries())
        .as("only the family's seed and its time")
        .isEqualTo(2);
    harness.processWatermark(
        QuietTimers.deadline(T0 + m * MINUTE, AnomalyFunction.PRIOR_RETENTION_MILLIS));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aFortyMinuteRunIsWatchedWithItsPredecessorsModel() throws Exception {
    SplittableRandom rnd = new SplittableRandom(4);
    int m = 0;
    for (; m < 300; m++) {
      point("ml/Job/train-llama-41", m, 22.0 + rnd.nextDouble() * 0.4);
    }
    // the run ends; the next run of the same job starts an hour later and lasts 40 minutes
    m += 60;
    int start = m;
    for (; m < start + 25; m++) {
      point("ml/Job/train-llama-42", m, 22.0 + rnd.nextDouble() * 0.4);
    }
    assertThat(alerts()).as("a normal start").isEmpty();
    for (; m < start + 40; m++) {
      point("ml/Job/train-llama-42", m, 88.0);
    }
    List<Alert> firing = alerts();
    assertThat(firing).hasSize(1);
    assertThat(firing.get(0).labels).containsEntry("workload", "ml/Job/train-llama-42");
    assertThat(firing.get(0).startsAt).isEqualTo(T0 + (start + 26) * MINUTE);

    // without a predecessor, the same 40 minutes are still the warm-up: no alert
    m += 7 * 60;
    start = m;
    for (; m < start + 25; m++) {
      point("ml/Job/other-job-1", m, 22.0 + rnd.nextDouble() * 0.4);
    }
    for (; m < start + 40; m++) {
      point("ml/Job/other-job-1", m, 88.0);
    }
    assertThat(alerts()).filteredOn(a -> a.status.equals(Alert.FIRING)).isEmpty();
  }

  @Test
  void aRunAtAnotherLevelThanItsPredecessorSettlesInItsWarmUp() throws Exception {
    SplittableRandom rnd = new SplittableRandom(5);
    int m = 0;
    for (; m < 300; m++) {
      point("ml/Job/sweep-1", m, 22.0 + rnd.nextDouble() * 0.4);
    }
    // a concurrent trial on twice the GPUs: twice the rate, steady
    for (int i = 0; i < 120; i++, m++) {
      point("ml/Job/sweep-2", m, 44.0 + rnd.nextDouble() * 0.8);
    }
    assertThat(alerts()).isEmpty();
  }

  @Test
  void aMigSliceWorkloadIsScored() throws Exception {
    SplittableRandom rnd = new SplittableRandom(6);
    AnomalySeries series = new AnomalySeries();
    List<SeriesPoint> points = new ArrayList<>();
    org.apache.flink.util.Collector<SeriesPoint> into =
        new org.apache.flink.util.Collector<>() {
          @Override
          public void collect(SeriesPoint p) {
            points.add(p);
          }

          @Override
          public void close() {}
        };
    for (int m = 0; m < 240; m++) {
      io.burnrate.schemas.model.CostWindow w = new io.burnrate.schemas.model.CostWindow();
      w.kind = io.burnrate.schemas.model.CostWindow.KIND_WORKLOAD;
      w.cluster = "prod";
      w.namespace = "serve";
      w.workload = "serve/Deployment/embedder";
      w.windowStart = T0 + m * MINUTE;
      w.windowEnd = w.windowStart + MINUTE;
      w.gpuSeconds = 60.0 / 7; // a 1g.10gb slice of an A100 for the whole minute
      w.meanUtilization = m < 230 ? 0.55 + rnd.nextDouble() * 0.02 : 0.02; // then it stalls
      series.flatMap(w, into);
    }
    for (SeriesPoint p : points) {
      harness.processElement(p, p.windowEnd - 1);
    }
    List<Alert> firing = alerts();
    assertThat(firing).hasSize(1);
    assertThat(firing.get(0).alertname).isEqualTo("UtilizationAnomaly");
    assertThat(firing.get(0).startsAt).isEqualTo(T0 + 231 * MINUTE);
  }

  @Test
  void anOpenAlertResolvesWhenTheSeriesStops() throws Exception {
    SplittableRandom rnd = new SplittableRandom(2);
    int m = 0;
    for (; m < 200; m++) {
      point(m, 0.8 + rnd.nextDouble() * 0.02);
    }
    point(m++, 0.01); // utilisation collapses, then the workload disappears
    assertThat(alerts()).hasSize(1);

    harness.processWatermark(QuietTimers.deadline(T0 + m * MINUTE, AnomalyFunction.QUIET_MILLIS));
    List<Alert> resolved = alerts();
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).status).isEqualTo(Alert.RESOLVED);
    assertThat(resolved.get(0).summary).contains("stopped reporting");
    assertThat(harness.numKeyedStateEntries())
        .as("only the family's seed and its time")
        .isEqualTo(2);
  }

  @Test
  void aTeamCostRateAlertNamesTheTeamNotAWorkload() throws Exception {
    SplittableRandom rnd = new SplittableRandom(3);
    int m = 0;
    for (; m < 300; m++) {
      teamPoint(m, 60.0 + rnd.nextDouble());
    }
    teamPoint(m++, 240.0); // the team's spend quadruples
    List<Alert> firing = alerts();
    assertThat(firing).hasSize(1);
    Alert a = firing.get(0);
    assertThat(a.alertname).isEqualTo("TeamCostRateAnomaly");
    assertThat(a.labels)
        .containsEntry("team", "research")
        .containsEntry("series", "team_cost_rate")
        .containsEntry("cluster", "prod")
        .doesNotContainKeys("workload");
    assertThat(a.summary).isEqualTo("team cost rate of team research is above its expected range");
  }

  private void teamPoint(int minute, double value) throws Exception {
    SeriesPoint p = new SeriesPoint();
    p.series = AnomalySeries.TEAM_COST_RATE;
    p.team = "research";
    p.cluster = "prod";
    p.key = "prod|team/research|" + p.series;
    p.windowStart = T0 + minute * MINUTE;
    p.windowEnd = p.windowStart + MINUTE;
    p.value = value;
    p.costBasis = "estimated";
    harness.processElement(p, p.windowEnd - 1);
  }
}
