package io.burnrate.jobs.reconcile;

import io.burnrate.jobs.allocation.HourSettlement;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reconciliation as pure functions. {@link #apply} holds a billed charge in its resource's {@link
 * ChargeBook}: a row of a delivery is held under its row identity, so the same row delivered twice
 * (a re-run, a re-publish after a crash) replaces itself instead of adding; a newer delivery
 * replaces the older deliveries' charges of the same slice whose periods overlap its own; an older
 * delivery arriving late is ignored; rows without a delivery replace the charge with the same key.
 * {@link #allocate} puts every charge on the hours of its period in which the resource ran (the
 * hours that have an estimate), in proportion to the node's presence in them, exactly; a charge
 * with no such hour is unallocated. {@link #correction} re-splits an hour's estimate over the same
 * holders by the billed amount, conserving it exactly ({@link HourSettlement#split}).
 */
public final class Reconciliation {
  private static final long HOUR = 3_600_000L;

  /**
   * Reason of an unallocated line: the charge period has no hour in which the node was allocated.
   */
  public static final String NO_ALLOCATED_HOUR = "no_allocated_hour";

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
    /** The charge changed what is billed; {@link Change#from}..{@link Change#to} may change. */
    CHANGED,
    /** The same row with the same amounts was already held: nothing changes. */
    UNCHANGED,
    /** The charge is of an older delivery than one the resource holds for that time: ignored. */
    STALE
  }

  /** What {@link #apply} did, and the time span whose hours may need a new correction. */
  public record Change(Applied applied, long from, long to) {}

  /** Holds a charge in the book, with the delivery semantics described on the class. */
  public static Change apply(ChargeBook book, BillingCharge c) {
    if (c.delivery != null) {
      for (BillingCharge r : book.charges.values()) {
        if (r.delivery != null
            && !r.delivery.equals(c.delivery)
            && Objects.equals(r.slice, c.slice)
            && r.overlaps(c)
            && newer(r, c)) {
          return new Change(Applied.STALE, c.periodStart, c.periodEnd);
        }
      }
    }
    long from = c.periodStart;
    long to = c.periodEnd;
    for (Iterator<BillingCharge> it = book.charges.values().iterator(); it.hasNext(); ) {
      BillingCharge r = it.next();
      if (!Objects.equals(r.delivery, c.delivery)
          && Objects.equals(r.slice, c.slice)
          && r.overlaps(c)) {
        it.remove(); // restated by the newer delivery (or by rows without one)
        from = Math.min(from, r.periodStart);
        to = Math.max(to, r.periodEnd);
      }
    }
    BillingCharge before = book.charges.put(c.bookKey(), c);
    if (before != null) {
      if (from == c.periodStart
          && to == c.periodEnd
          && before.periodStart == c.periodStart
          && before.periodEnd == c.periodEnd
          && before.billedCost == c.billedCost
          && before.effectiveCost == c.effectiveCost) {
        return new Change(Applied.UNCHANGED, from, to);
      }
      from = Math.min(from, before.periodStart);
      to = Math.max(to, before.periodEnd);
    }
    return new Change(Applied.CHANGED, from, to);
  }

  private static boolean newer(BillingCharge a, BillingCharge b) {
    return a.deliveredAt > b.deliveredAt
        || (a.deliveredAt == b.deliveredAt && a.delivery.compareTo(b.delivery) > 0);
  }

  /** Billed and effective amounts of an hour, and the delivery and currency they came with. */
  public static final class HourAmounts {
    public BigDecimal billed = BigDecimal.ZERO;
    public BigDecimal effective = BigDecimal.ZERO;
    public String delivery;
    public long deliveredAt = Long.MIN_VALUE;
    public String currency;
  }

  /** The outcome of {@link #allocate}. */
  public static final class Allocation {
    /** Every hour with an estimate in the span, with what the charges put on it (maybe 0). */
    public final Map<Long, HourAmounts> hours = new TreeMap<>();

    /** The charges looked at (those overlapping the span), by book key. */
    public final Map<String, BillingCharge> charges = new HashMap<>();

    /** Of those, the ones that no hour takes (book key). */
    public final Set<String> unallocated = new HashSet<>();
  }

  /**
   * Allocates the charges that overlap {@code [from, to)} over the hours of their periods in which
   * the resource ran ({@code hours} gives the hour's state, or null), weighted by the part of the
   * hour the charge covers times the node's presence in it ({@link ReconHour#presence}), exact to
   * micro-units per charge (the heaviest hour takes the rounding remainder). Returns the amounts of
   * every hour those charges touch and which charges have no hour to go to.
   */
  public static Allocation allocate(
      ChargeBook book, Function<Long, ReconHour> hours, long from, long to) {
    Allocation out = new Allocation();
    // the hours that may change are those of the charges touching the span; their amounts are
    // made of every charge touching them
    long lo = from;
    long hi = to;
    for (BillingCharge c : book.charges.values()) {
      if (c.periodStart < to && from < c.periodEnd) {
        lo = Math.min(lo, c.periodStart);
        hi = Math.max(hi, c.periodEnd);
      }
    }
    for (Map.Entry<String, BillingCharge> e : book.charges.entrySet()) {
      BillingCharge c = e.getValue();
      if (c.periodStart < hi && lo < c.periodEnd) {
        out.charges.put(e.getKey(), c);
      }
    }
    for (long h = Math.floorDiv(lo, HOUR) * HOUR; h < hi; h += HOUR) {
      ReconHour rh = hours.apply(h);
      if (rh != null && rh.complete) {
        out.hours.put(h, new HourAmounts());
      }
    }
    for (Map.Entry<String, BillingCharge> e : out.charges.entrySet()) {
      BillingCharge c = e.getValue();
      List<Long> ran = new ArrayList<>();
      List<BigDecimal> weights = new ArrayList<>();
      for (long h = Math.floorDiv(c.periodStart, HOUR) * HOUR; h < c.periodEnd; h += HOUR) {
        ReconHour rh = hours.apply(h);
        if (rh == null || !rh.complete) {
          continue;
        }
        long overlap = Math.min(c.periodEnd, h + HOUR) - Math.max(c.periodStart, h);
        // exact: milliseconds covered x presence (a ratio in binary floating point is not, and
        // moves a part that falls on half a micro-unit to the wrong side of half-even)
        BigDecimal w =
            BigDecimal.valueOf(Math.max(0, overlap)).multiply(BigDecimal.valueOf(rh.presence()));
        if (w.signum() > 0) {
          ran.add(h);
          weights.add(w);
        }
      }
      if (ran.isEmpty()) {
        out.unallocated.add(e.getKey());
        continue;
      }
      BigDecimal[] billed = splitExact(money(c.billedCost), weights);
      BigDecimal[] effective = splitExact(money(c.effectiveCost), weights);
      for (int i = 0; i < ran.size(); i++) {
        HourAmounts a = out.hours.computeIfAbsent(ran.get(i), k -> new HourAmounts());
        a.billed = a.billed.add(billed[i]);
        a.effective = a.effective.add(effective[i]);
        if (c.currency != null) {
          a.currency = c.currency;
        }
        if (c.delivery != null && (a.delivery == null || c.deliveredAt >= a.deliveredAt)) {
          a.delivery = c.delivery;
          a.deliveredAt = c.deliveredAt;
        }
      }
    }
    return out;
  }

  /** A charge's amount at the allocation scale (micro-units). */
  public static BigDecimal money(double v) {
    return BigDecimal.valueOf(v).setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
  }

  /**
   * {@code amount} split by {@code weights}: each part is the exact proportion rounded half-even to
   * micro-units, the first heaviest takes the rest, so the parts add up exactly.
   */
  static BigDecimal[] splitExact(BigDecimal amount, List<BigDecimal> weights) {
    BigDecimal[] parts = new BigDecimal[weights.size()];
    BigDecimal total = BigDecimal.ZERO;
    int heaviest = 0;
    for (int i = 0; i < weights.size(); i++) {
      total = total.add(weights.get(i));
      if (weights.get(i).compareTo(weights.get(heaviest)) > 0) {
        heaviest = i;
      }
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < parts.length; i++) {
      if (i == heaviest) {
        continue;
      }
      parts[i] =
          amount
              .multiply(weights.get(i))
              .divide(total, TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
      sum = sum.add(parts[i]);
    }
    parts[heaviest] = amount.subtract(sum);
    return parts;
  }

  /**
   * The hour's estimate re-split by its billed amounts: one row per estimate row, same ids and
   * holders, {@code cost_basis = billed}, the next version, amounts exact to micro-units; the idle
   * row takes the remainder so that the rows add up to the billed amount exactly.
   */
  public static List<CostAllocation> correction(
      ReconHour h, HourAmounts billedHour, AllocateBy by) {
    BigDecimal billed =
        billedHour.billed.setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
    BigDecimal effective =
        billedHour.effective.setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
    BigDecimal amount = by == AllocateBy.BILLED ? billed : effective;
    List<CostAllocation> rows = new ArrayList<>(h.estimate.size());
    for (CostAllocation e : h.estimate) {
      CostAllocation a = copy(e);
      a.nodeHourCost = amount;
      a.costBasis = CostWindow.BASIS_BILLED;
      a.currency = billedHour.currency != null ? billedHour.currency : e.currency;
      a.version = h.version + 1;
      a.billedCost = billed;
      a.effectiveCost = effective;
      a.billingDelivery = billedHour.delivery;
      rows.add(a);
    }
    HourSettlement.split(rows, amount);
    return rows;
  }

  /**
   * A line of billed money of a known node that no hour takes: {@code holder_kind unallocated}, the
   * charge's period, the amount (by {@code by}), why, and the next version of the line (a later
   * allocation or restatement publishes it again, at 0 when the money found its hours).
   */
  public static CostAllocation unallocatedLine(
      ChargeBook book, String bookKey, ChargeBook.Unallocated u, AllocateBy by) {
    CostAllocation a = new CostAllocation();
    a.id =
        book.cluster
            + "/"
            + book.node
            + "/unallocated/"
            + u.periodStart
            + "/"
            + Integer.toHexString(bookKey.hashCode());
    a.cluster = book.cluster;
    a.node = book.node;
    a.instanceType = book.instanceType;
    a.capacityType = book.capacityType;
    a.region = book.region;
    a.providerInstanceId = book.providerInstanceId;
    a.hourStart = u.periodStart;
    a.hourEnd = u.periodEnd;
    a.holderKind = CostAllocation.HOLDER_UNALLOCATED;
    BigDecimal amount = by == AllocateBy.BILLED ? u.billed : u.effective;
    a.nodeHourCost = amount;
    a.cost = amount;
    a.costBasis = CostWindow.BASIS_BILLED;
    a.currency = u.currency;
    a.version = u.version;
    a.billedCost = u.billed;
    a.effectiveCost = u.effective;
    a.billingDelivery = u.delivery;
    a.unallocatedReason = u.reason;
    return a;
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
    a.unallocatedReason = e.unallocatedReason;
    return a;
  }
}
