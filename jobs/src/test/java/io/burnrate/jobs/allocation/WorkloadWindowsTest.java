package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.jobs.BurnrateTestBase;
import io.burnrate.schemas.model.CostWindow;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class WorkloadWindowsTest extends BurnrateTestBase {
  private static final Offset<Double> EPS = within(1e-12);

  private static CostWindow window(PodMinute... minutes) {
    WorkloadWindows.Sum sum = new WorkloadWindows.Sum();
    WorkloadAcc acc = sum.createAccumulator();
    for (PodMinute m : minutes) {
      acc = sum.add(m, acc);
    }
    return WorkloadWindows.toWindow(sum.getResult(acc), t(0), t(60));
  }

  /** Worker 0: 240 GPU-s, all with telemetry at 50 %, $0.30, 1200 samples. */
  private static PodMinute worker0() {
    PodMinute m = podMinute("worker-0", t(0), 240, 0.30);
    m.workload = "ml/Job/train";
    m.utilWeight = 240;
    m.utilWeighted = 0.5 * 240;
    m.samples = 1200;
    return m;
  }

  /** Worker 1: 120 GPU-s, half of it with telemetry at 80 %, $0.15, 600 samples. */
  private static PodMinute worker1() {
    PodMinute m = podMinute("worker-1", t(0), 120, 0.15);
    m.workload = "ml/Job/train";
    m.utilWeight = 60;
    m.utilWeighted = 0.8 * 60;
    m.samples = 600;
    return m;
  }

  @Test
  void sumsTheWorkloadsPodMinutes() {
    CostWindow w = window(worker0(), worker1());

    assertThat(w.kind).isEqualTo(CostWindow.KIND_WORKLOAD);
    assertThat(w.id).isEqualTo("workload/" + CLUSTER + "/ml/Job/train/" + t(0));
    assertThat(w.windowStart).isEqualTo(t(0));
    assertThat(w.windowEnd).isEqualTo(t(60));
    assertThat(w.emittedAt).isEqualTo(t(60));
    assertThat(w.workload).isEqualTo("ml/Job/train");
    assertThat(w.team).isEqualTo("research");
    assertThat(w.node).isEqualTo(NODE);
    assertThat(w.pods).isEqualTo(2);
    assertThat(w.gpuSeconds).isEqualTo(360.0);
    assertThat(w.telemetryCoverage).isCloseTo(300.0 / 360.0, EPS);
    // (120 + 48) / (240 + 60) = 0.56
    assertThat(w.meanUtilization).isCloseTo(0.56, EPS);
    assertThat(w.efficiency).isCloseTo(0.56, EPS);
    assertThat(w.cost).isCloseTo(0.45, EPS);
    assertThat(w.costBasis).isEqualTo(CostWindow.BASIS_ESTIMATED);
    assertThat(w.currency).isEqualTo("USD");
    assertThat(w.wastedCost).isCloseTo(0.198, EPS); // 0.45 x (1 - 0.56)
    assertThat(w.samples).isEqualTo(1800.0);
    assertThat(w.costPerSample).isCloseTo(0.00025, EPS); // 0.45 / 1800
    assertThat(w.tokens).isNull();
    assertThat(w.requests).isNull();
  }

  @Test
  void costPerSampleBothWaysAndWithTheIdleShareWhereConfigured() {
    PodMinute a = worker0();
    a.idleShareCost = 0.06;
    PodMinute b = worker1();
    b.idleShareCost = 0.03;
    WorkloadWindows.Sum sum = new WorkloadWindows.Sum();
    WorkloadAcc acc = sum.createAccumulator();
    sum.add(a, acc);
    sum.add(b, acc);
    CostWindow plain = WorkloadWindows.toWindow(acc, t(0), t(60), false);
    assertThat(plain.idleShareCost).isCloseTo(0.09, EPS);
    assertThat(plain.usageCost).isCloseTo(0.252, EPS); // 0.45 x 0.56: active GPU time only
    assertThat(plain.costPerSampleUsage).isCloseTo(0.252 / 1800, EPS);
    assertThat(plain.costPerSample).isCloseTo(0.45 / 1800, EPS);
    CostWindow withIdle = WorkloadWindows.toWindow(acc, t(0), t(60), true);
    assertThat(withIdle.costPerSample).isCloseTo((0.45 + 0.09) / 1800, EPS);
    assertThat(withIdle.cost).as("the cost itself never includes idle").isCloseTo(0.45, EPS);
  }

  @Test
  void trainingGaugesReachTheWindow() {
    PodMinute a = worker0();
    a.loss = 2.5;
    a.step = 1200;
    PodMinute b = worker1();
    b.loss = 2.4;
    b.valLoss = 2.7;
    b.step = 1201;
    b.totalSteps = 50_000;
    b.lossNonFinite = true;
    CostWindow w = window(a, b);
    assertThat(w.totalSteps).isEqualTo(50_000.0);
    assertThat(window(worker0()).totalSteps).as("not reported").isNull();
    assertThat(w.loss).isEqualTo(2.5);
    assertThat(w.valLoss).isEqualTo(2.7);
    assertThat(w.step).isEqualTo(1201.0);
    assertThat(w.lossNonFinite).isTrue();
    assertThat(window(worker0()).valLoss).as("no evaluation in the window").isNull();
  }

  @Test
  void inferenceCostPerMillionTokensAndPerThousandRequests() {
    PodMinute a = podMinute("server-a", t(0), 60, 0.12);
    a.workload = "ml/Deployment/serve";
    a.tokens = 50_000;
    a.requests = 160;
    PodMinute b = podMinute("server-b", t(0), 60, 0.12);
    b.workload = "ml/Deployment/serve";
    b.tokens = 30_000;
    b.requests = 80;

    CostWindow w = window(a, b);

    assertThat(w.tokens).isEqualTo(80_000.0);
    assertThat(w.requests).isEqualTo(240.0);
    assertThat(w.costPerMillionTokens).isCloseTo(0.24 / 80_000 * 1e6, EPS); // $3.00 per 1M tokens
    assertThat(w.costPerThousandRequests).isCloseTo(0.24 / 240 * 1e3, EPS); // $1.00 per 1k requests
    assertThat(w.costPerSample).isNull();
  }

  @Test
  void anUnpricedPodMinuteMakesTheWholeCostNull() {
    PodMinute unpriced = worker1();
    unpriced.cost = Double.NaN;
    unpriced.costBasis = CostWindow.BASIS_UNPRICED;
    unpriced.currency = null;

    CostWindow w = window(worker0(), unpriced);

    assertThat(w.cost).isNull();
    assertThat(w.costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
    assertThat(w.wastedCost).isNull();
    assertThat(w.costPerSample).isNull();
    assertThat(w.gpuSeconds).isEqualTo(360.0);
    assertThat(w.samples).isEqualTo(1800.0);
    assertThat(w.meanUtilization).isCloseTo(0.56, EPS);
  }

  @Test
  void withoutTelemetryUtilisationIsNullNotZero() {
    PodMinute m = podMinute("worker-0", t(0), 240, 0.30);
    CostWindow w = window(m);
    assertThat(w.meanUtilization).isNull();
    assertThat(w.efficiency).isNull();
    assertThat(w.wastedCost).isNull();
    assertThat(w.samples).isNull();
    assertThat(w.costPerSample).isNull();
    assertThat(w.cost).isCloseTo(0.30, EPS);
    assertThat(w.telemetryCoverage).isZero();
  }

  @Test
  void workloadOnSeveralNodesHasNoSingleNode() {
    PodMinute other = worker1();
    other.node = "ip-10-0-1-18";
    other.instanceType = "p5.48xlarge";
    CostWindow w = window(worker0(), other);
    assertThat(w.node).isNull();
    assertThat(w.instanceType).isNull();
    assertThat(w.capacityType).isNull();
    assertThat(w.cost).isCloseTo(0.45, EPS);
  }

  @Test
  void resultDoesNotDependOnTheOrderOfPodMinutes() {
    PodMinute progressOnly = podMinute("worker-2", t(0), 0, Double.NaN);
    progressOnly.workload = "ml/Job/train";
    progressOnly.node = null;
    progressOnly.instanceType = null;
    progressOnly.capacityType = null;
    progressOnly.region = null;
    progressOnly.gpuModel = null;
    progressOnly.samples = 200;

    CostWindow gpuFirst = window(worker0(), progressOnly);
    CostWindow progressFirst = window(progressOnly, worker0());

    assertThat(progressFirst.cost).isCloseTo(0.30, EPS);
    assertThat(progressFirst.costBasis)
        .as("a priced cost must not be labelled 'unpriced' (basis taken from the first minute)")
        .isEqualTo(CostWindow.BASIS_ESTIMATED);
    assertThat(progressFirst.currency).isEqualTo("USD");
    assertThat(progressFirst)
        .usingRecursiveComparison()
        .comparingOnlyFields(
            "cost",
            "costBasis",
            "currency",
            "node",
            "instanceType",
            "capacityType",
            "region",
            "gpuModel",
            "samples",
            "costPerSample",
            "gpuSeconds")
        .isEqualTo(gpuFirst);
  }

  @Test
  void progressOnlyMinuteDoesNotMakeTheWorkloadUnpriced() {
    PodMinute progressOnly = podMinute("worker-2", t(0), 0, Double.NaN);
    progressOnly.workload = "ml/Job/train";
    progressOnly.samples = 200;

    CostWindow w = window(worker0(), progressOnly);

    assertThat(w.cost).isCloseTo(0.30, EPS);
    assertThat(w.samples).isEqualTo(1400.0);
    assertThat(w.costPerSample).isCloseTo(0.30 / 1400, EPS);
  }

  @Test
  void aWorkloadOnSeveralKindsOfNodeGetsTheSameWindowWhateverTheOrderOfItsMinutes() {
    PodMinute a100 = worker0();
    a100.node = "node-b";
    a100.gpuModel = "NVIDIA-A100-SXM4-40GB";
    a100.region = "us-east-1";
    a100.instanceType = "p4d.24xlarge";
    PodMinute h100 = worker1();
    h100.node = "node-a";
    h100.gpuModel = "NVIDIA-H100-80GB-HBM3";
    h100.region = "us-central1";
    h100.instanceType = "a3-highgpu-8g";

    CostWindow oneWay = window(a100, h100);
    CostWindow otherWay = window(h100, a100);

    assertThat(oneWay.gpuModel).isEqualTo("NVIDIA-A100-SXM4-40GB").isEqualTo(otherWay.gpuModel);
    assertThat(oneWay.region).isEqualTo("us-central1").isEqualTo(otherWay.region);
    assertThat(oneWay.instanceType).isEqualTo(otherWay.instanceType);
    assertThat(oneWay.node).isEqualTo(otherWay.node);
  }
}
