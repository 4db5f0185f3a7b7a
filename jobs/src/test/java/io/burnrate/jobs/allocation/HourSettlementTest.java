package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.BurnrateTestBase;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HourSettlementTest extends BurnrateTestBase {

  private static HourAcc hour(long nodeMillis, int capacity) {
    HourAcc acc = new HourAcc();
    acc.hourStart = t(0);
    acc.nodeMillis = nodeMillis;
    acc.nodeGpuSeconds = capacity * nodeMillis / 1000.0;
    return acc;
  }

  private static void hold(HourAcc acc, String pod, int gpus, double gpuSeconds) {
    HourAcc.HolderAcc h = new HourAcc.HolderAcc();
    h.podKey = "ml/" + pod;
    h.namespace = "ml";
    h.pod = pod;
    h.workload = "ml/Job/" + pod;
    h.team = "research";
    h.gpus = gpus;
    h.gpuSeconds = gpuSeconds;
    acc.holders.put(h.podKey, h);
  }

  private static BigDecimal sum(List<CostAllocation> rows) {
    return rows.stream().map(a -> a.cost).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static Map<String, CostAllocation> byHolder(List<CostAllocation> rows) {
    return rows.stream()
        .collect(
            Collectors.toMap(
                a -> a.holderKind.equals(CostAllocation.HOLDER_IDLE) ? "idle" : a.pod,
                Function.identity()));
  }

  @Test
  void rowsAddUpToTheNodeHourPriceExactlyForManyRandomHours() {
    Random random = new Random(20250301L);
    for (int trial = 0; trial < 5_000; trial++) {
      int capacity = 1 + random.nextInt(8);
      long nodeMillis = 1 + random.nextInt((int) HOUR);
      // prices with 4 decimals, like the rate card
      double price = (1 + random.nextInt(1_200_000)) / 10_000.0;
      NodeMeta node = nodeMeta(capacity, price);
      HourAcc acc = hour(nodeMillis, capacity);
      int pods = random.nextInt(7);
      double left = acc.nodeGpuSeconds;
      boolean fullyAllocated = random.nextBoolean();
      for (int p = 0; p < pods; p++) {
        double share = p == pods - 1 && fullyAllocated ? left : left * random.nextDouble() * 0.7;
        // GPU-seconds are whole milliseconds x GPUs, as the minute allocator produces them
        share = Math.floor(share * 1000) / 1000.0;
        left -= share;
        hold(acc, "pod-" + p, 1 + random.nextInt(capacity), share);
      }

      List<CostAllocation> rows = HourSettlement.settle(node, acc);

      BigDecimal expected =
          BigDecimal.valueOf(price)
              .multiply(BigDecimal.valueOf(nodeMillis))
              .divide(BigDecimal.valueOf(HOUR), 6, RoundingMode.HALF_EVEN);
      String what = "trial " + trial + ": " + rows;
      assertThat(rows).as(what).hasSize(pods + 1);
      assertThat(rows)
          .as(what)
          .allSatisfy(a -> assertThat(a.nodeHourCost).isEqualByComparingTo(expected));
      assertThat(rows).as(what).allSatisfy(a -> assertThat(a.cost.scale()).isEqualTo(6));
      assertThat(rows)
          .as(what)
          .allSatisfy(a -> assertThat(a.cost.signum()).isGreaterThanOrEqualTo(0));
      assertThat(sum(rows)).as(what).isEqualByComparingTo(expected);
    }
  }

  @Test
  void threeEqualThirdsRoundingDownLeaveTheMicroUnitToIdle() {
    NodeMeta node = nodeMeta(8, 10.0);
    HourAcc acc = hour(HOUR, 8); // 28,800 GPU-seconds
    hold(acc, "a", 8, 9_600);
    hold(acc, "b", 8, 9_600);
    hold(acc, "c", 8, 9_600);

    Map<String, CostAllocation> rows = byHolder(HourSettlement.settle(node, acc));

    // 10 / 3 = 3.3333333... -> 3.333333 each; idle takes the exact remainder
    assertThat(rows.get("a").cost).isEqualByComparingTo("3.333333");
    assertThat(rows.get("b").cost).isEqualByComparingTo("3.333333");
    assertThat(rows.get("c").cost).isEqualByComparingTo("3.333333");
    assertThat(rows.get("idle").cost).isEqualByComparingTo("0.000001");
    assertThat(rows.get("idle").gpuSeconds).isZero();
    assertThat(sum(List.copyOf(rows.values()))).isEqualByComparingTo("10.000000");
  }

  @Test
  void threeEqualThirdsRoundingUpAreTakenBackFromTheLargest() {
    NodeMeta node = nodeMeta(8, 20.0);
    HourAcc acc = hour(HOUR, 8);
    hold(acc, "a", 8, 9_600);
    hold(acc, "b", 8, 9_600);
    hold(acc, "c", 8, 9_600);

    Map<String, CostAllocation> rows = byHolder(HourSettlement.settle(node, acc));

    // 20 / 3 = 6.6666666... -> 6.666667 each = 20.000001: one micro-unit too many, taken from
    // the first largest row (by pod key); idle gets 0, never negative
    assertThat(rows.get("a").cost).isEqualByComparingTo("6.666666");
    assertThat(rows.get("b").cost).isEqualByComparingTo("6.666667");
    assertThat(rows.get("c").cost).isEqualByComparingTo("6.666667");
    assertThat(rows.get("idle").cost).isEqualByComparingTo("0");
    assertThat(sum(List.copyOf(rows.values()))).isEqualByComparingTo("20");
  }

  @Test
  void awkwardSharesAreRoundedHalfEvenAndIdleTakesTheRest() {
    NodeMeta node = nodeMeta(8, P4D_PRICE);
    HourAcc acc = hour(HOUR, 8); // 28,800 GPU-seconds, 21.957600
    hold(acc, "a", 4, 7_001); // 21.9576 x 7001/28800 = 5.33767908...
    hold(acc, "b", 2, 3_333); // 21.9576 x 3333/28800 = 2.54113475
    hold(acc, "c", 1, 1_111); // 21.9576 x 1111/28800 = 0.84704491...

    Map<String, CostAllocation> rows = byHolder(HourSettlement.settle(node, acc));

    assertThat(rows.get("a").cost).isEqualByComparingTo("5.337679");
    assertThat(rows.get("b").cost).isEqualByComparingTo("2.541135");
    assertThat(rows.get("c").cost).isEqualByComparingTo("0.847045");
    assertThat(rows.get("idle").cost).isEqualByComparingTo("13.231741"); // 21.9576 - 8.725859
    assertThat(rows.get("idle").cost)
        .isEqualByComparingTo(
            new BigDecimal("21.957600")
                .subtract(rows.get("a").cost)
                .subtract(rows.get("b").cost)
                .subtract(rows.get("c").cost));
    assertThat(rows.get("idle").gpuSeconds).isEqualTo(28_800.0 - 7_001 - 3_333 - 1_111);
    assertThat(sum(List.copyOf(rows.values()))).isEqualByComparingTo("21.9576");
  }

  @Test
  void partialHourCostsThePartTheNodeExisted() {
    NodeMeta node = nodeMeta(8, 10.0001);
    HourAcc acc = hour(40 * MINUTE, 8); // 19,200 GPU-seconds
    hold(acc, "a", 4, 9_600);

    List<CostAllocation> rows = HourSettlement.settle(node, acc);

    // 10.0001 x 40/60 = 6.6667333... -> 6.666733
    assertThat(rows).allSatisfy(a -> assertThat(a.nodeHourCost).isEqualByComparingTo("6.666733"));
    Map<String, CostAllocation> by = byHolder(rows);
    // half of it: 3.3333665, a tie rounded half-even down to 3.333366; idle takes 3.333367
    assertThat(by.get("a").cost).isEqualByComparingTo("3.333366");
    assertThat(by.get("idle").cost).isEqualByComparingTo("3.333367");
    assertThat(by.get("idle").gpuSeconds).isEqualTo(9_600.0);
    CostAllocation a = by.get("a");
    assertThat(a.hourStart).isEqualTo(t(0));
    assertThat(a.hourEnd).isEqualTo(t(3600));
    assertThat(a.holderKind).isEqualTo(CostAllocation.HOLDER_POD);
    assertThat(a.id).isEqualTo(CLUSTER + "/" + NODE + "/" + t(0) + "/ml/a");
    assertThat(a.nodeGpuSeconds).isEqualTo(19_200.0);
    assertThat(a.costBasis).isEqualTo(CostWindow.BASIS_ESTIMATED);
    assertThat(a.currency).isEqualTo("USD");
    assertThat(by.get("idle").id).isEqualTo(CLUSTER + "/" + NODE + "/" + t(0) + "/idle");
  }

  @Test
  void unpricedNodeHasNullCosts() {
    NodeMeta node = nodeMeta(8, Double.NaN);
    HourAcc acc = hour(HOUR, 8);
    hold(acc, "a", 4, 14_400);

    List<CostAllocation> rows = HourSettlement.settle(node, acc);

    assertThat(rows).hasSize(2);
    assertThat(rows)
        .allSatisfy(
            a -> {
              assertThat(a.cost).isNull();
              assertThat(a.nodeHourCost).isNull();
              assertThat(a.costBasis).isEqualTo(CostWindow.BASIS_UNPRICED);
            });
    assertThat(byHolder(rows).get("idle").gpuSeconds).isEqualTo(14_400.0);
  }

  @Test
  void emptyHourHasNoRows() {
    assertThat(HourSettlement.settle(nodeMeta(8, 10.0), new HourAcc())).isEmpty();
    assertThat(HourSettlement.settle(nodeMeta(8, 10.0), hour(0, 8))).isEmpty();
  }
}
