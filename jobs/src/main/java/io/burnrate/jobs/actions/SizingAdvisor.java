package io.burnrate.jobs.actions;

import io.burnrate.jobs.alerting.WindowShape;
import io.burnrate.jobs.pricing.GpuCatalog;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.CostWindow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sizing advice for workloads that use a small part of what they hold, pure (no Flink), fed the
 * full windows of one workload in order beside {@link ActionFinder}. It keeps the last {@code
 * observe-for} minutes of utilisation and peak memory ({@link UsageWindow}) and, once it has them
 * all, proposes what fits their percentiles:
 *
 * <ul>
 *   <li>{@code share_gpu} (at most one GPU per pod): the smallest MIG profile whose memory holds
 *       the peak memory with headroom and whose compute slices keep the p95 utilisation under the
 *       target, or time-slicing/MPS with as many such workloads per GPU as memory and the target
 *       allow (at most {@code max-per-gpu}); savings = the GPU cost share freed, assuming the GPU
 *       is packed with that many such workloads.
 *   <li>{@code smaller_gpu_type}: the cheapest type of the rate card (same provider, region and
 *       capacity type, another GPU model) whose memory holds the peak with headroom and whose
 *       compute (dense FP16 tensor TFLOPS) keeps the p95 under the target; savings = price
 *       difference per GPU-hour x GPUs x 730 h.
 *   <li>{@code scale_to_load} (replicated workloads: Deployment, StatefulSet, ReplicaSet, or ones
 *       reporting requests or tokens; 2+ pods with equal GPUs): the replicas that carry the p95
 *       load (utilisation x GPUs) at the target; savings = the removed replicas' GPUs x price x 730
 *       h.
 * </ul>
 *
 * <p>At most one of the three is open per workload (they are alternatives: their savings do not add
 * up): the one saving most when it opens; the evidence names the others. None opens while {@code
 * right_size} holds (unused GPUs come first). Hysteresis: an action opens when its advice fits with
 * the headroom and the target, and resolves only when it no longer fits at all (no memory headroom,
 * 100% utilisation). Prices are the rate card's; an unpriced instance type or a GPU model outside
 * {@link GpuCatalog} gets no advice.
 */
