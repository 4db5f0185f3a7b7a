package io.burnrate.jobs.actions;

import io.burnrate.jobs.alerting.Ids;
import io.burnrate.jobs.alerting.Resolutions;
import io.burnrate.jobs.alerting.WindowShape;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.CostWindow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The optimisation conditions, pure (no Flink): fed the windows of one workload or node in order,
 * it opens an {@link Action} when a condition has held for its duration and resolves it when the
 * condition breaks, one action per condition until it resolves.
 *
 * <ul>
 *   <li>{@code release_idle_node} (idle windows): every GPU of the node (GPU count from the rate
 *       card) unheld for {@link #IDLE_NODE_MINUTES}; savings = node price x 730 h.
 *   <li>{@code right_size} (workload windows on 2+ GPUs): GPUs left unused ({@code unusedGpus} when
 *       reported, else estimated from mean utilisation against {@link #TARGET_UTILIZATION}) for
 *       {@link #RIGHT_SIZE_MINUTES}; savings = the unused share of its cost rate x 730 h.
 *   <li>{@code move_to_spot} (workload windows): on-demand capacity while labelled {@code
 *       burnrate.io/spot-tolerant=true} and not {@code burnrate.io/critical=true}, for {@link
 *       #SPOT_MINUTES}; savings = (on-demand - spot price) x its share of the node x 730 h.
 *   <li>{@code change_gpu_type} (workload windows): its cost per sample on another instance type
 *       was at least {@link #CHEAPER_BY} lower, each type with {@link #MIN_TYPE_WINDOWS} windows.
 *   <li>{@code share_gpu}, {@code smaller_gpu_type}, {@code scale_to_load} (workload windows): the
 *       sizing advice of {@link SizingAdvisor}, at most one of them open per workload.
 * </ul>
 *
 * <p>A replicated workload of one GPU per pod (a Deployment's replicas) is not right-sized: fewer
 * replicas is {@code scale_to_load}'s advice.
 */
public final class ActionFinder implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final long IDLE_NODE_MINUTES = 30;
  public static final long RIGHT_SIZE_MINUTES = 60;
  public static final long SPOT_MINUTES = 30;
  public static final double TARGET_UTILIZATION = 0.8;
  public static final double CHEAPER_BY = 0.15;
  public static final int MIN_TYPE_WINDOWS = 30;
  public static final double HOURS_PER_MONTH = 730;

  public static final String SPOT_TOLERANT = "burnrate.io/spot-tolerant";
  public static final String CRITICAL = "burnrate.io/critical";

  private final RateCard rateCard;
  private final SizingAdvisor sizing;

  public ActionFinder(RateCard rateCard) {
    this(rateCard, SizingConfig.defaults());
  }

  public ActionFinder(RateCard rateCard, SizingConfig sizing) {
    this.rateCard = rateCard;
    this.sizing = new SizingAdvisor(rateCard, sizing);
  }

  /** Feeds one window; returns the actions opened or resolved by it. */
  public List<Action> step(ActionState s, CostWindow w) {
    List<Action> out = new ArrayList<>();
    if (CostWindow.KIND_IDLE.equals(w.kind)) {
      idleNode(s, w, out);
    } else if (CostWindow.KIND_WORKLOAD.equals(w.kind) && !WindowShape.partial(w)) {
      rightSize(s, w, out);
      spot(s, w, out);
      gpuType(s, w, out);
      sizing.step(s, w, out);
    }
    s.lastWindowEnd = Math.max(s.lastWindowEnd, w.windowEnd);
    return out;
  }

  /** Resolves everything open: the workload or node stopped reporting. */
  public List<Action> stop(ActionState s, String why) {
    List<Action> out = new ArrayList<>();
    for (String kind : new java.util.TreeSet<>(s.open.keySet())) {
      out.add(resolve(s, kind, s.lastWindowEnd, why));
    }
    return out;
  }

  private void idleNode(ActionState s, CostWindow w, List<Action> out) {
    String kind = Action.RELEASE_IDLE_NODE;
    RateCard.Price p = rateCard.lookup(w.instanceType, w.capacityType, w.region);
    double seconds = (w.windowEnd - w.windowStart) / 1000.0;
    boolean allIdle =
        p != null && p.gpuCount() > 0 && w.idleGpuSeconds >= p.gpuCount() * seconds - 1e-6;
    boolean contiguous = s.lastWindowEnd < 0 || s.lastWindowEnd == w.windowStart;
    if (!allIdle || !contiguous) {
      s.drop(kind);
      if (s.open.containsKey(kind)) {
        out.add(resolve(s, kind, w.windowStart, "the node's GPUs are in use again"));
      }
      if (!allIdle) {
        return;
      }
    }
    s.hold(kind, w.windowStart, p.gpuCount(), w.cost);
    long minutes = (w.windowEnd - s.since.get(kind)) / 60_000;
    if (minutes < IDLE_NODE_MINUTES || s.open.containsKey(kind)) {
      return;
    }
    Action a = open(kind, "release_node", Action.TARGET_NODE, w, s.since.get(kind));
    a.node = w.node;
    a.fingerprint = Ids.fingerprint(kind, w.cluster, w.node);
    a.id = Ids.id(a.fingerprint, a.openedAt, a.status);
    a.estimatedMonthlySavings = p.pricePerHour() * HOURS_PER_MONTH;
    a.currency = p.currency();
    a.reason =
        String.format(
            Locale.ROOT,
            "node %s (%s, %d GPUs, %s) has had no GPU in use for %d min: release it",
            w.node,
            w.instanceType,
            p.gpuCount(),
            w.capacityType,
            minutes);
    a.evidence =
        String.format(
            Locale.ROOT,
            "all %d GPUs idle since %s; rate card %.2f %s/h (%s, as of %s)",
            p.gpuCount(),
            java.time.Instant.ofEpochMilli(s.since.get(kind)),
            p.pricePerHour(),
            p.currency(),
            p.source(),
            p.asOf());
    a.confidence = Math.min(0.95, 0.5 + minutes / 240.0);
    s.open.put(kind, a);
    out.add(a);
  }

  private void rightSize(ActionState s, CostWindow w, List<Action> out) {
    String kind = Action.RIGHT_SIZE;
    if (SizingAdvisor.replicasOfOneGpu(w)) {
      return; // fewer replicas, not fewer GPUs per pod: scale_to_load
    }
    double gpus = Math.rint(WindowShape.gpus(w));
    double spare = Double.NaN;
    if (gpus >= 2 && w.unusedGpus != null) {
      spare = w.unusedGpus;
    } else if (gpus >= 2 && w.meanUtilization != null) {
      spare = gpus - Math.max(1, Math.ceil(gpus * w.meanUtilization / TARGET_UTILIZATION - 1e-9));
    }
    if (Double.isNaN(spare)) {
      return; // nothing known: the run neither extends nor breaks
    }
    if (spare < 1) {
      s.drop(kind);
      if (s.open.containsKey(kind)) {
        out.add(resolve(s, kind, w.windowEnd, "all its GPUs are used again"));
      }
      return;
    }
    s.hold(kind, w.windowStart, spare, w.cost);
    long minutes = (w.windowEnd - s.since.get(kind)) / 60_000;
    if (minutes < RIGHT_SIZE_MINUTES || s.open.containsKey(kind)) {
      return;
    }
    double fewer = Math.floor(s.minSpare.get(kind));
    Action a = open(kind, "reduce_gpus", Action.TARGET_WORKLOAD, w, s.since.get(kind));
    double rate = s.runCostPerHour(kind);
    a.estimatedMonthlySavings = Double.isNaN(rate) ? null : rate * fewer / gpus * HOURS_PER_MONTH;
    a.reason =
        String.format(
            Locale.ROOT,
            "%s leaves %.0f of its %.0f GPUs unused: run it on %.0f",
            w.workload,
            fewer,
            gpus,
            gpus - fewer);
    a.evidence =
        String.format(
            Locale.ROOT,
            "for %d min at least %.0f GPUs unused (%s); cost rate %.2f/h",
            minutes,
            fewer,
            w.unusedGpus != null
                ? "per-GPU telemetry"
                : String.format(
                    Locale.ROOT,
                    "estimated from mean utilisation %.0f%% vs target %.0f%%",
                    w.meanUtilization * 100,
                    TARGET_UTILIZATION * 100),
            rate);
    a.confidence = w.unusedGpus != null ? 0.8 : 0.5;
    s.open.put(kind, a);
    out.add(a);
  }

  private void spot(ActionState s, CostWindow w, List<Action> out) {
    String kind = Action.MOVE_TO_SPOT;
    Map<String, String> l = w.labels;
    boolean tolerant =
        l != null
            && "true".equalsIgnoreCase(l.get(SPOT_TOLERANT))
            && !"true".equalsIgnoreCase(l.get(CRITICAL));
    if (w.capacityType == null) {
      return;
    }
    if (!tolerant || !"on-demand".equals(w.capacityType)) {
      s.drop(kind);
      if (s.open.containsKey(kind)) {
        out.add(
            resolve(
                s,
                kind,
                w.windowEnd,
                "spot".equals(w.capacityType)
                    ? "it runs on spot"
                    : "it is no longer spot-tolerant"));
      }
      return;
    }
    s.hold(kind, w.windowStart, 0, w.cost);
    long minutes = (w.windowEnd - s.since.get(kind)) / 60_000;
    if (minutes < SPOT_MINUTES || s.open.containsKey(kind)) {
      return;
    }
    RateCard.Price od = rateCard.lookup(w.instanceType, "on-demand", w.region);
    RateCard.Price spot = rateCard.lookup(w.instanceType, "spot", w.region);
    Action a = open(kind, "switch_to_spot", Action.TARGET_WORKLOAD, w, s.since.get(kind));
    double gpus = WindowShape.gpus(w);
    if (od != null && spot != null && od.gpuCount() > 0) {
      a.estimatedMonthlySavings =
          (od.pricePerHour() - spot.pricePerHour()) * gpus / od.gpuCount() * HOURS_PER_MONTH;
      a.currency = od.currency();
      a.confidence = 0.7;
      a.evidence =
          String.format(
              Locale.ROOT,
              "%s in %s: on-demand %.2f/h, spot %.2f/h (rate card); holds %.0f of %d GPUs; labelled %s",
              w.instanceType,
              w.region,
              od.pricePerHour(),
              spot.pricePerHour(),
              gpus,
              od.gpuCount(),
              SPOT_TOLERANT);
    } else {
      a.confidence = 0.4;
      a.evidence =
          "no spot price for " + w.instanceType + " in the rate card; labelled " + SPOT_TOLERANT;
    }
    a.reason = w.workload + " is spot-tolerant but runs on on-demand capacity: move it to spot";
    s.open.put(kind, a);
    out.add(a);
  }

  private void gpuType(ActionState s, CostWindow w, List<Action> out) {
    String kind = Action.CHANGE_GPU_TYPE;
    if (w.instanceType == null || w.cost == null || w.samples == null || w.samples <= 0) {
      return;
    }
    s.typeCost.merge(w.instanceType, w.cost, Double::sum);
    s.typeSamples.merge(w.instanceType, w.samples, Double::sum);
    s.typeWindows.merge(w.instanceType, 1, Integer::sum);
    double here = cps(s, w.instanceType);
    String best = null;
    double bestCps = Double.NaN;
    for (String t : s.typeCost.keySet()) {
      double c = cps(s, t);
      if (!t.equals(w.instanceType) && !Double.isNaN(c) && (best == null || c < bestCps)) {
        best = t;
        bestCps = c;
      }
    }
    boolean cheaper = best != null && !Double.isNaN(here) && bestCps <= here * (1 - CHEAPER_BY);
    if (!cheaper) {
      if (s.open.containsKey(kind)) {
        out.add(resolve(s, kind, w.windowEnd, "it runs on the cheaper type"));
      }
      return;
    }
    if (s.open.containsKey(kind)) {
      return;
    }
    Action a = open(kind, "change_gpu_type", Action.TARGET_WORKLOAD, w, w.windowStart);
    double rate = w.cost / ((w.windowEnd - w.windowStart) / 3_600_000.0);
    a.estimatedMonthlySavings = rate * (1 - bestCps / here) * HOURS_PER_MONTH;
    a.currency = w.currency;
    a.reason =
        String.format(
            Locale.ROOT,
            "%s costs less per sample on %s than on %s: move it",
            w.workload,
            best,
            w.instanceType);
    a.evidence =
        String.format(
            Locale.ROOT,
            "cost per 1k samples %.4f on %s (%d windows) vs %.4f on %s (%d windows)",
            bestCps * 1000,
            best,
            s.typeWindows.get(best),
            here * 1000,
            w.instanceType,
            s.typeWindows.get(w.instanceType));
    a.confidence = 0.6;
    s.open.put(kind, a);
    out.add(a);
  }

  private static double cps(ActionState s, String type) {
    Integer n = s.typeWindows.get(type);
    Double samples = s.typeSamples.get(type);
    if (n == null || n < MIN_TYPE_WINDOWS || samples == null || samples <= 0) {
      return Double.NaN;
    }
    return s.typeCost.get(type) / samples;
  }

  static Action open(String kind, String op, String target, CostWindow w, long since) {
    Action a = new Action();
    a.kind = kind;
    a.operation = op;
    a.targetKind = target;
    a.status = Action.OPEN;
    a.cluster = w.cluster;
    a.namespace = w.namespace;
    a.workload = w.workload;
    a.team = w.team;
    a.currency = w.currency;
    a.openedAt = w.windowEnd;
    a.windowStart = since;
    a.windowEnd = w.windowEnd;
    a.fingerprint = Ids.fingerprint(kind, w.cluster, w.workload);
    a.id = Ids.id(a.fingerprint, a.openedAt, a.status);
    return a;
  }

  static Action resolve(ActionState s, String kind, long at, String why) {
    return Resolutions.action(s.open.remove(kind), at, why);
  }
}
