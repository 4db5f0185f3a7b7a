package io.burnrate.jobs.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.alerting.Windows;
import io.burnrate.jobs.pricing.GpuCatalog;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.CostWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The sizing advice on its own (no Flink): which advice a workload's observed percentiles get, and
 * its savings against hand computations from the bundled rate card's rows.
 */
class SizingAdvisorTest {
  private static final Offset<Double> CENT = Offset.offset(0.01);

  // bundled rate card rows (us-east-1, on-demand), per GPU-hour
  private static final double A100_40_GPU_HOUR = 21.9576 / 8; // p4d.24xlarge
  private static final double T4_GPU_HOUR = 0.526; // g4dn.xlarge
  private static final double A10G_GPU_HOUR = 1.006; // g5.xlarge
  private static final double L4_GPU_HOUR = 0.8048; // g6.xlarge

  private final ActionFinder finder = new ActionFinder(RateCard.bundled(), SizingConfig.defaults());

  /** A workload window: {@code pods} pods of one GPU each (unless gpus says otherwise). */
  private static CostWindow window(
      String workload, int minute, int gpus, int pods, double util, double memory) {
    CostWindow w = Windows.workload(workload, minute, gpus);
    w.pods = pods;
    w.meanUtilization = util;
    w.efficiency = util;
    w.memoryUsedRatio = memory;
    w.gpuModel = "NVIDIA A100-SXM4-40GB";
    return w;
  }

  /** Feeds minutes [from, to) and returns the actions they produced. */
  private List<Action> run(
      ActionState s,
      String workload,
      int from,
      int to,
      int gpus,
      int pods,
      IntToDoubleFunction util,
      double memory,
      java.util.function.Consumer<CostWindow> shape) {
    List<Action> out = new ArrayList<>();
    for (int m = from; m < to; m++) {
      CostWindow w = window(workload, m, gpus, pods, util.applyAsDouble(m), memory);
      shape.accept(w);
      out.addAll(finder.step(s, w));
    }
    return out;
  }

  /** One pod of one GPU. */
  private List<Action> run(
      ActionState s,
      String workload,
      int from,
      int to,
      IntToDoubleFunction util,
      double memory,
      java.util.function.Consumer<CostWindow> shape) {
    return run(s, workload, from, to, 1, 1, util, memory, shape);
  }

  private List<Action> run(
      ActionState s, String workload, int from, int to, IntToDoubleFunction util, double memory) {
    return run(s, workload, from, to, util, memory, w -> {});
  }

  /** Utilisation 2-9% varying by minute: the real fleet's shape (mean about 5%). */
  private static double lowUtil(int m) {
    return 0.02 + 0.07 * ((m * 37) % 60) / 59.0;
  }

  @Test
  void aFleetOfOneGpuPodsUnderTenPercentGetsSharingOrASmallerTypeWithSavings() {
    // 143 one-GPU inference pods at 2-9% (the fleet of issue 17), memory 3-14 GB of 40 GB
    Map<String, Action> byWorkload = new HashMap<>();
    double total = 0;
    for (int i = 0; i < 143; i++) {
      String workload = "serve/Deployment/model-" + i;
      double memory = 0.08 + 0.27 * (i % 10) / 9.0;
      List<Action> out =
          run(new ActionState(), workload, 0, 120, SizingAdvisorTest::lowUtil, memory);
      assertThat(out).as("%s: one action, open", workload).hasSize(1);
      Action a = out.get(0);
      assertThat(a.status).isEqualTo(Action.OPEN);
      assertThat(a.kind).isIn(Action.SHARE_GPU, Action.SMALLER_GPU_TYPE);
      assertThat(a.estimatedMonthlySavings).isPositive();
      assertThat(a.currency).isEqualTo("USD");
      assertThat(a.evidence).contains("p95").contains("GB of 40 GB").contains("rate card");
      byWorkload.put(workload, a);
      total += a.estimatedMonthlySavings;
    }
    assertThat(byWorkload).hasSize(143);
    // by hand, p95 8.6%: peak 3.2 GB (x 1.2 = 3.84) fits MIG 1g.5gb, 7 per GPU (6/7 of 2.7447
    // USD/h = 2.35 > a T4's 2.22 saved): share. 4.4-12.8 GB fit a T4 (16 GB) and it saves more
    // than 1g.10gb (4 per GPU), 3g.20gb (2) or time-slicing (4, 3 or 2 by memory); 14 GB x 1.2 =
    // 16.8 GB does not fit a T4: an L4 (24 GB). i % 10 = 0, 1, 2: 15 workloads each; 3-9: 14.
    for (int i = 0; i < 143; i++) {
      assertThat(byWorkload.get("serve/Deployment/model-" + i).kind)
          .as("model-%d", i)
          .isEqualTo(i % 10 == 0 ? Action.SHARE_GPU : Action.SMALLER_GPU_TYPE);
    }
    double perHour =
        15 * A100_40_GPU_HOUR * 6 / 7
            + (15 + 15 + 14 * 6) * (A100_40_GPU_HOUR - T4_GPU_HOUR)
            + 14 * (A100_40_GPU_HOUR - L4_GPU_HOUR);
    assertThat(total).isCloseTo(perHour * 730, CENT); // about 230,227 USD a month
  }

