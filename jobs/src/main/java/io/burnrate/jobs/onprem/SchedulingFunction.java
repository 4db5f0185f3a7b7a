package io.burnrate.jobs.onprem;

import io.burnrate.jobs.alerting.Ids;
import io.burnrate.jobs.alerting.QuietTimers;
import io.burnrate.jobs.alerting.Resolutions;
import io.burnrate.jobs.pricing.PriceHistory;
import io.burnrate.jobs.pricing.PriceUpdate;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.CostWindow;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scheduling advice, keyed by workload: for a workload labelled {@code burnrate.io/deferrable=true}
 * that runs in an expensive hour, one {@code reschedule} action with the hour to move it to and the
 * savings: on owned GPUs by the site's time-of-use tariff (on the energy part of the cost), on spot
 * capacity by the spot prices published for its instance type over the last week (prices are the
 * broadcast {@link PriceHistory#PRICES}). The action resolves when the workload runs in a cheap
 * hour or ends.
 */
public final class SchedulingFunction
    extends KeyedBroadcastProcessFunction<String, CostWindow, PriceUpdate, Action> {
  private static final long serialVersionUID = 1L;

  public static final String DEFERRABLE = io.burnrate.schemas.parse.K8sEventParser.DEFERRABLE;

  /** Share of the price that waiting must save before it is advised (and half of it to resolve). */
  static final double MIN_SAVING = 0.10;

  private final Sites sites;
  private final long quietMillis;
  private transient ValueState<Action> open;
  private transient ValueState<Long> lastSeen;

  public SchedulingFunction(Sites sites, long quietMillis) {
    this.sites = sites;
    this.quietMillis = quietMillis;
  }

  public static boolean deferrable(CostWindow w) {
    Map<String, String> l = w.labels;
    return CostWindow.KIND_WORKLOAD.equals(w.kind)
        && l != null
        && "true".equalsIgnoreCase(l.get(DEFERRABLE));
  }

  @Override
  public void open(OpenContext ctx) {
    open = getRuntimeContext().getState(new ValueStateDescriptor<>("reschedule", Action.class));
    lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Long.class));
  }

  @Override
  public void processElement(CostWindow w, ReadOnlyContext ctx, Collector<Action> out)
      throws Exception {
    Long seen = lastSeen.value();
    // a window after a silence longer than the timeout (event time) ends the old run first, as
    // the quiet timer does, whichever of the two reaches this operator first
    if (seen != null && QuietTimers.deadline(seen, quietMillis) < w.windowEnd) {
      ended(seen, out);
    }
    Scheduling.Advice advice = null;
    double perHour = Double.NaN;
    String unit = null;
    Site site = sites.get(w.site);
    if (site != null) {
      advice = Scheduling.ownedSite(site, w.windowStart);
      perHour = w.energyCost == null ? Double.NaN : w.energyCost * 60;
      unit = site.currency() + "/kWh (" + site.tariff().zone() + " tariff)";
    } else if ("spot".equals(w.capacityType) && w.instanceType != null) {
      ReadOnlyBroadcastState<String, PriceHistory> prices =
          ctx.getBroadcastState(PriceHistory.PRICES);
      PriceHistory h = prices.get(PriceHistory.key(w.instanceType, "spot", w.region));
      if (h == null) {
        h = prices.get(PriceHistory.key(w.instanceType, "spot", "*"));
      }
      advice = Scheduling.spot(h, w.windowStart);
      perHour = w.cost == null ? Double.NaN : w.cost * 60;
      unit = (w.currency == null ? "" : w.currency) + "/h spot price (last week, by hour of day)";
    }
    Action current = open.value();
    if (advice != null && advice.saving() >= MIN_SAVING && current == null) {
      Action a = action(w, advice, perHour, unit);
      open.update(a);
      out.collect(a);
    } else if (current != null && (advice == null || advice.saving() < MIN_SAVING / 2)) {
      out.collect(Resolutions.action(current, w.windowEnd, "it now runs in a cheap hour"));
      open.clear();
    }
    lastSeen.update(w.windowEnd);
    ctx.timerService().registerEventTimeTimer(QuietTimers.deadline(w.windowEnd, quietMillis));
  }

  @Override
  public void processBroadcastElement(PriceUpdate u, Context ctx, Collector<Action> out)
      throws Exception {
    PriceHistory h = ctx.getBroadcastState(PriceHistory.PRICES).get(u.key());
    if (h == null) {
      h = new PriceHistory();
    }
    h.put(u);
    ctx.getBroadcastState(PriceHistory.PRICES).put(u.key(), h);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Action> out) throws Exception {
    Long seen = lastSeen.value();
    if (seen == null || timestamp < seen + quietMillis) {
      return;
    }
    ended(seen, out);
  }

  /** The workload went quiet: its open advice resolves and its state goes. */
  private void ended(long seen, Collector<Action> out) throws Exception {
    Action current = open.value();
    if (current != null) {
      out.collect(Resolutions.action(current, seen, "the workload ended"));
    }
    open.clear();
    lastSeen.clear();
  }

  private static Action action(
      CostWindow w, Scheduling.Advice advice, double perHour, String unit) {
    Action a = new Action();
    a.kind = Action.RESCHEDULE;
    a.operation = "defer";
    a.fingerprint = Ids.fingerprint(a.kind, w.cluster, w.workload);
    a.status = Action.OPEN;
    a.openedAt = w.windowEnd;
    a.id = Ids.id(a.fingerprint, a.openedAt, a.status);
    a.targetKind = Action.TARGET_WORKLOAD;
    a.cluster = w.cluster;
    a.namespace = w.namespace;
    a.workload = w.workload;
    a.team = w.team;
    a.reason =
        String.format(
            Locale.ROOT,
            "defer %s to %s: %.0f%% cheaper",
            w.workload,
            Instant.ofEpochMilli(advice.at()),
            advice.saving() * 100);
    a.evidence =
        String.format(
            Locale.ROOT,
            "now %.4f, from %s %.4f %s",
            advice.nowPrice(),
            Instant.ofEpochMilli(advice.at()),
            advice.cheapPrice(),
            unit);
    if (!Double.isNaN(perHour)) {
      a.estimatedMonthlySavings = perHour * advice.saving() * 730;
      a.currency = w.currency;
    }
    a.confidence = 0.6;
    a.windowStart = w.windowStart;
    a.windowEnd = w.windowEnd;
    return a;
  }
}
