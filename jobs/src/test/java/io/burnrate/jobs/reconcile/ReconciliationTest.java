package io.burnrate.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.CostAllocation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Delivery semantics, exact re-splitting, resource ids and which rows price a resource-hour. */
class ReconciliationTest {
  static final long H = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  static final long HOUR = 3_600_000L;

  /** An estimate: two pods (4 and 2 GPUs for the whole hour) on an 8-GPU node, then idle. */
  static List<CostAllocation> estimate(long hourStart, String price) {
    List<CostAllocation> rows = new ArrayList<>();
    rows.add(row(hourStart, "pod", "ml/a", 4 * 3600.0, price));
    rows.add(row(hourStart, "pod", "ml/b", 2 * 3600.0, price));
    rows.add(row(hourStart, "idle", null, 2 * 3600.0, price));
    io.burnrate.jobs.allocation.HourSettlement.split(
        rows, price == null ? null : new BigDecimal(price));
    return rows;
  }

  static CostAllocation row(long hourStart, String kind, String pod, double gpuSeconds, String p) {
    CostAllocation a = new CostAllocation();
    a.id = "prod/gpu-1/" + hourStart + "/" + (pod == null ? "idle" : pod);
    a.cluster = "prod";
    a.node = "gpu-1";
    a.providerInstanceId = "i-0abc";
    a.hourStart = hourStart;
    a.hourEnd = hourStart + HOUR;
    a.holderKind = kind;
    a.pod = pod;
    a.gpus = (int) Math.round(gpuSeconds / 3600);
    a.gpuSeconds = gpuSeconds;
    a.nodeGpuSeconds = 8 * 3600.0;
    a.nodeHourCost = p == null ? null : new BigDecimal(p);
    a.costBasis = p == null ? "unpriced" : "estimated";
    a.currency = "USD";
    return a;
  }

  static BillingCharge charge(double billed, double effective, String delivery, long at) {
    BillingCharge c = new BillingCharge();
    c.resourceKey = "i-0abc";
    c.hourStart = H;
    c.chargeKey = "usage";
    c.billedCost = billed;
    c.effectiveCost = effective;
    c.currency = "USD";
    c.delivery = delivery;
    c.deliveredAt = at;
    return c;
  }

  static ReconHour hour(List<CostAllocation> estimate) {
    ReconHour h = new ReconHour();
    h.hourStart = H;
    h.estimate.addAll(estimate);
    h.complete = true;
    return h;
  }

  @Test
  void correctionSplitsTheEffectiveCostByGpuSecondsAndConservesItExactly() {
    ReconHour h = hour(estimate(H, "32.772600"));
    Reconciliation.apply(h, charge(32.7726, 21.3, "d1", 1));
    List<CostAllocation> rows = Reconciliation.correction(h, Reconciliation.AllocateBy.EFFECTIVE);
    assertThat(rows).hasSize(3);
    assertThat(rows).allSatisfy(r -> assertThat(r.costBasis).isEqualTo("billed"));
    assertThat(rows).allSatisfy(r -> assertThat(r.version).isEqualTo(1));
    assertThat(rows.get(0).cost).isEqualByComparingTo("10.650000"); // 21.3 x 4/8
    assertThat(rows.get(1).cost).isEqualByComparingTo("5.325000");
    assertThat(rows.get(2).cost).isEqualByComparingTo("5.325000");
    assertThat(rows.get(0).billedCost).isEqualByComparingTo("32.7726");
    assertThat(rows.get(0).effectiveCost).isEqualByComparingTo("21.3");
    assertThat(Reconciliation.residual(rows)).isEqualByComparingTo("0");
    // the estimate is not touched
    assertThat(h.estimate.get(0).costBasis).isEqualTo("estimated");
    assertThat(h.estimate.get(0).cost).isEqualByComparingTo("16.386300");
  }

  @Test
  void billedBasisSplitsBilledCost() {
    ReconHour h = hour(estimate(H, "10"));
    Reconciliation.apply(h, charge(9.0, 6.0, "d1", 1));
    List<CostAllocation> rows = Reconciliation.correction(h, Reconciliation.AllocateBy.BILLED);
    assertThat(rows.get(0).nodeHourCost).isEqualByComparingTo("9");
    assertThat(rows.get(0).cost).isEqualByComparingTo("4.5");
  }

