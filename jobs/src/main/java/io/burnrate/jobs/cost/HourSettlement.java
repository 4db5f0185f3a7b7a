package io.burnrate.jobs.cost;

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
    if (node.priced()) {
      hourCost =
          BigDecimal.valueOf(node.pricePerHour)
              .multiply(BigDecimal.valueOf(acc.nodeMillis))
              .divide(BigDecimal.valueOf(Intervals.HOUR), SCALE, RoundingMode.HALF_EVEN);
    }
    List<HourAcc.HolderAcc> holders = new ArrayList<>(acc.holders.values());
    holders.sort(Comparator.comparing(h -> h.podKey));
    BigDecimal allocated = BigDecimal.ZERO.setScale(SCALE);
    double heldGpuSeconds = 0;
    CostAllocation largest = null;
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
      if (hourCost != null) {
        a.cost =
            hourCost
                .multiply(BigDecimal.valueOf(h.gpuSeconds))
                .divide(BigDecimal.valueOf(acc.nodeGpuSeconds), SCALE, RoundingMode.HALF_EVEN);
        allocated = allocated.add(a.cost);
        if (largest == null || a.cost.compareTo(largest.cost) > 0) {
          largest = a;
        }
      }
      rows.add(a);
    }
    CostAllocation idle = base(node, acc, hourEnd, hourCost);
    idle.id = node.cluster + "/" + node.name + "/" + acc.hourStart + "/idle";
    idle.holderKind = CostAllocation.HOLDER_IDLE;
    idle.gpuSeconds = Math.max(0, acc.nodeGpuSeconds - heldGpuSeconds);
    if (hourCost != null) {
      BigDecimal rest = hourCost.subtract(allocated);
      if (rest.signum() < 0 && largest != null) {
        // rounding pushed the shares past the price by a few micro-units: take it from the largest
        largest.cost = largest.cost.add(rest);
        rest = BigDecimal.ZERO.setScale(SCALE);
      }
      idle.cost = rest;
    }
    rows.add(idle);
    return rows;
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
    a.costBasis = node.priced() ? node.costBasis : CostWindow.BASIS_UNPRICED;
    a.currency = node.currency;
    return a;
  }
}
