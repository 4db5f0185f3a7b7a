package io.burnrate.jobs.allocation;

import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a node's hour into allocation rows that conserve money exactly: the node-hour price (the
 * hourly rate x the part of the hour the node existed, rounded to micro-units) is split over the
 * pods by GPU-seconds, each share rounded half-even to micro-units, and the idle row takes the
 * exact remainder. So for every node and hour, the rows add up to the price to the micro-unit.
 */
public final class HourSettlement {
  private static final int SCALE = TableSchemas.MONEY_SCALE;

  private HourSettlement() {}

  public static List<CostAllocation> settle(NodeMeta node, HourAcc acc) {
    List<CostAllocation> rows = new ArrayList<>();
    if (acc.hourStart == Long.MIN_VALUE || acc.nodeMillis <= 0 || acc.nodeGpuSeconds <= 0) {
      return rows;
    }
    long hourEnd = acc.hourStart + Intervals.HOUR;
    BigDecimal hourCost = null;
    if (acc.cost != null && !acc.unpriced) {
      hourCost = acc.cost.setScale(SCALE, RoundingMode.HALF_EVEN);
    } else if (acc.cost == null && !acc.unpriced && node.priced()) {
      hourCost =
          BigDecimal.valueOf(node.pricePerHour)
              .multiply(BigDecimal.valueOf(acc.nodeMillis))
              .divide(BigDecimal.valueOf(Intervals.HOUR), SCALE, RoundingMode.HALF_EVEN);
    }
    List<HourAcc.HolderAcc> holders = new ArrayList<>(acc.holders.values());
    holders.sort(Comparator.comparing(h -> h.podKey));
    double heldGpuSeconds = 0;
    for (HourAcc.HolderAcc h : holders) {
      CostAllocation a = base(node, acc, hourEnd, hourCost);
      a.id = node.cluster + "/" + node.name + "/" + acc.hourStart + "/" + h.podKey;
      a.holderKind = CostAllocation.HOLDER_POD;
      a.namespace = h.namespace;
      a.pod = h.pod;
      a.workload = h.workload;
      a.team = h.team;
      a.project = h.project;
      a.costCenter = h.costCenter;
      a.gpus = h.gpus;
      a.gpuSeconds = h.gpuSeconds;
      heldGpuSeconds += h.gpuSeconds;
      rows.add(a);
    }
    CostAllocation idle = base(node, acc, hourEnd, hourCost);
    idle.id = node.cluster + "/" + node.name + "/" + acc.hourStart + "/idle";
    idle.holderKind = CostAllocation.HOLDER_IDLE;
    idle.gpuSeconds = Math.max(0, acc.nodeGpuSeconds - heldGpuSeconds);
    rows.add(idle);
    split(rows, hourCost);
    return rows;
  }

  /**
   * Sets {@code cost} on the rows of one node-hour (pods first, the idle row last): each pod's
   * share of {@code hourCost} by GPU-seconds of the node's GPU-seconds, rounded half-even to
   * micro-units, and the idle row the exact remainder, so that the rows add up to {@code hourCost}
   * exactly. If rounding pushes the shares past the amount, the difference comes off the largest
   * share. A null amount (unpriced) leaves every cost null. Works for negative amounts too.
   */
  public static void split(List<CostAllocation> rows, BigDecimal hourCost) {
    CostAllocation idle = rows.get(rows.size() - 1);
    if (hourCost == null) {
      for (CostAllocation a : rows) {
        a.cost = null;
      }
      return;
    }
    BigDecimal allocated = BigDecimal.ZERO.setScale(SCALE);
    CostAllocation largest = null;
    for (int i = 0; i < rows.size() - 1; i++) {
      CostAllocation a = rows.get(i);
      a.cost =
          a.nodeGpuSeconds > 0
              ? hourCost
                  .multiply(BigDecimal.valueOf(a.gpuSeconds))
                  .divide(BigDecimal.valueOf(a.nodeGpuSeconds), SCALE, RoundingMode.HALF_EVEN)
              : BigDecimal.ZERO.setScale(SCALE);
      allocated = allocated.add(a.cost);
      if (largest == null || a.cost.abs().compareTo(largest.cost.abs()) > 0) {
        largest = a;
      }
    }
    BigDecimal rest = hourCost.setScale(SCALE, RoundingMode.HALF_EVEN).subtract(allocated);
    if (largest != null && rest.signum() != 0 && rest.signum() != hourCost.signum()) {
      // the rounded shares exceed the amount by a few micro-units: take it from the largest
      largest.cost = largest.cost.add(rest);
      rest = BigDecimal.ZERO.setScale(SCALE);
    }
    idle.cost = rest;
  }

  private static CostAllocation base(
      NodeMeta node, HourAcc acc, long hourEnd, BigDecimal hourCost) {
    CostAllocation a = new CostAllocation();
    a.cluster = node.cluster;
    a.node = node.name;
    a.instanceType = node.instanceType;
    a.capacityType = node.capacityType;
    a.region = node.region;
    a.providerInstanceId = node.providerInstanceId;
    a.hourStart = acc.hourStart;
    a.hourEnd = hourEnd;
    a.nodeGpuSeconds = acc.nodeGpuSeconds;
    a.nodeHourCost = hourCost;
    if (hourCost == null) {
      a.costBasis = CostWindow.BASIS_UNPRICED;
    } else if (node.costBasis == null || CostWindow.BASIS_UNPRICED.equals(node.costBasis)) {
      a.costBasis = CostWindow.BASIS_ESTIMATED; // priced minute by minute, now unpriced
    } else {
      a.costBasis = node.costBasis;
    }
    a.currency = node.currency;
    return a;
  }
}
