package io.burnrate.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.CostAllocation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reconciliation through time: estimate, billed correction, restatement, missing bill, drain. */
class ReconcileFunctionTest {
  private static final long H = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;
  private static final long GRACE = 6 * HOUR;
  private static final long RETENTION = 48 * HOUR;

  private KeyedTwoInputStreamOperatorTestHarness<
          String, CostAllocation, BillingCharge, CostAllocation>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(
                new ReconcileFunction(Reconciliation.AllocateBy.EFFECTIVE, GRACE, RETENTION)),
            a -> a.providerInstanceId,
            c -> c.resourceKey,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void estimate(long hourStart, String price) throws Exception {
    for (CostAllocation a : estimateRows(hourStart, price)) {
      harness.processElement1(a, hourStart + HOUR - 1);
    }
  }

  static List<CostAllocation> estimateRows(long hourStart, String price) {
    List<CostAllocation> rows = new ArrayList<>();
    rows.add(row(hourStart, "pod", "ml/a", 4 * 3600.0, price));
    rows.add(row(hourStart, "pod", "ml/b", 2 * 3600.0, price));
    rows.add(row(hourStart, "idle", null, 2 * 3600.0, price));
    io.burnrate.jobs.allocation.HourSettlement.split(rows, new BigDecimal(price));
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
    a.gpuSeconds = gpuSeconds;
    a.nodeGpuSeconds = 8 * 3600.0;
    a.nodeHourCost = new BigDecimal(p);
    a.costBasis = "estimated";
    a.currency = "USD";
    return a;
  }

  private void bill(long hourStart, double effective, String delivery, long at) throws Exception {
    bill(hourStart, hourStart + HOUR, effective, delivery, at);
  }

  private void bill(long from, long to, double effective, String delivery, long at)
      throws Exception {
    BillingCharge c = new BillingCharge();
    c.resourceKey = "i-0abc";
    c.periodStart = from;
    c.periodEnd = to;
    c.chargeKey = "usage|" + from + "|" + to;
    c.rowId = "s3://bills/focus.csv#" + from;
    c.slice = "acct/2026-01";
    c.billedCost = effective * 1.5;
    c.effectiveCost = effective;
    c.currency = "USD";
    c.delivery = delivery;
    c.deliveredAt = at;
    harness.processElement2(c, from);
  }

  private List<CostAllocation> corrections() {
    List<CostAllocation> out = new ArrayList<>();
    for (Object o : harness.getOutput()) {
      if (o instanceof StreamRecord<?> r) {
        out.add((CostAllocation) r.getValue());
      }
    }
    harness.getOutput().clear();
    return out;
  }

  private List<Alert> alerts() {
    List<Alert> out = new ArrayList<>();
    var q = harness.getSideOutput(ReconcileFunction.ALERTS);
    if (q != null) {
      for (StreamRecord<Alert> r : q) {
        out.add(r.getValue());
      }
      q.clear();
    }
    return out;
  }

