package io.burnrate.jobs.anomalies;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.model.CostWindow;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class AnomalySeriesTest {
  private static CostWindow window(double gpuSeconds) {
    CostWindow w = new CostWindow();
    w.kind = CostWindow.KIND_WORKLOAD;
    w.cluster = "prod";
    w.workload = "ml/Job/train";
    w.windowStart = 0;
    w.windowEnd = 60_000;
    w.gpuSeconds = gpuSeconds;
    w.cost = 0.18298;
    w.meanUtilization = 0.8;
    w.samples = 600.0;
    w.costPerSample = 0.18298 / 600;
    return w;
  }

  private static List<SeriesPoint> points(CostWindow w) {
    List<SeriesPoint> out = new ArrayList<>();
    new AnomalySeries()
        .flatMap(
            w,
            new Collector<>() {
              @Override
              public void collect(SeriesPoint p) {
                out.add(p);
              }

              @Override
              public void close() {}
            });
    return out;
  }

  @Test
  void aFullWindowFeedsEverySeriesInComparableUnits() {
    List<SeriesPoint> p = points(window(240));
    assertThat(p)
        .extracting(x -> x.series)
        .containsExactly("utilization", "cost_rate", "throughput", "cost_per_sample");
    assertThat(p.get(1).value).isCloseTo(0.18298 * 60, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(p.get(2).value).isEqualTo(10.0); // 600 samples per minute
    assertThat(p.get(0).key).isEqualTo("prod|ml/Job/train|utilization");
  }

  @Test
  void aWindowInWhichAPodEndedIsNotScored() {
    CostWindow w = window(240 + 38);
    w.partMinute = true;
    assertThat(points(w)).isEmpty();
  }

  @Test
  void runsOfOneJobAreOneFamily() {
    assertThat(AnomalySeries.family("ml/Job/train-llama-42")).isEqualTo("ml/Job/train-llama");
    assertThat(AnomalySeries.family("ml/Job/nightly-eval-29402340"))
        .isEqualTo("ml/Job/nightly-eval");
    assertThat(AnomalySeries.family("ml/Job/sweep-lr3e-4-7")).isEqualTo("ml/Job/sweep");
    assertThat(AnomalySeries.family("serve/Deployment/vllm")).isEqualTo("serve/Deployment/vllm");
    assertThat(AnomalySeries.family("ml/Job/42-run")).isEqualTo("ml/Job/42-run");
    assertThat(AnomalySeries.family("ml/Job/a-1-2")).isEqualTo("ml/Job/a");
    assertThat(points(window(240)).get(0).key).isEqualTo("prod|ml/Job/train|utilization");
  }

  @Test
  void fractionalGpusHeldForTheWholeWindowAreScored() {
    // a MIG 1g.10gb slice (1/7 of an A100) or one of 4 time-sliced replicas, the whole minute
    assertThat(points(window(60.0 / 7))).hasSize(4);
    assertThat(points(window(15))).hasSize(4);
  }

  @Test
  void missingValuesAreNotPoints() {
    CostWindow w = window(240);
    w.cost = null;
    w.costPerSample = null;
    w.samples = null;
    assertThat(points(w)).extracting(x -> x.series).containsExactly("utilization");
    CostWindow idle = window(240);
    idle.kind = CostWindow.KIND_IDLE;
    assertThat(points(idle)).isEmpty();
  }

  @Test
  void aTeamCostRateSumsItsWorkloadsWindowsIncludingPartialOnes() {
    CostWindow a = window(240);
    a.team = "research";
    CostWindow b = window(240 + 38); // a pod ended: not scored per workload, but spent by the team
    b.workload = "ml/Job/other";
    b.team = "research";
    b.cost = 0.1;
    CostWindow unowned = window(240);
    List<SeriesPoint> pts = new ArrayList<>();
    Collector<SeriesPoint> c =
        new Collector<>() {
          @Override
          public void collect(SeriesPoint p) {
            pts.add(p);
          }

          @Override
          public void close() {}
        };
    AnomalySeries.TeamCostRate team = new AnomalySeries.TeamCostRate();
    team.flatMap(a, c);
    team.flatMap(b, c);
    team.flatMap(unowned, c);
    assertThat(pts).hasSize(2).allMatch(p -> p.key.equals("prod|team/research|team_cost_rate"));
    SeriesPoint sum = AnomalySeries.sum(pts.get(0), pts.get(1));
    assertThat(sum.value)
        .isCloseTo((0.18298 + 0.1) * 60, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(sum.windowStart).isZero();
    assertThat(sum.windowEnd).isEqualTo(60_000);
  }
}