  @Test
  void aSmallWorkloadSharesAnA100AsMig1g5gbWithTheFreedShareAsSavings() {
    // p95 9% and 3.2 GB peak (8% of 40 GB): 3.2 x 1.2 = 3.84 GB fits 1g.5gb, 9% x 7 = 63% <= 70%
    ActionState s = new ActionState();
    List<Action> out = run(s, "serve/Deployment/small", 0, 59, m -> 0.09, 0.08);
    assertThat(out).as("59 minutes are not the 60 of evidence").isEmpty();
    out = run(s, "serve/Deployment/small", 59, 60, m -> 0.09, 0.08);
    assertThat(out).singleElement().satisfies(a -> assertThat(a.kind).isEqualTo(Action.SHARE_GPU));
    Action a = out.get(0);
    assertThat(a.operation).isEqualTo("share_gpu");
    // 7 instances of 1g.5gb per GPU: each workload pays 1/7 of the GPU
    double expected = 2.7447 * (1 - 1.0 / 7) * 730; // 1,717.25
    assertThat(a.estimatedMonthlySavings).isCloseTo(expected, CENT);
    assertThat(a.reason).contains("MIG 1g.5gb");
    assertThat(a.evidence)
        .contains("p95 9.0%")
        .contains("peak GPU memory used 3.2 GB of 40 GB")
        .contains("p4d.24xlarge on-demand us-east-1 21.9576 USD/h for 8 GPUs")
        .contains("7 such workloads per GPU")
        // T4: (2.7447 - 0.526) x 730 = 1,619.65 < 1,717.25
        .contains("alternative (savings not additive): smaller_gpu_type, 1619.65 USD/month");
    assertThat(a.windowStart).isEqualTo(Windows.T0);
    assertThat(a.id).isEqualTo(a.fingerprint + "/" + a.openedAt + "/open");
  }

  @Test
  void aWorkloadWhoseMemoryRulesOutSmallSlicesMovesToACheaperType() {
    // 10 GB peak (25%): x 1.2 = 12 GB; MIG 3g.20gb (2 per GPU) or time-slicing 3 per GPU
    // (1 / (0.25 x 1.2) = 3.3) save less than a T4 (16 GB; 9% x 312/65 TFLOPS = 43% <= 70%)
    List<Action> out = run(new ActionState(), "serve/Deployment/mid", 0, 60, m -> 0.09, 0.25);
    assertThat(out)
        .singleElement()
        .satisfies(a -> assertThat(a.kind).isEqualTo(Action.SMALLER_GPU_TYPE));
    Action a = out.get(0);
    assertThat(a.operation).isEqualTo("change_gpu_type");
    assertThat(a.estimatedMonthlySavings).isCloseTo((A100_40_GPU_HOUR - T4_GPU_HOUR) * 730, CENT);
    assertThat(a.reason).contains("g4dn.xlarge (T4)");
    assertThat(a.evidence)
        .contains("g4dn.xlarge on-demand 0.5260 USD/h for 1 GPUs")
        .contains("730 h")
        // time-slicing 3 per GPU: 2.7447 x 2/3 x 730 = 1,335.75
        .contains("share_gpu, 1335.75 USD/month");
  }

  @Test
  void aDeploymentOfManyLightReplicasScalesToItsLoad() {
    // 10 replicas of one A10G at 10%: load 1.0 GPU; at 70% two replicas carry it
    ActionState s = new ActionState();
    List<Action> out =
        run(
            s,
            "serve/Deployment/chat",
            0,
            60,
            10,
            10,
            m -> 0.10,
            0.10,
            w -> {
              w.instanceType = "g5.xlarge";
              w.gpuModel = "NVIDIA A10G";
              w.requests = 1200.0;
            });
    assertThat(out)
        .singleElement()
        .satisfies(a -> assertThat(a.kind).isEqualTo(Action.SCALE_TO_LOAD));
    Action a = out.get(0);
    assertThat(a.operation).isEqualTo("scale_replicas");
    assertThat(a.estimatedMonthlySavings).isCloseTo(8 * A10G_GPU_HOUR * 730, CENT); // 5,875.04
    assertThat(a.reason).contains("10 replicas").contains("2 carry it");
    assertThat(a.evidence)
        .contains("requests p95 1200/min in all, 600/min per replica on 2")
        // time-slicing 4 per GPU on 10 GPUs: 10 x 1.006 x 3/4 x 730 = 5,507.85
        .contains("share_gpu, 5507.85 USD/month");
    assertThat(finder.step(s, window("serve/Deployment/chat", 60, 10, 10, 0.1, 0.1)))
        .as("right_size leaves replicas to scale_to_load")
        .noneMatch(x -> Action.RIGHT_SIZE.equals(x.kind));
  }