public final class SizingAdvisor implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The three sizing kinds: at most one open per workload. */
  public static final Set<String> KINDS =
      Set.of(Action.SHARE_GPU, Action.SMALLER_GPU_TYPE, Action.SCALE_TO_LOAD);

  /** Owner kinds whose pods are interchangeable replicas. */
  public static final Set<String> REPLICATED = Set.of("Deployment", "StatefulSet", "ReplicaSet");

  private final RateCard rateCard;
  private final SizingConfig cfg;

  public SizingAdvisor(RateCard rateCard, SizingConfig cfg) {
    this.rateCard = rateCard;
    this.cfg = cfg;
  }

  /** One proposal: what it saves and the words behind it. */
  record Advice(
      String kind,
      String operation,
      double savings,
      String currency,
      String reason,
      String evidence,
      double confidence,
      String advised) {}

  /** What one evaluation sees. */
  record Seen(
      CostWindow w,
      double gpus,
      RateCard.Price price,
      double perGpu,
      GpuCatalog.Gpu gpu,
      UsageWindow.Stats st) {}

  /** Feeds one full workload window. */
  void step(ActionState s, CostWindow w, List<Action> out) {
    String open = openKind(s);
    if (open != null
        && Action.SMALLER_GPU_TYPE.equals(open)
        && Objects.equals(w.instanceType, s.advised.get(open))) {
      resolve(s, open, w, "it runs on " + w.instanceType + " now", out);
      return;
    }
    double gpus = Math.rint(WindowShape.gpus(w));
    if (w.meanUtilization == null || w.memoryUsedRatio == null || gpus < 1) {
      return; // nothing known: the evidence neither grows nor breaks
    }
    UsageWindow u = s.usage;
    if (u == null || u.util.length != cfg.observeForMinutes()) {
      u = new UsageWindow(cfg.observeForMinutes());
      s.usage = u;
    }
    if (!Objects.equals(u.gpuModel, w.gpuModel)
        || !Objects.equals(u.instanceType, w.instanceType)) {
      u.clear(); // readings of another GPU say nothing about this one
      u.gpuModel = w.gpuModel;
      u.instanceType = w.instanceType;
    }
    u.add(w.meanUtilization, w.memoryUsedRatio, gpus, w.requests);
    RateCard.Price price = rateCard.lookup(w.instanceType, w.capacityType, w.region);
    GpuCatalog.Gpu gpu =
        GpuCatalog.lookup(
            w.gpuModel != null ? w.gpuModel : price == null ? null : price.gpuModel());
    if (!u.full() || price == null || price.gpuCount() <= 0 || gpu == null) {
      return;
    }
    Seen seen = new Seen(w, gpus, price, price.pricePerHour() / price.gpuCount(), gpu, u.stats());
    if (open != null) {
      String broken = broken(open, s.advised.get(open), seen);
      if (broken != null) {
        resolve(s, open, w, broken, out);
      }
      return;
    }
    if (s.open.containsKey(Action.RIGHT_SIZE) || s.since.containsKey(Action.RIGHT_SIZE)) {
      return; // GPUs it does not use at all come first
    }
    List<Advice> all = new ArrayList<>();
    add(all, share(seen, cfg.memoryHeadroom(), cfg.targetUtilization()));
    add(all, smaller(seen, cfg.memoryHeadroom(), cfg.targetUtilization()));
    add(all, scale(seen, cfg.targetUtilization()));
    if (all.isEmpty()) {
      return;
    }
    all.sort(Comparator.comparingDouble(Advice::savings).reversed().thenComparing(Advice::kind));
    Advice best = all.get(0);
    StringBuilder evidence = new StringBuilder(best.evidence());
    for (Advice other : all.subList(1, all.size())) {
      evidence.append(
          String.format(
              Locale.ROOT,
              "; alternative (savings not additive): %s, %.2f %s/month",
              other.kind(),
              other.savings(),
              other.currency()));
    }
    long since = w.windowEnd - (long) seen.st().minutes() * (w.windowEnd - w.windowStart);
    Action a = ActionFinder.open(best.kind(), best.operation(), Action.TARGET_WORKLOAD, w, since);
    a.estimatedMonthlySavings = best.savings();
    a.currency = best.currency();
    a.reason = best.reason();
    a.evidence = evidence.toString();
    a.confidence = best.confidence();
    s.open.put(best.kind(), a);
    s.advised.put(best.kind(), best.advised());
    out.add(a);
  }

  private static void add(List<Advice> all, Advice a) {
    if (a != null && a.savings() > 0) {
      all.add(a);
    }
  }

  private static String openKind(ActionState s) {
    for (String k : new TreeSet<>(KINDS)) {
      if (s.open.containsKey(k)) {
        return k;
      }
    }
    return null;
  }

  private static void resolve(
      ActionState s, String kind, CostWindow w, String why, List<Action> out) {
    s.advised.remove(kind);
    out.add(ActionFinder.resolve(s, kind, w.windowEnd, why));
  }

  /** Why the open advice no longer fits at all (no headroom, 100% utilisation), or null. */
  private String broken(String kind, String advised, Seen seen) {
    return switch (kind) {
      case Action.SHARE_GPU ->
          share(seen, 0, 1.0) == null ? "its observed peak no longer fits a shared GPU" : null;
      case Action.SMALLER_GPU_TYPE -> {
        RateCard.Price q = candidate(seen, advised);
        yield q == null || !fits(seen, GpuCatalog.lookup(q.gpuModel()), 0, 1.0)
            ? "its observed peak no longer fits " + advised + " at a lower price"
            : null;
      }
      default ->
          scale(seen, 1.0) == null
              ? "its replicas are needed for its observed load"
              : null; // SCALE_TO_LOAD
    };
  }

  // ------------------------------------------------------------------ share_gpu

  Advice share(Seen seen, double headroom, double target) {
    CostWindow w = seen.w();
    UsageWindow.Stats st = seen.st();
    if (seen.gpus() > Math.max(1, w.pods)) {
      return null; // more than one GPU per pod: right_size's case
    }
    double peakGb = st.memoryMax() * seen.gpu().memoryGb();
    GpuCatalog.MigProfile mig = null;
    for (GpuCatalog.MigProfile p : seen.gpu().mig()) {
      if (p.perGpu() >= 2
          && peakGb * (1 + headroom) <= p.memoryGb()
          && st.utilP95() * 7 / p.slices() <= target) {
        mig = p; // smallest first: the first fit packs the most per GPU
        break;
      }
    }
    int slicing =
        (int)
            Math.min(
                cfg.maxSharePerGpu(),
                Math.min(
                    Math.floor(target / Math.max(st.utilP95(), 0.001) + 1e-9),
                    Math.floor(1 / (Math.max(st.memoryMax(), 0.001) * (1 + headroom)) + 1e-9)));
    int perGpu = Math.max(mig == null ? 0 : mig.perGpu(), slicing);
    if (perGpu < 2) {
      return null;
    }
    boolean useMig = mig != null && mig.perGpu() >= slicing;
    int k = useMig ? mig.perGpu() : slicing;
    double savings = seen.perGpu() * seen.gpus() * (1 - 1.0 / k) * ActionFinder.HOURS_PER_MONTH;
    String how =
        useMig
            ? "MIG " + mig.name() + " (" + mig.slices() + "/7 of the compute)"
            : "time-slicing or MPS, " + k + " per GPU";
    String packing =
        String.format(
            Locale.ROOT,
            "packing: %d such workloads per GPU (%s), so each pays 1/%d of a GPU; savings ="
                + " %.4f %s/GPU-hour x %.0f GPUs x (1 - 1/%d) x 730 h; %s",
            k,
            useMig
                ? "NVIDIA's most " + mig.name() + " instances on a " + seen.gpu().name()
                : "memory and target",
            k,
            seen.perGpu(),
            seen.price().currency(),
            seen.gpus(),
            k,
            useMig
                ? "MIG isolates memory and faults"
                : "time-slicing isolates neither memory nor faults (MPS can cap memory per client)");
    return new Advice(
        Action.SHARE_GPU,
        "share_gpu",
        savings,
        seen.price().currency(),
        uses(seen) + ": share the GPU (" + how + ")",
        observed(seen) + "; " + packing,
        useMig ? 0.6 : 0.5,
        useMig ? mig.name() : "time-slicing/" + k);
  }

  // ------------------------------------------------------------------ smaller_gpu_type

  Advice smaller(Seen seen, double headroom, double target) {
    RateCard.Price best = null;
    GpuCatalog.Gpu bestGpu = null;
    for (String type : instanceTypes()) {
      RateCard.Price q = candidate(seen, type);
      GpuCatalog.Gpu g = q == null ? null : GpuCatalog.lookup(q.gpuModel());
      if (g == null
          || g == seen.gpu()
          || !fits(seen, g, headroom, target)
          || perGpu(q) > seen.perGpu() * (1 - cfg.minSaving())) {
        continue;
      }
      if (best == null || perGpu(q) < perGpu(best)) {
        best = q;
        bestGpu = g;
      }
    }
    if (best == null) {
      return null;
    }
    UsageWindow.Stats st = seen.st();
    double savings = (seen.perGpu() - perGpu(best)) * seen.gpus() * ActionFinder.HOURS_PER_MONTH;
    return new Advice(
        Action.SMALLER_GPU_TYPE,
        "change_gpu_type",
        savings,
        seen.price().currency(),
        uses(seen) + ": run it on " + best.instanceType() + " (" + bestGpu.name() + ")",
        observed(seen)
            + String.format(
                Locale.ROOT,
                "; %s: %.0f GB, its p95 scaled by dense FP16 tensor TFLOPS %.0f/%.0f = %.0f%%;"
                    + " rate card %s %s %.4f %s/h for %d GPUs = %.4f %s/GPU-hour (%s, as of %s);"
                    + " savings = (%.4f - %.4f) x %.0f GPUs x 730 h, assuming it holds its GPUs"
                    + " all month as it did over the %d observed minutes",
                bestGpu.name(),
                bestGpu.memoryGb(),
                seen.gpu().fp16TensorTflops(),
                bestGpu.fp16TensorTflops(),
                st.utilP95() * seen.gpu().fp16TensorTflops() / bestGpu.fp16TensorTflops() * 100,
                best.instanceType(),
                best.capacityType(),
                best.pricePerHour(),
                best.currency(),
                best.gpuCount(),
                perGpu(best),
                best.currency(),
                best.source(),
                best.asOf(),
                seen.perGpu(),
                perGpu(best),
                seen.gpus(),
                st.minutes()),
        0.5,
        best.instanceType());
  }

  /** Whether the workload's peak memory and p95 utilisation fit GPU {@code g}. */
  private static boolean fits(Seen seen, GpuCatalog.Gpu g, double headroom, double target) {
    return g != null
        && seen.st().memoryMax() * seen.gpu().memoryGb() * (1 + headroom) <= g.memoryGb()
        && seen.st().utilP95() * seen.gpu().fp16TensorTflops() / g.fp16TensorTflops() <= target;
  }

  /** Instance type {@code type} priced like the workload's own (provider, capacity, region). */
  private RateCard.Price candidate(Seen seen, String type) {
    RateCard.Price q = rateCard.lookup(type, seen.price().capacityType(), seen.w().region);
    int perPod = (int) Math.ceil(seen.gpus() / Math.max(1, seen.w().pods) - 1e-9);
    return q == null
            || q.gpuCount() < Math.max(1, perPod)
            || !Objects.equals(q.provider(), seen.price().provider())
            || !Objects.equals(q.currency(), seen.price().currency())
        ? null
        : q;
  }

  private TreeSet<String> instanceTypes() {
    TreeSet<String> types = new TreeSet<>();
    for (RateCard.Price p : rateCard.rows().values()) {
      types.add(p.instanceType());
    }
    return types;
  }

  private static double perGpu(RateCard.Price p) {
    return p.pricePerHour() / p.gpuCount();
  }

  // ------------------------------------------------------------------ scale_to_load

  /** True for a replicated workload ({@link #REPLICATED} owner kinds, or serving counters). */
  public static boolean replicated(CostWindow w) {
    String[] parts = w.workload == null ? new String[0] : w.workload.split("/", 3);
    return (parts.length == 3 && REPLICATED.contains(parts[1]))
        || w.requests != null
        || w.tokens != null;
  }

  /** A replicated workload on 2+ pods of one GPU each: scale_to_load's case, not right_size's. */
  public static boolean replicasOfOneGpu(CostWindow w) {
    return replicated(w) && w.pods >= 2 && Math.abs(WindowShape.gpus(w) - w.pods) < 1e-6;
  }

  Advice scale(Seen seen, double target) {
    CostWindow w = seen.w();
    int replicas = w.pods;
    double perReplica = seen.gpus() / Math.max(1, replicas);
    if (!replicated(w)
        || replicas < 2
        || perReplica < 1
        || Math.abs(perReplica - Math.rint(perReplica)) > 1e-6) {
      return null;
    }
    UsageWindow.Stats st = seen.st();
    int needed =
        Math.max(cfg.minReplicas(), (int) Math.ceil(st.loadP95() / (target * perReplica) - 1e-9));
    int spare = replicas - needed;
    if (spare < 1) {
      return null;
    }
    double savings = spare * perReplica * seen.perGpu() * ActionFinder.HOURS_PER_MONTH;
    String requests =
        Double.isNaN(st.requestsP95())
            ? ""
            : String.format(
                Locale.ROOT,
                "; requests p95 %.0f/min in all, %.0f/min per replica on %d",
                st.requestsP95(),
                st.requestsP95() / needed,
                needed);
    return new Advice(
        Action.SCALE_TO_LOAD,
        "scale_replicas",
        savings,
        seen.price().currency(),
        String.format(
            Locale.ROOT,
            "%s runs %d replicas for a p95 load of %.2f GPUs: %d carry it at %.0f%%",
            w.workload,
            replicas,
            st.loadP95(),
            needed,
            target * 100),
        observed(seen)
            + String.format(
                Locale.ROOT,
                "; load = utilisation x GPUs held, p95 %.2f GPUs; %d replicas of %.0f GPU(s) at"
                    + " target %.0f%% (at least %d), assuming load spreads evenly over replicas"
                    + " and utilisation grows in proportion to load per replica%s; savings = %d"
                    + " replicas x %.0f GPU(s) x %.4f %s/GPU-hour x 730 h",
                st.loadP95(),
                needed,
                perReplica,
                target * 100,
                cfg.minReplicas(),
                requests,
                spare,
                perReplica,
                seen.perGpu(),
                seen.price().currency()),
        Double.isNaN(st.requestsP95()) ? 0.6 : 0.7,
        Integer.toString(needed));
  }

  // ------------------------------------------------------------------ evidence

  /** {@code ns/Deployment/x uses 9% of its A100 40GB at p95 and 3.2 of 40 GB}. */
  private static String uses(Seen seen) {
    return String.format(
        Locale.ROOT,
        "%s uses %.0f%% of its %s at p95 and %.1f of %.0f GB",
        seen.w().workload,
        seen.st().utilP95() * 100,
        seen.gpu().name(),
        seen.st().memoryMax() * seen.gpu().memoryGb(),
        seen.gpu().memoryGb());
  }

  /** The observed percentiles and the price used, in words. */
  private static String observed(Seen seen) {
    UsageWindow.Stats st = seen.st();
    RateCard.Price p = seen.price();
    return String.format(
        Locale.ROOT,
        "over the last %d one-minute windows on %.0f GPU(s) %s: utilisation (SM activity where"
            + " dcgm reports it, else GPU_UTIL) p50 %.1f%%, p95 %.1f%%, max %.1f%%; peak GPU memory"
            + " used %.1f GB of %.0f GB (p95 of the per-minute peaks %.1f GB); rate card %s %s %s"
            + " %.4f %s/h for %d GPUs = %.4f %s/GPU-hour (%s, as of %s)",
        st.minutes(),
        seen.gpus(),
        seen.gpu().name(),
        st.utilP50() * 100,
        st.utilP95() * 100,
        st.utilMax() * 100,
        st.memoryMax() * seen.gpu().memoryGb(),
        seen.gpu().memoryGb(),
        st.memoryP95() * seen.gpu().memoryGb(),
        p.instanceType(),
        p.capacityType(),
        p.region(),
        p.pricePerHour(),
        p.currency(),
        p.gpuCount(),
        seen.perGpu(),
        p.currency(),
        p.source(),
        p.asOf());
  }
}
