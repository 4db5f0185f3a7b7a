package io.burnrate.jobs.reconcile;

import io.burnrate.jobs.alerting.Ids;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.CostAllocation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * estimate, input 1) with billed usage charges for the same instance and hour (input 2). When an
 * hour has both, it publishes a correction: the same allocation rows re-split by the billed amount
 * ({@code cost_basis = billed}, next {@code version}), conserving it exactly. A restatement (a
 * newer delivery, or a new amount for the same charge) publishes another correction with a higher
 * version; earlier rows are never rewritten.
 *
 * <p>Billing for an hour the pipeline never allocated (a resource it never saw, or an hour older
 * than the retention) is not kept here: it lands in {@code billing_line_items} and counts as
 * unattributed there. An allocated hour without billing after the grace period raises one {@code
 * BillingMissing} alert per instance ({@link #ALERTS}), resolved when billing arrives. Hours are
 * kept for the retention period (restatements of older hours are not reconciled), then released.
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
  private transient ValueState<Alert> missing;
  private transient Counter corrections;
  private transient Counter unmatched;
  private transient Counter stale;
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
    missing =
        getRuntimeContext().getState(new ValueStateDescriptor<>("billing-missing", Alert.class));
    var g = getRuntimeContext().getMetricGroup();
    corrections = g.counter("billedCorrections");
    unmatched = g.counter("unmatchedBillingCharges");
    stale = g.counter("staleBillingCharges");
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
    if (CostAllocation.HOLDER_IDLE.equals(a.holderKind)) {
      h.complete = true;
      checkConservation(h.estimate);
      if (h.billed()) {
        emit(h, out);
      }
    }
    hours.put(a.hourStart, h);
  }

  @Override
  public void processElement2(BillingCharge c, Context ctx, Collector<CostAllocation> out)
      throws Exception {
    ReconHour h = hours.get(c.hourStart);
    if (h == null) {
      if (ctx.timerService().currentWatermark() >= c.hourStart + HOUR) {
        // the hour was settled without this instance, or is past retention: unattributed
        unmatched.inc();
        return;
      }
      h = new ReconHour();
      h.hourStart = c.hourStart;
      registerTimers(c.hourStart, ctx);
    }
    if (Reconciliation.apply(h, c) == Reconciliation.Applied.STALE) {
      stale.inc();
      return;
    }
    if (h.complete) {
      emit(h, out);
    }
    hours.put(c.hourStart, h);
    resolveMissing(c, ctx);
  }

  private void emit(ReconHour h, Collector<CostAllocation> out) {
    if (!h.dirty) {
      return;
    }
    List<CostAllocation> rows = Reconciliation.correction(h, allocateBy);
    checkConservation(rows);
    for (CostAllocation a : rows) {
      out.collect(a);
    }
    h.version++;
    h.dirty = false;
    corrections.inc();
  }

  private void checkConservation(List<CostAllocation> rows) {
    BigDecimal r = Reconciliation.residual(rows).abs();
    maxResidual = Math.max(maxResidual, r.doubleValue());
  }

  private void registerTimers(long hourStart, Context ctx) {
    long end = hourStart + HOUR;
    ctx.timerService().registerEventTimeTimer(end); // pending billing without an estimate
    ctx.timerService().registerEventTimeTimer(end + graceMillis);
    ctx.timerService().registerEventTimeTimer(end + retentionMillis);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<CostAllocation> out)
      throws Exception {
    // end of input (a bounded run, or stop with drain) fires every timer at once; billing is
    // outside event time and may still be on its way, so nothing is released then: a charge that
    // arrives after the end of time still finds its hour (the job ends with its state)
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    if (endOfInput) {
      return;
    }
    List<Long> done = new ArrayList<>();
    ReconHour unbilled = null;
    for (Iterator<Map.Entry<Long, ReconHour>> it = hours.iterator(); it.hasNext(); ) {
      Map.Entry<Long, ReconHour> e = it.next();
      ReconHour h = e.getValue();
      long end = h.hourStart + HOUR;
      if (timestamp >= end + retentionMillis || (!h.complete && timestamp >= end)) {
        if (!h.complete && h.billed()) {
          unmatched.inc(); // billed, but the pipeline never allocated this hour
        }
        done.add(e.getKey());
      } else if (h.complete && !h.billed() && timestamp >= end + graceMillis) {
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
    if (hours.isEmpty()) {
      hours.clear(); // release the emptied map state, not only its entries
      Alert firing = missing.value();
      if (firing != null) {
        // nothing of this instance is tracked any more: close the alert rather than leave it open
        ctx.output(ALERTS, resolved(firing, timestamp, "no longer tracked (past retention)"));
        missing.clear();
      }
    }
  }

  private void resolveMissing(BillingCharge c, Context ctx) throws Exception {
    Alert firing = missing.value();
    if (firing == null) {
      return;
    }
    ctx.output(
        ALERTS,
        resolved(
            firing, c.hourStart + HOUR, "billing arrived for instance " + ctx.getCurrentKey()));
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