  @Test
  void sharingStaysOpenInsideTheHysteresisAndResolvesWhenItNoLongerFitsAtAll() {
    ActionState s = new ActionState();
    String wl = "serve/Deployment/grows";
    assertThat(run(s, wl, 0, 60, m -> 0.05, 0.05)).hasSize(1);
    // 45%: would not open (3g.20gb: 45% x 7/3 = 105% > 70%), but 2 per GPU still fit at 100%
    assertThat(run(s, wl, 60, 130, m -> 0.45, 0.05)).as("one condition, one action").isEmpty();
    // 95%: nothing fits (not even an L40S: 95% x 312/362 TFLOPS = 82% > 70%)
    List<Action> out = run(s, wl, 130, 200, m -> 0.95, 0.05);
    assertThat(out)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.kind).isEqualTo(Action.SHARE_GPU);
              assertThat(a.status).isEqualTo(Action.RESOLVED);
              assertThat(a.reason).contains("no longer fits a shared GPU");
            });
    assertThat(s.open).isEmpty();
    assertThat(s.advised).isEmpty();
  }

  @Test
  void aCheaperTypeResolvesWhenTheWorkloadRunsOnIt() {
    ActionState s = new ActionState();
    String wl = "serve/Deployment/mover";
    assertThat(run(s, wl, 0, 60, m -> 0.09, 0.25)).hasSize(1);
    List<Action> out =
        run(
            s,
            wl,
            60,
            61,
            m -> 0.4,
            0.2,
            w -> {
              w.instanceType = "g4dn.xlarge";
              w.gpuModel = "Tesla T4";
            });
    assertThat(out)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status).isEqualTo(Action.RESOLVED);
              assertThat(a.reason).contains("runs on g4dn.xlarge now");
            });
  }

  @Test
  void unusedGpusComeFirstAndUnknownsGetNoAdvice() {
    // a 4-GPU job at 3%: right_size, no sizing advice beside it
    List<Action> job =
        run(new ActionState(), "ml/Job/idle", 0, 120, 4, 1, m -> 0.03, 0.02, w -> {});
    assertThat(job).extracting(a -> a.kind).containsExactly(Action.RIGHT_SIZE);
    // no memory telemetry: nothing known, nothing advised
    assertThat(
            run(
                new ActionState(),
                "s/Deployment/x",
                0,
                120,
                m -> 0.03,
                0.02,
                w -> w.memoryUsedRatio = null))
        .isEmpty();
    // a GPU model outside the catalogue, or an unpriced instance type
    assertThat(
            run(
                new ActionState(),
                "s/Deployment/y",
                0,
                120,
                m -> 0.03,
                0.02,
                w -> {
                  w.gpuModel = "NVIDIA B200";
                  w.instanceType = "p6-b200.48xlarge";
                }))
        .isEmpty();
  }

  @Test
  void percentilesAreNearestRank() {
    UsageWindow u = new UsageWindow(20);
    for (int i = 1; i <= 20; i++) {
      u.add(i / 100.0, i / 200.0, 2, null);
    }
    UsageWindow.Stats st = u.stats();
    assertThat(st.utilP50()).isEqualTo(0.10); // 10th of 20
    assertThat(st.utilP95()).isEqualTo(0.19); // 19th of 20
    assertThat(st.utilMax()).isEqualTo(0.20);
    assertThat(st.memoryMax()).isEqualTo(0.10);
    assertThat(st.loadP95()).isEqualTo(0.38);
    assertThat(st.requestsP95()).isNaN();
    u.add(0.5, 0.5, 2, null); // the ring drops the oldest (1%)
    assertThat(u.stats().utilP50()).isEqualTo(0.11);
  }

  @Test
  void theCatalogueKnowsTheRateCardsGpuModels() {
    for (RateCard.Price p : RateCard.bundled().rows().values()) {
      assertThat(GpuCatalog.lookup(p.gpuModel())).as(p.gpuModel()).isNotNull();
    }
    assertThat(GpuCatalog.lookup("NVIDIA A100 80GB PCIe")).isSameAs(GpuCatalog.A100_80);
    assertThat(GpuCatalog.lookup("NVIDIA L40S")).isSameAs(GpuCatalog.L40S);
    assertThat(GpuCatalog.lookup("NVIDIA L4")).isSameAs(GpuCatalog.L4);
    assertThat(GpuCatalog.lookup("NVIDIA A10G")).isSameAs(GpuCatalog.A10G);
    assertThat(GpuCatalog.lookup("NVIDIA H100 NVL")).isNull();
  }
}