  @Test
  void awkwardAmountsStillAddUpToTheMicroDollar() {
    List<CostAllocation> est = new ArrayList<>();
    est.add(row(H, "pod", "ml/a", 1000.0 / 3, "1"));
    est.add(row(H, "pod", "ml/b", 1000.0 / 3, "1"));
    est.add(row(H, "pod", "ml/c", 1000.0 / 3, "1"));
    est.add(row(H, "idle", null, 0, "1"));
    for (CostAllocation a : est) {
      a.nodeGpuSeconds = 1000;
    }
    ReconHour h = hour(est);
    Reconciliation.apply(h, charge(0.000002, 0.000002, null, Long.MIN_VALUE));
    List<CostAllocation> rows = Reconciliation.correction(h, Reconciliation.AllocateBy.EFFECTIVE);
    assertThat(Reconciliation.residual(rows)).isEqualByComparingTo("0");
    assertThat(rows.get(3).cost.signum()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void anUnpricedEstimateGetsItsPriceFromTheBill() {
    ReconHour h = hour(estimate(H, null));
    assertThat(h.estimate.get(0).cost).isNull();
    Reconciliation.apply(h, charge(8.0, 8.0, "d1", 1));
    List<CostAllocation> rows = Reconciliation.correction(h, Reconciliation.AllocateBy.EFFECTIVE);
    assertThat(rows.get(0).cost).isEqualByComparingTo("4");
    assertThat(rows.get(2).cost).isEqualByComparingTo("2");
  }

  @Test
  void aNewerDeliveryRestatesTheHourAnOlderOneIsIgnoredRowsOfOneDeliveryAddUp() {
    ReconHour h = hour(estimate(H, "10"));
    Reconciliation.apply(h, charge(10.0, 10.0, "d1", 100));
    assertThat(Reconciliation.billed(h)).isEqualByComparingTo("10");
    BillingCharge second = charge(1.5, 1.5, "d1", 100);
    second.chargeKey = "other";
    Reconciliation.apply(h, second);
    assertThat(Reconciliation.billed(h)).isEqualByComparingTo("11.5");
    assertThat(Reconciliation.apply(h, charge(12.0, 12.0, "d2", 200)))
        .isEqualTo(Reconciliation.Applied.CHANGED);
    assertThat(Reconciliation.billed(h)).isEqualByComparingTo("12");
    assertThat(Reconciliation.apply(h, charge(99.0, 99.0, "d0", 50)))
        .isEqualTo(Reconciliation.Applied.STALE);
    assertThat(Reconciliation.billed(h)).isEqualByComparingTo("12");
  }

  @Test
  void withoutADeliveryTheLatestRowOfAChargeWins() {
    ReconHour h = hour(estimate(H, "10"));
    Reconciliation.apply(h, charge(10.0, 10.0, null, Long.MIN_VALUE));
    Reconciliation.apply(h, charge(9.5, 9.5, null, Long.MIN_VALUE));
    assertThat(Reconciliation.billed(h)).isEqualByComparingTo("9.5");
  }

  @Test
  void resourceIdsMeetTheProviderIdsInstance() {
    assertThat(ResourceIds.instanceKey("arn:aws:ec2:us-east-1:123456789012:instance/i-0ABC"))
        .isEqualTo("i-0abc");
    assertThat(ResourceIds.instanceKey("i-0abc")).isEqualTo("i-0abc");
    assertThat(ResourceIds.instanceKey("aws:///us-east-1a/i-0abc")).isEqualTo("i-0abc");
    assertThat(
            ResourceIds.instanceKey("//compute.googleapis.com/projects/p/zones/z/instances/gpu-vm"))
        .isEqualTo("gpu-vm");
    assertThat(ResourceIds.instanceKey("gce://p/us-central1-a/gpu-vm")).isEqualTo("gpu-vm");
    assertThat(
            ResourceIds.instanceKey(
                "azure:///subscriptions/S/resourceGroups/RG/providers/"
                    + "Microsoft.Compute/virtualMachines/VM1"))
        .isEqualTo(
            ResourceIds.instanceKey(
                "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1"));
    assertThat(ResourceIds.instanceKey(" ")).isNull();
    assertThat(ResourceIds.instanceKey("NULL")).isNull();
    assertThat(ResourceIds.instanceKey(null)).isNull();
  }

  static BillingLineItem item(String category, String resource, long from, long to, double cost) {
    BillingLineItem r = new BillingLineItem();
    r.chargeCategory = category;
    r.resourceId = resource;
    r.chargePeriodStart = from;
    r.chargePeriodEnd = to;
    r.billedCost = cost;
    r.effectiveCost = cost * 0.6;
    r.billingCurrency = "USD";
    return r;
  }

  @Test
  void onlyUsageRowsOfAResourcePriceAnHourCreditsAndSharedChargesAreNotSpread() {
    assertThat(BillingCharges.of(item("Usage", "i-0abc", H, H + HOUR, 10), "d", 1)).hasSize(1);
    assertThat(BillingCharges.of(item("Credit", "i-0abc", H, H + HOUR, -5), "d", 1)).isEmpty();
    assertThat(BillingCharges.of(item("Adjustment", "i-0abc", H, H + HOUR, -1), "d", 1)).isEmpty();
    assertThat(BillingCharges.of(item("Tax", null, H, H + HOUR, 3), "d", 1)).isEmpty();
    assertThat(BillingCharges.of(item("Usage", null, H, H + HOUR, 3), "d", 1)).isEmpty();
    BillingCharge c = BillingCharges.of(item("usage", "i-0abc", H, H + HOUR, 10), "d", 7).get(0);
    assertThat(c.hourStart).isEqualTo(H);
    assertThat(c.billedCost).isEqualTo(10);
    assertThat(c.effectiveCost).isEqualTo(6);
    assertThat(c.delivery).isEqualTo("d");
    assertThat(c.deliveredAt).isEqualTo(7);
  }

  @Test
  void aDailyRowIsSpreadEvenlyOverItsHoursAndAPartialHourKeepsItsShare() {
    List<BillingCharge> day =
        BillingCharges.of(item("Usage", "i-0abc", H, H + 24 * HOUR, 48), null, 0);
    assertThat(day).hasSize(24);
    assertThat(day).allSatisfy(c -> assertThat(c.billedCost).isEqualTo(2.0));
    List<BillingCharge> partial =
        BillingCharges.of(item("Usage", "i-0abc", H + HOUR / 2, H + 2 * HOUR, 3), null, 0);
    assertThat(partial).hasSize(2);
    assertThat(partial.get(0).hourStart).isEqualTo(H);
    assertThat(partial.get(0).billedCost).isEqualTo(1.0);
    assertThat(partial.get(1).billedCost).isEqualTo(2.0);
  }
}
