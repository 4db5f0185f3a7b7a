package io.burnrate.jobs.reconcile;

import io.burnrate.jobs.alerting.Ids;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.CostAllocation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The reconciliation step, keyed by cloud instance ({@link
 * io.burnrate.jobs.reconcile.ResourceIds#instanceKey}): joins the node-hour allocations (the
 * estimate, input 1) with the billed usage rows of the same instance (input 2, one {@link
 * BillingCharge} per row, over its whole charge period). Every charge is put on the hours of its
 * period in which the node ran (the hours that have an estimate), so a node that ran 3 hours of a
 * day billed daily carries its whole daily charge on those 3 hours. When an hour's billed amount
 * changes it publishes a correction: the same allocation rows re-split by the billed amount ({@code
 * cost_basis = billed}, next {@code version}), conserving it exactly. Earlier rows are never
 * rewritten. A row delivered again (same delivery and row identity) changes nothing.
 *
 * <p>Billed money of a node that no hour takes (a charge for hours in which the node did not run,
 * as far as the pipeline saw) is published, once its charge period is over, as an {@code
 * unallocated} line with its reason, never dropped; if its hours turn up later, the line is
 * published again at 0. Billing of a resource the pipeline never allocated (a VM outside
 * Kubernetes, a disk) is not kept here: it lands in {@code billing_line_items} and counts as
 * unattributed or shared cost there (metric {@code unmatchedBillingCharges}). An allocated hour
 * without billing after the grace period raises one {@code BillingMissing} alert per instance
 * ({@link #ALERTS}), resolved when billing arrives. Hours and charges are kept for the retention
 * period, then released.
 */
public final class ReconcileFunction
    extends KeyedCoProcessFunction<String, CostAllocation, BillingCharge, CostAllocation> {
  private static final long serialVersionUID = 1L;
  private static final long HOUR = 3_600_000L;

  public static final OutputTag<Alert> ALERTS = new OutputTag<>("billing-missing-alerts") {};

  private final Reconciliation.AllocateBy allocateBy;
  private final long graceMillis;
  private final long retentionMillis;

  private transient MapState<Long, ReconHour> hours;
  private transient ValueState<ChargeBook> book;
  private transient ValueState<Alert> missing;
  private transient Counter corrections;
  private transient Counter unmatched;
  private transient Counter unallocatedLines;
  private transient Counter stale;
  private transient Counter redelivered;
  private transient volatile double maxResidual;

  public ReconcileFunction(
      Reconciliation.AllocateBy allocateBy, long graceMillis, long retentionMillis) {
    this.allocateBy = allocateBy;
    this.graceMillis = graceMillis;
    this.retentionMillis = Math.max(retentionMillis, graceMillis);
  }

  @Override
  public void open(OpenContext ctx) {
    hours =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "resource-hours", Types.LONG, TypeInformation.of(ReconHour.class)));
    book =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("billed-charges", TypeInformation.of(ChargeBook.class)));
    missing =
        getRuntimeContext().getState(new ValueStateDescriptor<>("billing-missing", Alert.class));
    var g = getRuntimeContext().getMetricGroup();
    corrections = g.counter("billedCorrections");
    unmatched = g.counter("unmatchedBillingCharges");
    unallocatedLines = g.counter("unallocatedBillingLines");
    stale = g.counter("staleBillingCharges");
    redelivered = g.counter("redeliveredBillingRows");
    g.gauge("conservationResidualMax", () -> maxResidual);
  }

  @Override
  public void processElement1(CostAllocation a, Context ctx, Collector<CostAllocation> out)
      throws Exception {
    // the estimate of a node-hour: pod rows, then the idle row
    ReconHour h = hours.get(a.hourStart);
    if (h == null) {
      h = new ReconHour();
      h.hourStart = a.hourStart;
      registerTimers(a.hourStart, ctx);
    }
    h.estimate.add(a);
    hours.put(a.hourStart, h);
    if (CostAllocation.HOLDER_IDLE.equals(a.holderKind)) {
      h.complete = true;
      hours.put(a.hourStart, h);
      checkConservation(h.estimate);
      ChargeBook b = book();
      b.cluster = a.cluster;
      b.node = a.node;
      b.providerInstanceId = a.providerInstanceId;
      b.instanceType = a.instanceType;
      b.capacityType = a.capacityType;
      b.region = a.region;
      reconcile(b, a.hourStart, a.hourStart + HOUR, ctx.timerService().currentWatermark(), out);
      book.update(b);
    }
  }

  @Override
  public void processElement2(BillingCharge c, Context ctx, Collector<CostAllocation> out)
      throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    ChargeBook b = book();
    if (!b.knownNode() && watermark >= c.periodEnd) {
      // a resource this pipeline never allocated (or not within the retention): unattributed or
      // shared cost in billing_line_items, not held here
      unmatched.inc();
      return;
    }
    Reconciliation.Change change = Reconciliation.apply(b, c);
    switch (change.applied()) {
      case STALE -> {
        stale.inc();
        return;
      }
      case UNCHANGED -> {
        redelivered.inc();
        return;
      }
      default -> {}
    }
    ctx.timerService().registerEventTimeTimer(c.periodEnd); // settles what no hour takes
    ctx.timerService().registerEventTimeTimer(c.periodEnd + retentionMillis);
    reconcile(b, change.from(), change.to(), watermark, out);
    book.update(b);
    resolveMissing(c, ctx);
  }

  /**
   * Re-allocates the charges touching {@code [from, to)} and publishes what changed: a correction
   * for every hour whose billed amount changed, an unallocated line for every charge of a known
   * node that no hour takes once its period is over (and again at 0 when it found its hours).
   */
  private void reconcile(
      ChargeBook b, long from, long to, long watermark, Collector<CostAllocation> out)
      throws Exception {
    if (b.charges.isEmpty() && b.unallocated.isEmpty()) {
      return;
    }
    Map<Long, ReconHour> cache = new HashMap<>();
    Reconciliation.Allocation al =
        Reconciliation.allocate(
            b,
            hour -> {
              try {
                return cache.computeIfAbsent(hour, this::hour);
              } catch (RuntimeException e) {
                throw e;
              }
            },
            from,
            to);
    for (Map.Entry<Long, Reconciliation.HourAmounts> e : al.hours.entrySet()) {
      ReconHour h = cache.get(e.getKey());
      Reconciliation.HourAmounts amounts = e.getValue();
      boolean charged = amounts.delivery != null || amounts.billed.signum() != 0;
      if (h == null || !h.complete) {
        continue;
      }
      if (h.publishedBilled == null && !charged && !touchedBy(al, e.getKey())) {
        continue; // never billed and nothing bills it now
      }
      BigDecimal billed = amounts.billed.setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
      BigDecimal effective =
          amounts.effective.setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN);
      if (h.publishedBilled != null
          && h.publishedBilled.compareTo(billed) == 0
          && h.publishedEffective.compareTo(effective) == 0) {
        continue;
      }
      List<CostAllocation> rows = Reconciliation.correction(h, amounts, allocateBy);
      checkConservation(rows);
      for (CostAllocation a : rows) {
        out.collect(a);
      }
      h.version++;
      h.publishedBilled = billed;
      h.publishedEffective = effective;
      hours.put(h.hourStart, h);
      corrections.inc();
    }
    // unallocated lines: charges of this node no hour takes, once their period is over
    Set<String> keys = new HashSet<>(al.charges.keySet());
    for (Map.Entry<String, ChargeBook.Unallocated> e : b.unallocated.entrySet()) {
      if (!b.charges.containsKey(e.getKey())) {
        keys.add(e.getKey()); // restated away: its line goes to 0
      }
    }
    for (String key : keys) {
      BillingCharge c = b.charges.get(key);
      boolean open =
          c != null && al.unallocated.contains(key) && watermark >= c.periodEnd && b.knownNode();
      ChargeBook.Unallocated u = b.unallocated.get(key);
      BigDecimal billed = open ? Reconciliation.money(c.billedCost) : BigDecimal.ZERO;
      BigDecimal effective = open ? Reconciliation.money(c.effectiveCost) : BigDecimal.ZERO;
      if (u == null && !open) {
        continue;
      }
      if (u != null && u.billed.compareTo(billed) == 0 && u.effective.compareTo(effective) == 0) {
        continue;
      }
      if (u == null) {
        u = new ChargeBook.Unallocated();
        u.periodStart = c.periodStart;
        u.periodEnd = c.periodEnd;
        u.reason = Reconciliation.NO_ALLOCATED_HOUR;
      }
      u.version++;
      u.billed = billed;
      u.effective = effective;
      if (c != null) {
        u.delivery = c.delivery;
        u.currency = c.currency;
      }
      b.unallocated.put(key, u);
      out.collect(Reconciliation.unallocatedLine(b, key, u, allocateBy));
      unallocatedLines.inc();
    }
  }

  /** True when a charge of the allocation covers the hour (it may now put nothing on it). */
  private static boolean touchedBy(Reconciliation.Allocation al, long hourStart) {
    for (BillingCharge c : al.charges.values()) {
      if (c.periodStart < hourStart + HOUR && hourStart < c.periodEnd) {
        return true;
      }
    }
    return false;
  }

  private ReconHour hour(long hourStart) {
    try {
      return hours.get(hourStart);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ChargeBook book() throws Exception {
    ChargeBook b = book.value();
    return b != null ? b : new ChargeBook();
  }

  private void checkConservation(List<CostAllocation> rows) {
    BigDecimal r = Reconciliation.residual(rows).abs();
    maxResidual = Math.max(maxResidual, r.doubleValue());
  }

  private void registerTimers(long hourStart, Context ctx) {
    long end = hourStart + HOUR;
    ctx.timerService().registerEventTimeTimer(end + graceMillis);
    ctx.timerService().registerEventTimeTimer(end + retentionMillis);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<CostAllocation> out)
      throws Exception {
    ChargeBook b = book();
    // end of input (a bounded run, or stop with drain) fires every timer at once; billing is
    // outside event time and may still be on its way, so nothing is released then (a charge that
    // arrives after the end of time still finds its hour), but what no hour takes is settled
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    if (endOfInput) {
      if (!b.charges.isEmpty()) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (BillingCharge c : b.charges.values()) {
          lo = Math.min(lo, c.periodStart);
          hi = Math.max(hi, c.periodEnd);
        }
        reconcile(b, lo, hi, Long.MAX_VALUE, out);
        book.update(b);
      }
      return;
    }
    // charge periods that ended now: settle their unallocated lines, or let go of billing for a
    // resource that was never allocated
    List<BillingCharge> ended = new ArrayList<>();
    for (BillingCharge c : b.charges.values()) {
      if (c.periodEnd == timestamp) {
        ended.add(c);
      }
    }
    if (!b.knownNode()) {
      for (BillingCharge c : ended) {
        b.charges.remove(c.bookKey());
        unmatched.inc();
      }
    } else {
      for (BillingCharge c : ended) {
        reconcile(b, c.periodStart, c.periodEnd, timestamp, out);
      }
    }
    // release what is past the retention
    b.charges.values().removeIf(c -> timestamp >= c.periodEnd + retentionMillis);
    b.unallocated.values().removeIf(u -> timestamp >= u.periodEnd + retentionMillis);
    List<Long> done = new ArrayList<>();
    ReconHour unbilled = null;
    for (Iterator<Map.Entry<Long, ReconHour>> it = hours.iterator(); it.hasNext(); ) {
      Map.Entry<Long, ReconHour> e = it.next();
      ReconHour h = e.getValue();
      long end = h.hourStart + HOUR;
      if (timestamp >= end + retentionMillis) {
        done.add(e.getKey());
      } else if (h.complete && h.publishedBilled == null && timestamp >= end + graceMillis) {
        if (unbilled == null || h.hourStart < unbilled.hourStart) {
          unbilled = h;
        }
      }
    }
    for (Long k : done) {
      hours.remove(k);
    }
    if (unbilled != null && missing.value() == null) {
      Alert a = missingAlert(ctx.getCurrentKey(), unbilled, timestamp);
      missing.update(a);
      ctx.output(ALERTS, a);
    }
    if (hours.isEmpty() && b.charges.isEmpty() && b.unallocated.isEmpty()) {
      hours.clear(); // release the emptied state, not only its entries
      book.clear();
      Alert firing = missing.value();
      if (firing != null) {
        // nothing of this instance is tracked any more: close the alert rather than leave it open
        ctx.output(ALERTS, resolved(firing, timestamp, "no longer tracked (past retention)"));
        missing.clear();
      }
    } else {
      book.update(b);
    }
  }

  private void resolveMissing(BillingCharge c, Context ctx) throws Exception {
    Alert firing = missing.value();
    if (firing == null) {
      return;
    }
    ctx.output(
        ALERTS,
        resolved(firing, c.periodEnd, "billing arrived for instance " + ctx.getCurrentKey()));
    missing.clear();
  }

  private static Alert resolved(Alert firing, long endsAt, String summary) {
    Alert r = new Alert();
    r.fingerprint = firing.fingerprint;
    r.alertname = firing.alertname;
    r.severity = firing.severity;
    r.labels = new java.util.TreeMap<>(firing.labels);
    r.status = Alert.RESOLVED;
    r.startsAt = firing.startsAt;
    r.endsAt = Math.max(firing.startsAt, endsAt);
    r.id = r.fingerprint + "/" + r.startsAt + "/" + Alert.RESOLVED;
    r.summary = summary;
    r.description = firing.description;
    r.windowStart = firing.windowStart;
    r.windowEnd = firing.windowEnd;
    r.costBasis = firing.costBasis;
    return r;
  }

  private Alert missingAlert(String instance, ReconHour h, long now) {
    CostAllocation any = h.estimate.get(h.estimate.size() - 1);
    Alert a = new Alert();
    a.alertname = "BillingMissing";
    a.severity = "warning";
    a.labels.put("alertname", a.alertname);
    a.labels.put("cluster", any.cluster);
    a.labels.put("node", any.node);
    a.labels.put("provider_instance_id", instance);
    a.fingerprint = Ids.fingerprint(a.alertname, any.cluster, instance);
    a.status = Alert.FIRING;
    a.startsAt = now;
    a.id = a.fingerprint + "/" + now + "/" + Alert.FIRING;
    a.summary =
        "instance "
            + instance
            + " (node "
            + any.node
            + ") ran but has no billing after the grace period";
    a.description =
        String.format(
            Locale.ROOT,
            "The hour from %s was allocated (estimated %s %s) but no billed usage row with"
                + " ResourceId %s arrived within %d h; its cost stays an estimate. Check that the"
                + " billing export covers this account and that ResourceId matches the node's"
                + " spec.providerID.",
            java.time.Instant.ofEpochMilli(h.hourStart),
            any.nodeHourCost,
            any.currency,
            instance,
            graceMillis / HOUR);
    a.windowStart = h.hourStart;
    a.windowEnd = h.hourStart + HOUR;
    a.costBasis = any.costBasis;
    return a;
  }
}