  private static BigDecimal total(List<CostAllocation> rows) {
    return rows.stream().map(a -> a.cost).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void billingAfterTheEstimateCorrectsItAndARestatementSupersedesIt() throws Exception {
    estimate(H, "32.772600");
    assertThat(corrections()).isEmpty();
    harness.processWatermark1(new Watermark(H + HOUR));

    bill(H, 20.0, "2026-01-06", 1);
    List<CostAllocation> v1 = corrections();
    assertThat(v1).hasSize(3);
    assertThat(v1).allSatisfy(a -> assertThat(a.costBasis).isEqualTo("billed"));
    assertThat(v1).allSatisfy(a -> assertThat(a.version).isEqualTo(1));
    assertThat(total(v1)).isEqualByComparingTo("20");
    assertThat(v1.get(0).cost).isEqualByComparingTo("10");

    bill(H, 22.0, "2026-01-07", 2); // the export restates the month
    List<CostAllocation> v2 = corrections();
    assertThat(v2).allSatisfy(a -> assertThat(a.version).isEqualTo(2));
    assertThat(total(v2)).isEqualByComparingTo("22");
    assertThat(v2.get(0).billingDelivery).isEqualTo("2026-01-07");

    bill(H, 99.0, "2026-01-05", 0); // an older delivery arriving late changes nothing
    assertThat(corrections()).isEmpty();
  }

  @Test
  void billingBeforeTheEstimateWaitsForIt() throws Exception {
    bill(H, 16.0, "d1", 1);
    assertThat(corrections()).isEmpty();
    estimate(H, "32.772600");
    List<CostAllocation> rows = corrections();
    assertThat(rows).hasSize(3);
    assertThat(total(rows)).isEqualByComparingTo("16");
  }

  @Test
  void billingForAnHourNeverAllocatedIsNotKept() throws Exception {
    harness.processWatermark1(new Watermark(H + 5 * HOUR));
    harness.processWatermark2(new Watermark(H + 5 * HOUR));
    bill(H, 16.0, "d1", 1);
    assertThat(corrections()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void anAllocatedHourWithoutBillingRaisesOneAlertResolvedWhenBillingArrives() throws Exception {
    estimate(H, "10");
    estimate(H + HOUR, "10");
    harness.processWatermark1(new Watermark(H + 2 * HOUR + GRACE));
    harness.processWatermark2(new Watermark(H + 2 * HOUR + GRACE));
    List<Alert> firing = alerts();
    assertThat(firing).hasSize(1);
    assertThat(firing.get(0).alertname).isEqualTo("BillingMissing");
    assertThat(firing.get(0).status).isEqualTo(Alert.FIRING);
    assertThat(firing.get(0).labels).containsEntry("provider_instance_id", "i-0abc");

    bill(H, 8.0, "d1", 1);
    List<Alert> resolved = alerts();
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).status).isEqualTo(Alert.RESOLVED);
    assertThat(resolved.get(0).fingerprint).isEqualTo(firing.get(0).fingerprint);
    assertThat(corrections()).hasSize(3);
  }

  @Test
  void endOfInputDoesNotReportHoursWhoseGraceHasNotPassed() throws Exception {
    estimate(H, "10");
    harness.processWatermark1(new Watermark(Long.MAX_VALUE));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
    assertThat(alerts()).isEmpty();
  }

  @Test
  void billingThatArrivesAfterTheEndOfInputStillCorrectsItsHour() throws Exception {
    // a bounded run (or a drain): the estimate's side reaches the end of time first; billing is
    // outside event time and arrives after it, and must not be dropped as unmatched
    estimate(H, "10");
    corrections();
    harness.processWatermark1(new Watermark(Long.MAX_VALUE));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
    bill(H, 8.0, "d1", 1);
    List<CostAllocation> rows = corrections();
    assertThat(rows).hasSize(3);
    assertThat(total(rows)).isEqualByComparingTo("8");
  }

  @Test
  void stateDrainsAfterRetention() throws Exception {
    estimate(H, "10");
    bill(H, 8.0, "d1", 1);
    corrections();
    harness.processWatermark1(new Watermark(H + HOUR + RETENTION));
    harness.processWatermark2(new Watermark(H + HOUR + RETENTION));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aDailyRowOfANodeThatRanThreeHoursIsReconciledToTheWholeDailyCharge() throws Exception {
    long day = H - 10 * HOUR; // 2026-01-05T00:00Z; the node ran 10:00-13:00
    estimate(H, "10");
    estimate(H + HOUR, "10");
    estimate(H + 2 * HOUR, "10");
    corrections();
    harness.processWatermark1(new Watermark(day + 24 * HOUR));
    harness.processWatermark2(new Watermark(day + 24 * HOUR));
    bill(day, day + 24 * HOUR, 72.0, "azure-2026-01-06", 1); // one daily FOCUS row
    List<CostAllocation> rows = corrections();
    assertThat(rows).hasSize(9); // three hours x (two pods + idle)
    assertThat(rows).allSatisfy(a -> assertThat(a.costBasis).isEqualTo("billed"));
    assertThat(rows).noneMatch(a -> CostAllocation.HOLDER_UNALLOCATED.equals(a.holderKind));
    assertThat(total(rows)).isEqualByComparingTo("72"); // not 72 x 3/24
    assertThat(rows.stream().filter(a -> a.hourStart == H + HOUR).toList())
        .extracting(a -> a.nodeHourCost)
        .allSatisfy(c -> assertThat(c).isEqualByComparingTo("24"));
  }

  @Test
  void aDailyRowArrivingBeforeTheDayIsOverFollowsTheHoursAsTheyCome() throws Exception {
    long day = H - 10 * HOUR;
    bill(day, day + 24 * HOUR, 30.0, "d1", 1);
    estimate(H, "10");
    assertThat(total(corrections())).isEqualByComparingTo("30"); // all of it on the one hour so far
    estimate(H + HOUR, "10");
    List<CostAllocation> v2 = corrections();
    // both hours re-published: 15 each, the first at version 2
    assertThat(total(v2)).isEqualByComparingTo("30");
    assertThat(v2.stream().filter(a -> a.hourStart == H).findFirst().orElseThrow().version)
        .isEqualTo(2);
  }

  @Test
  void theSameRowDeliveredTwiceChangesNoTotalAndPublishesNothing() throws Exception {
    estimate(H, "10");
    corrections();
    bill(H, 8.0, "d1", 1);
    assertThat(total(corrections())).isEqualByComparingTo("8");
    bill(H, 8.0, "d1", 1); // the same delivery's row again (a re-run after a crash)
    assertThat(corrections()).isEmpty();
    BillingCharge other = new BillingCharge(); // another row of the same delivery adds
    other.resourceKey = "i-0abc";
    other.periodStart = H;
    other.periodEnd = H + HOUR;
    other.chargeKey = "support-share";
    other.rowId = "s3://bills/focus.csv#999";
    other.slice = "acct/2026-01";
    other.billedCost = 1.5;
    other.effectiveCost = 1.0;
    other.currency = "USD";
    other.delivery = "d1";
    other.deliveredAt = 1;
    harness.processElement2(other, H);
    List<CostAllocation> v2 = corrections();
    assertThat(total(v2)).isEqualByComparingTo("9");
    assertThat(v2).allSatisfy(a -> assertThat(a.version).isEqualTo(2));
  }

  @Test
  void billedMoneyForHoursTheNodeDidNotRunIsAnUnallocatedLineNeverDropped() throws Exception {
    estimate(H, "10");
    corrections();
    bill(H + 3 * HOUR, 5.0, "d1", 1); // billed for 13:00, but the node ran 10:00-11:00 only
    assertThat(corrections()).isEmpty(); // its hour is not over yet
    harness.processWatermark1(new Watermark(H + 4 * HOUR));
    harness.processWatermark2(new Watermark(H + 4 * HOUR));
    List<CostAllocation> lines = corrections();
    assertThat(lines).hasSize(1);
    CostAllocation line = lines.get(0);
    assertThat(line.holderKind).isEqualTo(CostAllocation.HOLDER_UNALLOCATED);
    assertThat(line.unallocatedReason).isEqualTo("no_allocated_hour");
    assertThat(line.cost).isEqualByComparingTo("5");
    assertThat(line.billedCost).isEqualByComparingTo("7.5");
    assertThat(line.node).isEqualTo("gpu-1");
    assertThat(line.version).isEqualTo(1);
    // a newer delivery moves the charge onto the hour the node ran: the line goes to 0
    bill(H + 3 * HOUR, 0.0, "d2", 2);
    bill(H, 5.0, "d2", 2);
    List<CostAllocation> after = corrections();
    assertThat(after)
        .filteredOn(a -> CostAllocation.HOLDER_UNALLOCATED.equals(a.holderKind))
        .last()
        .satisfies(a -> assertThat(a.cost).isEqualByComparingTo("0"));
    assertThat(total(after.stream().filter(a -> a.hourStart == H && a.version == 1).toList()))
        .isEqualByComparingTo("5");
  }
}
