package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.jobs.BurnrateTestBase;
import io.burnrate.jobs.onprem.Site;
import io.burnrate.jobs.onprem.Sites;
import io.burnrate.jobs.onprem.Tariff;
import io.burnrate.jobs.pricing.PriceHistory;
import io.burnrate.jobs.pricing.PriceUpdate;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.GpuSample;
import io.burnrate.schemas.model.NodeInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An owned node priced by energy: 8 A100s drawing 400 W each, a day tariff from 07:00 (0.40/kWh,
 * 0.30 before), hardware amortised at 2.50/h; one pod holds 4 GPUs. Hand computation per hour: 8 x
 * 400 W x 1 h = 3.2 kWh; 06:00-07:00 costs 3.2 x 0.30 + 2.5 = 3.46, 07:00-08:00 costs 3.2 x 0.40 +
 * 2.5 = 3.78, whatever the counter resets in between.
 */
class OwnedNodeCostTest extends BurnrateTestBase {
  private static final long H6 = Instant.parse("2026-03-02T06:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;
  private static final Site LAB =
      new Site(
          "lab",
          "EUR",
          new Tariff(
              0.30,
              List.of(
                  new Tariff.Band(
                      LocalTime.of(7, 0), LocalTime.of(23, 0), Tariff.everyDay(), 0.40)),
              ZoneId.of("UTC")),
          87660,
          4,
          1.0,
          Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());

  private KeyedBroadcastOperatorTestHarness<String, NodeEvent, PriceUpdate, PodMinute> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new NodeCostFunction(
                    RateCard.bundled(), new Sites(Map.of("lab", LAB)), 15 * 60_000L),
                List.of(PriceHistory.PRICES)),
            NodeEvent::nodeKey,
            Types.STRING,
            1,
            1,
            0);
    harness.open();
    harness.processBroadcastWatermark(Long.MAX_VALUE);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void ownedNode(String site) throws Exception {
    NodeInfo n = nodeInfo("ADDED", null, 8, H6, -1, H6);
    n.capacityType = null;
    n.region = null;
    n.instanceId = null;
    n.site = site;
    n.gpuProduct = "NVIDIA-A100-SXM4-40GB";
    NodeEvent e = event(n);
    harness.processElement(e, e.timestamp());
  }

  /** Samples every 10 s from 06:00 to 08:00 inclusive; GPU 0's counter resets at 07:30. */
  private void telemetry() throws Exception {
    for (long t = H6; t <= H6 + 2 * HOUR; t += 10_000) {
      for (int gpu = 0; gpu < 8; gpu++) {
        GpuSample s = gpuSample(t, gpu, gpu < 4 ? "trainer" : null, gpu < 4 ? 0.9 : 0.0);
        long sinceStart = t - H6;
        double counter = 1e9 + sinceStart / 10_000.0 * 4e6; // 400 W = 4e6 mJ per 10 s
        if (gpu == 0 && t >= H6 + HOUR + HOUR / 2) {
          counter = (t - (H6 + HOUR + HOUR / 2)) / 10_000.0 * 4e6 + 4e6; // reset, then counts
        }
        s.totalEnergy = counter;
        s.powerUsage = 400;
        NodeEvent e = new NodeEvent();
        e.sample = s;
        e.sourceTopic = "t";
        harness.processElement(e, t);
      }
    }
  }

  private List<CostAllocation> allocations() {
    List<CostAllocation> out = new ArrayList<>();
    var q = harness.getSideOutput(NodeCostFunction.ALLOCATIONS);
    if (q != null) {
      for (StreamRecord<CostAllocation> r : q) {
        out.add(r.getValue());
      }
    }
    return out;
  }

  @Test
  void energyTimesTariffPlusAmortisationConservesAndAResetIsHandled() throws Exception {
    ownedNode("lab");
    NodeEvent pod = podScheduled("trainer", 4, H6);
    harness.processElement(pod, H6);
    telemetry();
    harness.processWatermark(H6 + 2 * HOUR - 1);

    List<CostAllocation> rows = allocations();
    BigDecimal h6 = BigDecimal.ZERO;
    BigDecimal h7 = BigDecimal.ZERO;
    for (CostAllocation a : rows) {
      assertThat(a.costBasis).isEqualTo(CostWindow.BASIS_ENERGY);
      assertThat(a.currency).isEqualTo("EUR");
      if (a.hourStart == H6) {
        h6 = h6.add(a.cost);
        assertThat(a.nodeHourCost).isEqualByComparingTo("3.460000");
      } else {
        h7 = h7.add(a.cost);
        assertThat(a.nodeHourCost).isEqualByComparingTo("3.780000");
      }
    }
    assertThat(h6).as("conservation").isEqualByComparingTo("3.46");
    assertThat(h7).as("conservation, tariff 0.40 from 07:00").isEqualByComparingTo("3.78");
    CostAllocation trainer =
        rows.stream()
            .filter(a -> a.hourStart == H6 && "pod".equals(a.holderKind))
            .findFirst()
            .get();
    assertThat(trainer.cost).isEqualByComparingTo("1.73"); // half the GPUs

    // own versus cloud: the same GPU-seconds on the cheapest cloud A100-40GB, hand-computed
    RateCard.Price od = RateCard.bundled().closestCloud("NVIDIA A100-SXM4-40GB", "on-demand");
    List<PodMinute> minutes = harness.extractOutputValues();
    PodMinute first = minutes.get(0);
    assertThat(first.site).isEqualTo("lab");
    assertThat(first.cloudOnDemandCost)
        .isCloseTo(240 * od.pricePerHour() / od.gpuCount() / 3600, within(1e-12));
    assertThat(first.energyCost).isCloseTo(8 * 400 * 60 / 3.6e6 * 0.30 / 2, within(1e-12));
    assertThat(first.cost).isCloseTo(3.46 / 60 / 2, within(1e-12));
  }

  @Test
  void aSiteThatIsNotConfiguredIsReportedAndUnpricedNeverZero() throws Exception {
    ownedNode("elsewhere");
    telemetry();
    harness.processWatermark(H6 + HOUR - 1);
    assertThat(allocations()).as("the hour is still allocated, unpriced").isNotEmpty();
    for (CostAllocation a : allocations()) {
      assertThat(a.cost).isNull();
      assertThat(a.costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
    }
    var dlq = harness.getSideOutput(NodeCostFunction.DLQ);
    assertThat(dlq).hasSize(1);
    assertThat(dlq.peek().getValue().detail).contains("burnrate.io/site=elsewhere");
  }
}
