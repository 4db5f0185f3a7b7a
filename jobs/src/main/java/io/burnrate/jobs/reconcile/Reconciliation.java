package io.burnrate.jobs.reconcile;

import io.burnrate.jobs.allocation.HourSettlement;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reconciliation as pure functions: applying billed charges to a resource-hour (a newer delivery
 * replaces the hour's charges, an older one is ignored, rows without a delivery replace the charge
 * with the same key), and re-splitting the hour's estimate over the same holders by the billed
 * amount, conserving it exactly ({@link HourSettlement#split}).
 */
public final class Reconciliation {
  private Reconciliation() {}

  /** Which FOCUS amount is split over the holders. */
  public enum AllocateBy {
    /** {@code EffectiveCost}: amortised commitments (the default, as FOCUS recommends). */
    EFFECTIVE,
    /** {@code BilledCost}: what the invoice says. */
    BILLED
  }

  /** Outcome of {@link #apply}. */
  public enum Applied {
    /** The charge changed the hour. */
    CHANGED,
    /** The charge is of an older delivery than the one the hour holds: ignored. */
    STALE
  }

  /** Adds a charge to the hour, with the delivery semantics described on the class. */
  public static Applied apply(ReconHour h, BillingCharge c) {
    if (c.delivery != null) {
      boolean newer =
          h.delivery == null
              || c.deliveredAt > h.deliveredAt
              || (c.deliveredAt == h.deliveredAt && c.delivery.compareTo(h.delivery) > 0);
      if (!newer && !c.delivery.equals(h.delivery)) {
        return Applied.STALE;
      }
      if (!c.delivery.equals(h.delivery)) {
        h.charges.clear(); // a new delivery restates the whole hour
        h.delivery = c.delivery;
        h.deliveredAt = c.deliveredAt;
      }
      ReconHour.Amounts a = h.charges.computeIfAbsent(c.chargeKey, k -> new ReconHour.Amounts());
      a.billed = a.billed.add(BigDecimal.valueOf(c.billedCost));
      a.effective = a.effective.add(BigDecimal.valueOf(c.effectiveCost));
    } else {
      if (h.delivery != null) {
        h.charges.clear(); // a stream of rows without delivery supersedes an earlier file load
        h.delivery = null;
        h.deliveredAt = Long.MIN_VALUE;
      }
      ReconHour.Amounts a = new ReconHour.Amounts();
      a.billed = BigDecimal.valueOf(c.billedCost);
      a.effective = BigDecimal.valueOf(c.effectiveCost);
      h.charges.put(c.chargeKey, a);
    }
    if (c.currency != null) {
      h.currency = c.currency;
    }
    h.dirty = true;
    return Applied.CHANGED;
  }

  /** Sum of the hour's billed amounts, exact to micro-units. */
  public static BigDecimal billed(ReconHour h) {
    BigDecimal sum = BigDecimal.ZERO;
    for (ReconHour.Amounts a : h.charges.values()) {
      sum = sum.add(a.billed);
    }
    return sum.setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
  }

  /** Sum of the hour's effective amounts, exact to micro-units. */
  public static BigDecimal effective(ReconHour h) {
    BigDecimal sum = BigDecimal.ZERO;
    for (ReconHour.Amounts a : h.charges.values()) {
      sum = sum.add(a.effective);
    }
    return sum.setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
  }

  /**
   * The hour's estimate re-split by the billed amount: one row per estimate row, same ids and
   * holders, {@code cost_basis = billed}, the next version, amounts exact to micro-units; the idle
   * row takes the remainder so that the rows add up to the billed amount exactly.
   */
  public static List<CostAllocation> correction(ReconHour h, AllocateBy by) {
    BigDecimal billed = billed(h);
    BigDecimal effective = effective(h);
    BigDecimal amount = by == AllocateBy.BILLED ? billed : effective;
    List<CostAllocation> rows = new ArrayList<>(h.estimate.size());
    for (CostAllocation e : h.estimate) {
      CostAllocation a = copy(e);
      a.nodeHourCost = amount;
      a.costBasis = CostWindow.BASIS_BILLED;
      a.currency = h.currency != null ? h.currency : e.currency;
      a.version = h.version + 1;
      a.billedCost = billed;
      a.effectiveCost = effective;
      a.billingDelivery = h.delivery;
      rows.add(a);
    }
    HourSettlement.split(rows, amount);
    return rows;
  }

  /** Sum of the rows' costs minus the hour's amount: zero when money is conserved. */
  public static BigDecimal residual(List<CostAllocation> rows) {
    if (rows.isEmpty() || rows.get(0).nodeHourCost == null) {
      return BigDecimal.ZERO;
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (CostAllocation a : rows) {
      sum = sum.add(Objects.requireNonNull(a.cost, "cost"));
    }
    return sum.subtract(rows.get(0).nodeHourCost);
  }

  static CostAllocation copy(CostAllocation e) {
    CostAllocation a = new CostAllocation();
    a.id = e.id;
    a.cluster = e.cluster;
    a.node = e.node;
    a.instanceType = e.instanceType;
    a.capacityType = e.capacityType;
    a.region = e.region;
    a.providerInstanceId = e.providerInstanceId;
    a.hourStart = e.hourStart;
    a.hourEnd = e.hourEnd;
    a.holderKind = e.holderKind;
    a.namespace = e.namespace;
    a.pod = e.pod;
    a.workload = e.workload;
    a.team = e.team;
    a.project = e.project;
    a.costCenter = e.costCenter;
    a.gpus = e.gpus;
    a.gpuSeconds = e.gpuSeconds;
    a.nodeGpuSeconds = e.nodeGpuSeconds;
    a.nodeHourCost = e.nodeHourCost;
    a.cost = e.cost;
    a.costBasis = e.costBasis;
    a.currency = e.currency;
    a.version = e.version;
    a.billedCost = e.billedCost;
    a.effectiveCost = e.effectiveCost;
    a.billingDelivery = e.billingDelivery;
    return a;
  }
}
