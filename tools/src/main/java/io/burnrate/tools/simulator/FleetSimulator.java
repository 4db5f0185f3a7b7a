package io.burnrate.tools.simulator;

import io.burnrate.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A deterministic GPU fleet: nodes of several cloud GPU instance types (spot and on-demand, several
 * regions), training Jobs and inference Deployments arriving and finishing with the watch-event
 * shapes the API server emits, dcgm-exporter telemetry every scrape interval per GPU, and progress
 * counters per pod. The same seed and start give the same records, byte for byte.
 *
 * <p>Behaviours: healthy (70-95% SM activity), idle GPUs held by a pod doing nothing, a training
 * job whose throughput slowly degrades, a job whose container restarts (counters reset to zero),
 * under-utilised inference, GPU memory pressure, a spot node reclaimed mid-run, an instance type
 * missing from the rate card, an inference deployment that runs away to four times its replicas, a
 * cordoned node nothing uses, a one-GPU inference service at a few percent (a GPU to share or a
 * smaller GPU type), a spot-tolerant deployment ({@code burnrate.io/spot-tolerant} annotation) on
 * on-demand capacity, a critical job ({@code burnrate.io/critical} label), and a team heading for
 * its budget (budget definitions on {@code burnrate.config.budgets} at the start, see {@link
 * #budgetTeam}). Billing arrives late as FOCUS rows, and is restated once (see {@link #billing}).
 * {@link #incidents()} lists what was injected, with times, as ground truth for the detectors of
 * later issues.
 */
public final class FleetSimulator {

  /** Simulation settings. */
  public record Config(
      long seed,
      Instant start,
      Duration duration,
      int nodes,
      String cluster,
      Duration scrapeInterval,
      boolean incidents,
      boolean ownedSite) {
    /** A cloud fleet only (no owned site). */
    public Config(
        long seed,
        Instant start,
        Duration duration,
        int nodes,
        String cluster,
        Duration scrapeInterval,
        boolean incidents) {
      this(seed, start, duration, nodes, cluster, scrapeInterval, incidents, false);
    }

    public Config {
      if (nodes < 1) {
        throw new IllegalArgumentException("nodes: must be >= 1");
      }
      if (scrapeInterval.toMillis() < 1000) {
        throw new IllegalArgumentException("scrape interval: must be >= 1s");
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("duration: must be > 0");
      }
    }

    public static Config defaults(Instant start) {
      return new Config(
          42, start, Duration.ofHours(3), 12, "sim-cluster", Duration.ofSeconds(10), true);
    }

    /**
     * The same fleet plus an owned site ({@link FleetSimulator#OWNED_SITE}): two 8-GPU nodes priced
     * by energy and amortisation, running a fine-tuning job whose validation loss plateaus, an
     * unstable run whose loss diverges, and an LLM inference service reporting tokens and requests.
     */
    public Config withOwnedSite() {
      return new Config(seed, start, duration, nodes, cluster, scrapeInterval, incidents, true);
    }
  }

  /** A ground-truth incident. */
  public record Incident(String kind, String target, long from, long to, String detail) {}

  private final Config cfg;
  private final SplittableRandom rnd;
  private final List<SimNode> nodes = new ArrayList<>();
  private final List<SimWorkload> workloads = new ArrayList<>();
  private final List<SimPod> pods = new ArrayList<>();

  /** Live pods by {@code namespace/name}: telemetry looks its holder up once per GPU and scrape. */
  private final java.util.Map<String, SimPod> podIndex = new java.util.HashMap<>();

  private final List<Incident> incidents = new ArrayList<>();
  private final List<SimRecord> pending = new ArrayList<>();
  private final FocusBilling bill;
  private final List<SimRecord> budgets = new ArrayList<>();
  private final long startMs;
  private final long endMs;
  private final long step;
  private int resourceVersion = 1000;
  private int uidCounter;
  private long now;

  public FleetSimulator(Config cfg) {
    this.cfg = cfg;
    this.rnd = new SplittableRandom(cfg.seed());
    this.startMs = cfg.start().toEpochMilli();
    this.endMs = startMs + cfg.duration().toMillis();
    this.step = cfg.scrapeInterval().toMillis();
    this.bill = new FocusBilling(cfg.cluster(), startMs, endMs, nodes);
    buildFleet();
    planWorkloads();
    if (cfg.incidents()) {
      spotCandidate();
      lightInference();
      idleNode();
      budgetTeam();
    }
    if (cfg.ownedSite()) {
      ownedSite();
    }
  }

  public List<Incident> incidents() {
    return List.copyOf(incidents);
  }

  public long startMillis() {
    return startMs;
  }

  public long endMillis() {
    return endMs;
  }

  /** Workloads (Jobs and Deployments) the simulation runs. */
  public int workloadCount() {
    return workloads.size();
  }

  /** Total GPUs in the fleet. */
  public int gpuCount() {
    int n = 0;
    for (SimNode node : nodes) {
      n += node.type.gpus();
    }
    return n;
  }

  /**
   * Runs the whole simulation, handing records to {@code out} in event-time order, one scrape
   * interval at a time.
   */
  public void run(Consumer<SimRecord> out) {
    for (now = startMs; now < endMs; now += step) {
      step(out);
    }
  }

  /** Runs one scrape interval starting at {@code t}; for callers that pace the simulation. */
  public void runStep(long t, Consumer<SimRecord> out) {
    now = t;
    step(out);
  }

  public long stepMillis() {
    return step;
  }

  // ------------------------------------------------------------------ fleet and plan

  private void buildFleet() {
    for (int i = 0; i < cfg.nodes(); i++) {
      NodeType t = FleetCatalogue.TYPES[i % FleetCatalogue.TYPES.length];
      if (cfg.incidents() && i == cfg.nodes() - 1 && cfg.nodes() >= 6) {
        t = FleetCatalogue.UNPRICED_TYPE;
        incidents.add(
            new Incident(
                "unpriced_instance_type",
                "node/" + nodeName(i, t),
                startMs,
                -1,
                t.instanceType() + " is not in the rate card"));
      }
      SimNode n = new SimNode();
      n.type = t;
      n.name = nodeName(i, t);
      n.created = startMs;
      n.gpuHolder = new String[t.gpus()];
      n.jitterMs = rnd.nextInt((int) Math.min(step, 9000));
      n.providerId =
          switch (t.provider()) {
            case "aws" -> "aws:///" + t.zone() + "/i-0" + hex(16);
            case "gcp" -> "gce://burnrate-sim/" + t.zone() + "/" + n.name;
            default ->
                "azure:///subscriptions/0000/resourceGroups/sim/providers/Microsoft.Compute/"
                    + "virtualMachineScaleSets/gpu/virtualMachines/"
                    + i;
          };
      nodes.add(n);
    }
    if (cfg.incidents()) {
      for (SimNode n : nodes) {
        if (n.type.spot() && n.type.gpus() >= 4) {
          n.deleted = startMs + (long) (cfg.duration().toMillis() * 0.6);
          incidents.add(
              new Incident(
                  "spot_reclaimed",
                  "node/" + n.name,
                  n.deleted,
                  n.deleted,
                  "spot capacity reclaimed"));
          break;
        }
      }
    }
  }

  private static String nodeName(int i, NodeType t) {
    return "gpu-"
        + t.instanceType().replace('.', '-').replace('_', '-').toLowerCase()
        + "-"
        + String.format("%02d", i);
  }

  private void planWorkloads() {
    long dur = cfg.duration().toMillis();
    int totalGpus = gpuCount();
    // a base load that fills about 70% of the fleet, staggered over the first minutes, less what
    // the incidents add (the budget team's job, an idle node, up to two 1-GPU deployments)
    int reserved = cfg.incidents() ? BUDGET_GPUS + 3 : 0;
    int planned = 0;
    int i = 0;
    while (planned < totalGpus * 0.7 - reserved && i < 500) {
      SimWorkload w = new SimWorkload();
      w.team = FleetCatalogue.TEAMS[i % FleetCatalogue.TEAMS.length];
      w.namespace = "team-" + w.team[0];
      w.inference = i % 3 == 2;
      w.kind = w.inference ? "Deployment" : "Job";
      w.name = (w.inference ? "serve-" : "train-") + w.team[1] + "-" + i;
      w.gpusPerPod = pickGpus(i);
      w.replicas = w.inference ? 1 + rnd.nextInt(2) : 1;
      w.start = startMs + rnd.nextLong(Math.max(1, Math.min(dur / 6, 20 * 60_000L)));
      w.end = w.inference ? -1 : w.start + (long) (dur * (0.3 + 0.6 * rnd.nextDouble()));
      w.ratePerGpu = w.inference ? 900 + rnd.nextInt(600) : 40 + rnd.nextInt(40);
      w.behaviour = Behaviour.HEALTHY;
      workloads.add(w);
      planned += w.gpusPerPod * w.replicas;
      i++;
    }
    // later arrivals: a short job (seconds matter), and a steady trickle
    SimWorkload shortJob = job("vision", 99, 1, startMs + 12 * 60_000L + 7_000, 40_000);
    workloads.add(shortJob);
    for (int k = 0; k < 4; k++) {
      long s = startMs + (long) (dur * (0.35 + 0.1 * k));
      workloads.add(
          job(
              FleetCatalogue.TEAMS[k % FleetCatalogue.TEAMS.length][0],
              100 + k,
              pickGpus(k + 3),
              s,
              (long) (dur * 0.2)));
    }
    if (cfg.incidents()) {
      incident(Behaviour.IDLE, "idle_gpu", 0.1, "held GPUs at <5% utilisation");
      incident(
          Behaviour.DEGRADING,
          "throughput_degradation",
          0.05,
          "samples/s falls steadily to 40% of its start");
      incident(Behaviour.RESTARTING, "counter_reset", 0.0, "container restarts every 25 min");
      incident(Behaviour.LOW_UTIL, "under_utilisation", 0.15, "35-50% SM activity");
      incident(Behaviour.MEMORY_PRESSURE, "memory_pressure", 0.25, "framebuffer > 97% used");
      runaway(0.7);
    }
  }

  /** An inference deployment that scales out to four times its replicas (a runaway cost). */
  private void runaway(double atFraction) {
    SimWorkload target = null;
    for (SimWorkload w : workloads) {
      if (w.inference && w.behaviour == Behaviour.HEALTHY && w.gpusPerPod <= 2) {
        target = w;
        break;
      }
    }
    if (target == null) {
      target = dedicatedDeployment(900); // a small fleet has no candidate: one of its own
    }
    target.scaleUpAt = startMs + (long) (cfg.duration().toMillis() * atFraction);
    target.scaleUpTo = target.replicas * 4;
    incidents.add(
        new Incident(
            "runaway_scale_up",
            "workload/" + target.namespace + "/Deployment/" + target.name,
            target.scaleUpAt,
            -1,
            "replicas " + target.replicas + " -> " + target.scaleUpTo));
  }

  /**
   * A 1-GPU inference deployment of its own for an incident that the fleet's base load has no
   * candidate for (small fleets); made without drawing from the random sequence.
   */
  private SimWorkload dedicatedDeployment(int idx) {
    SimWorkload w = new SimWorkload();
    w.team = FleetCatalogue.TEAMS[3];
    w.namespace = "team-" + w.team[0];
    w.inference = true;
    w.kind = "Deployment";
    w.name = "serve-" + w.team[1] + "-" + idx;
    w.gpusPerPod = 1;
    w.replicas = 1;
    w.start = startMs + 60_000L;
    w.end = -1;
    w.ratePerGpu = 1200;
    w.behaviour = Behaviour.HEALTHY;
    workloads.add(w);
    return w;
  }

  /**
   * A node nothing is placed on (cordoned, then forgotten): the first 1-GPU node, in fleets of four
   * nodes or more. Its GPUs are idle for the whole run, a node to release.
   */
  private void idleNode() {
    if (nodes.size() < 4) {
      return;
    }
    for (SimNode n : nodes) {
      if (n.type.gpus() == 1 && n.type != FleetCatalogue.UNPRICED_TYPE && n.deleted < 0) {
        n.cordoned = true;
        incidents.add(
            new Incident(
                "idle_node",
                "node/" + n.name,
                startMs,
                -1,
                "cordoned and never used: " + n.type.instanceType() + " idle for the whole run"));
        return;
      }
    }
  }

  /** The owned site's name: its nodes carry the label {@code burnrate.io/site=lab-berlin}. */
  public static final String OWNED_SITE = "lab-berlin";

  /** An owned 8-GPU A100 server (no cloud instance type, no bill). */
  private static final NodeType OWNED_TYPE =
      new NodeType("onprem", "dgx-a100", 8, "NVIDIA A100-SXM4-40GB", "", "", false, true, 40960);

  /**
   * The owned site: two DGX-class nodes labelled {@code burnrate.io/site=lab-berlin} reporting the
   * energy counter (GPU 0 of the first is reset by a driver reload half-way), running team nlp's
   * fine-tuning job (4 GPUs; validation loss every 5 minutes, improving until 35% of the run, then
   * flat: a plateau), an unstable RL run (2 GPUs; its loss climbs from 55% of the run and is NaN 5
   * minutes later: diverged) and an LLM inference service (2 replicas of 2 GPUs, tokens and
   * requests). Built without drawing from the random sequence, after everything else, so the cloud
   * fleet's plan is the same with or without it.
   */
  private void ownedSite() {
    long dur = cfg.duration().toMillis();
    for (int k = 0; k < 2; k++) {
      SimNode n = new SimNode();
      n.type = OWNED_TYPE;
      n.name = "dgx-a100-lab-0" + (k + 1);
      n.site = OWNED_SITE;
      n.created = startMs;
      n.gpuHolder = new String[OWNED_TYPE.gpus()];
      n.jitterMs = (int) Math.min(step - 1, 2000 + 1500L * k);
      n.energyMilliJoules = new double[OWNED_TYPE.gpus()];
      for (int g = 0; g < n.energyMilliJoules.length; g++) {
        n.energyMilliJoules[g] = 4.1e12 + g * 1.7e10; // months of use before the run
      }
      nodes.add(n);
    }
    SimNode first = nodes.get(nodes.size() - 2);
    first.energyResetAt = startMs + dur / 2;
    incidents.add(
        new Incident(
            "energy_counter_reset",
            "node/" + first.name,
            first.energyResetAt,
            first.energyResetAt,
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION of GPU 0 restarts from 0 (driver reload)"));

    SimWorkload finetune = ownedWorkload("nlp", "train-llm-finetune-0", "Job", 4, 60_000L);
    finetune.ratePerGpu = 55;
    finetune.plateauAt = startMs + (long) (dur * 0.35);
    // planned for twice the simulated span at its healthy speed (86% of 4 x 55 samples/s, 256 a
    // step): it reports total_steps, the diverging run below does not
    finetune.plannedSteps = Math.round(4 * 55 * 0.86 / 256 * dur / 1000.0 * 2);
    incidents.add(
        new Incident(
            "training_plateau",
            "workload/" + finetune.namespace + "/Job/" + finetune.name,
            finetune.plateauAt,
            -1,
            "val_loss stops improving; 5 evaluations later early stopping would save the rest"));
    SimWorkload rl = ownedWorkload("ml-infra", "train-rl-unstable-0", "Job", 2, 90_000L);
    rl.ratePerGpu = 35;
    rl.divergeAt = startMs + (long) (dur * 0.55);
    incidents.add(
        new Incident(
            "training_diverged",
            "workload/" + rl.namespace + "/Job/" + rl.name,
            rl.divergeAt,
            -1,
            "the loss climbs 15% per scrape, then is NaN"));
    SimWorkload serve = ownedWorkload("nlp", "serve-chat-llm", "Deployment", 2, 120_000L);
    serve.inference = true;
    serve.replicas = 2;
    serve.ratePerGpu = 1400; // tokens per GPU-second at full speed
  }

  private SimWorkload ownedWorkload(
      String team, String name, String kind, int gpus, long startAfter) {
    SimWorkload w = new SimWorkload();
    for (String[] t : FleetCatalogue.TEAMS) {
      if (t[0].equals(team)) {
        w.team = t;
      }
    }
    w.namespace = "team-" + team;
    w.kind = kind;
    w.name = name;
    w.gpusPerPod = gpus;
    w.replicas = 1;
    w.start = startMs + startAfter;
    w.end = -1;
    w.behaviour = Behaviour.HEALTHY;
    w.owned = true;
    workloads.add(w);
    return w;
  }

  /** The team heading for its budget: its own job, on node 0 (on-demand, priced). */
  static final String[] BUDGET_TEAM = {"research", "foundation", "cc-77"};

  static final int BUDGET_GPUS = 2;

  /** Pod annotation and label the simulator sets (the detection hints). */
  static final String SPOT_TOLERANT = "burnrate.io/spot-tolerant";

  static final String CRITICAL = "burnrate.io/critical";

  /**
   * A team heading for its budget, sized from the fleet's own prices so that it works at any size
   * and start: team {@code research} runs one critical 2-GPU job on node 0 (always an on-demand
   * p4d.24xlarge) from the start to the end, so its cost rate is known exactly. Two budgets are
   * published on {@code burnrate.config.budgets} at the start: {@code research-daily}, a day that
   * starts at the simulation's first hour (a fixed-offset zone) whose amount the job's spend
   * crosses at 80% of the run (50/80/90/100% and the escalations at 90/95/98% all fire), and {@code
   * research-monthly}, whose forecast crosses 100% after the first hour while actual spend stays
   * under half (only when the month has at least three times the run left).
   */
  private void budgetTeam() {
    SimNode n0 = nodes.get(0);
    io.burnrate.jobs.pricing.RateCard.Price price =
        FleetCatalogue.RATES.lookup(
            n0.type.instanceType(), n0.type.spot() ? "spot" : "on-demand", n0.type.region());
    if (price == null || n0.type.gpus() < BUDGET_GPUS) {
      return;
    }
    SimWorkload w = new SimWorkload();
    w.team = BUDGET_TEAM;
    w.namespace = "team-" + BUDGET_TEAM[0];
    w.kind = "Job";
    w.name = "train-" + BUDGET_TEAM[1] + "-0";
    w.gpusPerPod = BUDGET_GPUS;
    w.replicas = 1;
    w.start = startMs; // placed first, on node 0, 1 s later; holds its GPUs 1 s after that
    w.end = -1;
    w.ratePerGpu = 60;
    w.behaviour = Behaviour.HEALTHY;
    w.critical = true;
    workloads.add(0, w);
    double perMs = price.pricePerHour() / n0.type.gpus() * BUDGET_GPUS / 3_600_000.0;
    long held = startMs + 2000;

    // the day: from the first hour of the run, in the fixed-offset zone where that hour is 00:00
    long dayStart = Math.floorDiv(startMs, 3_600_000L) * 3_600_000L;
    int hour = (int) (dayStart / 3_600_000L % 24);
    String dayZone = hour == 0 ? "UTC" : hour <= 12 ? "Etc/GMT+" + hour : "Etc/GMT-" + (24 - hour);
    double daySpend = perMs * (Math.min(endMs, dayStart + 24 * 3_600_000L) - held);
    double daily = round2(daySpend * 0.8);
    budgets.add(budget("research-daily", "day", dayZone, daily));
    incidents.add(
        new Incident(
            "budget_thresholds",
            "budget/research-daily",
            held + (long) (daily / perMs),
            -1,
            String.format(
                java.util.Locale.ROOT,
                "team %s spends its daily budget of %.2f USD: 50/80/90/100%% crossed, escalations"
                    + " at 90/95/98%%",
                BUDGET_TEAM[0],
                daily)));

    // the month (UTC): the forecast breaches after the first hour, actual spend stays under half
    java.time.ZonedDateTime start =
        java.time.Instant.ofEpochMilli(startMs).atZone(java.time.ZoneOffset.UTC);
    long monthEnd =
        start
            .toLocalDate()
            .withDayOfMonth(1)
            .plusMonths(1)
            .atStartOfDay(java.time.ZoneOffset.UTC)
            .toInstant()
            .toEpochMilli();
    if (monthEnd - startMs >= 3 * (endMs - startMs)) {
      double monthly = round2(perMs * (monthEnd - held) * 0.8);
      budgets.add(budget("research-monthly", "month", "UTC", monthly));
      incidents.add(
          new Incident(
              "budget_forecast",
              "budget/research-monthly",
              startMs + 3_600_000L,
              -1,
              String.format(
                  java.util.Locale.ROOT,
                  "team %s's month is forecast past its budget of %.2f USD while spend stays"
                      + " under half",
                  BUDGET_TEAM[0],
                  monthly)));
    }
  }

  private SimRecord budget(String id, String period, String zone, double amount) {
    Json j = new Json().open();
    j.str("id", id);
    j.open("scope").str("kind", "team").str("value", BUDGET_TEAM[0]).close();
    j.str("period", period).str("time_zone", zone).num("amount", amount).str("currency", "USD");
    j.close();
    return new SimRecord(Topics.CONFIG_BUDGETS, id, j.bytes(), startMs);
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /**
   * The first healthy inference deployment (not the runaway) is annotated {@code
   * burnrate.io/spot-tolerant=true} and placed on on-demand capacity that has a spot price (when
   * any has room): a candidate for spot.
   */
  private void spotCandidate() {
    List<SimWorkload> candidates = new ArrayList<>(workloads);
    if (candidates.stream()
        .noneMatch(w -> w.inference && w.behaviour == Behaviour.HEALTHY && w.scaleUpAt < 0)) {
      candidates.add(dedicatedDeployment(901));
    }
    for (SimWorkload w : candidates) {
      if (w.inference && w.behaviour == Behaviour.HEALTHY && w.scaleUpAt < 0) {
        w.spotTolerant = true;
        incidents.add(
            new Incident(
                "spot_tolerant_on_demand",
                "workload/" + w.namespace + "/Deployment/" + w.name,
                w.start,
                -1,
                "annotated " + SPOT_TOLERANT + "=true but placed on on-demand capacity"));
        return;
      }
    }
  }

  /**
   * A healthy one-replica, one-GPU inference deployment (not the runaway; the spot-tolerant one
   * only when there is no other) serves a light load: 2-8% utilisation and under a tenth of its GPU
   * memory (the fleets of issue 17), a GPU to share or a smaller type to move to. Changes no draw
   * of the random sequence and no placement: the fleet and its bill stay as they were.
   */
  private void lightInference() {
    List<SimWorkload> candidates = new ArrayList<>(workloads);
    candidates.sort(Comparator.comparing(w -> w.spotTolerant)); // others first, stable
    for (SimWorkload w : candidates) {
      if (w.inference
          && w.behaviour == Behaviour.HEALTHY
          && w.scaleUpAt < 0
          && w.gpusPerPod == 1
          && w.replicas == 1) {
        w.behaviour = Behaviour.LIGHT;
        incidents.add(
            new Incident(
                "light_inference",
                "workload/" + w.namespace + "/Deployment/" + w.name,
                w.start,
                -1,
                "one GPU at 2-8% utilisation, under 10% of its memory"));
        return;
      }
    }
  }

  /** On-demand capacity that has a spot price in the rate card (where a spot move saves). */
  private static boolean onDemandWithSpotPrice(SimNode n) {
    return !n.type.spot()
        && FleetCatalogue.RATES.lookup(n.type.instanceType(), "spot", n.type.region()) != null;
  }

  private int pickGpus(int i) {
    int[] choices = {1, 2, 4, 8, 1, 4};
    return choices[(i + rnd.nextInt(choices.length)) % choices.length];
  }

  private SimWorkload job(String team, int idx, int gpus, long start, long length) {
    SimWorkload w = new SimWorkload();
    for (String[] t : FleetCatalogue.TEAMS) {
      if (t[0].equals(team)) {
        w.team = t;
      }
    }
    w.namespace = "team-" + team;
    w.kind = "Job";
    w.name = "train-" + w.team[1] + "-" + idx;
    w.gpusPerPod = gpus;
    w.replicas = 1;
    w.start = start;
    w.end = start + length;
    w.ratePerGpu = 50 + rnd.nextInt(30);
    w.behaviour = Behaviour.HEALTHY;
    return w;
  }

  /** Turns one of the base workloads into an incident (ground truth recorded). */
  private void incident(Behaviour b, String kind, double startFraction, String detail) {
    for (SimWorkload w : workloads) {
      if (w.behaviour == Behaviour.HEALTHY
          && !w.inference == (b != Behaviour.LOW_UTIL)
          && w.end < 0 == (b == Behaviour.LOW_UTIL)) {
        w.behaviour = b;
        long from = Math.max(w.start, startMs + (long) (cfg.duration().toMillis() * startFraction));
        incidents.add(
            new Incident(
                kind,
                "workload/" + w.namespace + "/" + w.kind + "/" + w.name,
                from,
                w.end,
                detail));
        return;
      }
    }
  }

  // ------------------------------------------------------------------ one step

  private void step(Consumer<SimRecord> out) {
    long t = now;
    long tEnd = t + step;
    if (t <= startMs && startMs < tEnd) {
      pending.addAll(budgets); // configuration first: the budgets apply from the start
    }
    for (SimNode n : nodes) {
      if (!n.announced) {
        n.announced = true;
        nodeEvent("ADDED", n, n.created);
      } else if ((t - startMs) % (5 * 60_000L) < step && n.deleted < 0) {
        nodeEvent("MODIFIED", n, t + 500); // status heartbeat
      }
      if (n.deleted >= t && n.deleted < tEnd) {
        reclaim(n);
      }
    }
    for (SimWorkload w : workloads) {
      if (w.start >= t && w.start < tEnd && w.generation == 0) {
        w.generation = 1;
        for (int r = 0; r < w.replicas; r++) {
          createPod(w, w.start + r * 300L);
        }
      }
      if (w.scaleUpAt >= t && w.scaleUpAt < tEnd && w.generation == 1) {
        w.generation = 2;
        for (int r = w.replicas; r < w.scaleUpTo; r++) {
          createPod(w, w.scaleUpAt + r * 300L);
        }
        w.replicas = w.scaleUpTo;
      }
    }
    for (SimPod p : pods) {
      lifecycle(p, t, tEnd);
    }
    for (SimNode n : nodes) {
      if (n.deleted >= 0 && n.deleted <= t) {
        continue;
      }
      telemetry(n, t + n.jitterMs);
    }
    for (SimPod p : pods) {
      if ("Running".equals(p.phase)) {
        progress(p, t + p.jitterMs);
      }
    }
    billing(t, tEnd);
    pods.removeIf(
        p -> {
          if (p.deleted) {
            podIndex.remove(p.w.namespace + "/" + p.name, p);
          }
          return p.deleted;
        });
    pending.sort(Comparator.comparingLong(SimRecord::timestamp));
    for (SimRecord r : pending) {
      out.accept(r);
    }
    pending.clear();
  }

  private void createPod(SimWorkload w, long at) {
    SimPod p = new SimPod();
    p.w = w;
    p.name = w.name + (w.inference ? "-7d9f8b6c5-" : "-") + suffix();
    p.uid = uid();
    p.created = at;
    p.jitterMs = rnd.nextInt((int) Math.min(step, 9000));
    pods.add(p);
    podIndex.putIfAbsent(w.namespace + "/" + p.name, p);
    podEvent("ADDED", p, at);
  }

  private void lifecycle(SimPod p, long t, long tEnd) {
    if ("Pending".equals(p.phase) && p.created < tEnd) {
      long at = Math.max(p.created + 1000, t);
      if (at >= tEnd) {
        return;
      }
      SimNode n = place(p);
      if (n == null) {
        return; // stays Pending until GPUs free up
      }
      p.node = n;
      podEvent("MODIFIED", p, at);
      p.start = at + 1000;
      p.phase = "Running";
      podEvent("MODIFIED", p, p.start);
      if (p.w.behaviour == Behaviour.RESTARTING) {
        p.nextRestart = p.start + 25 * 60_000L;
      }
    }
    if (!"Running".equals(p.phase)) {
      return;
    }
    if (p.nextRestart >= t && p.nextRestart < tEnd) {
      p.restarts++;
      p.samplesTotal = 0;
      p.tokensTotal = 0;
      p.requestsTotal = 0;
      podEvent("MODIFIED", p, p.nextRestart);
      p.nextRestart += 25 * 60_000L;
    }
    if (p.w.end >= 0 && p.w.end >= t && p.w.end < tEnd) {
      finish(p, p.w.end, "Succeeded");
    }
  }

  private SimNode place(SimPod p) {
    if (p.w.spotTolerant) {
      SimNode n = place(p, true);
      if (n != null) {
        return n;
      }
    }
    return place(p, false);
  }

  private SimNode place(SimPod p, boolean onDemandWithSpotPrice) {
    // a runaway's extra replicas go to priced capacity: the cost it runs away with shows
    boolean runawayReplica = p.w.scaleUpAt >= 0 && p.created >= p.w.scaleUpAt;
    for (SimNode n : nodes) {
      if ((n.site != null) != p.w.owned) {
        continue; // owned capacity runs the owned site's workloads only
      }
      if (n.cordoned
          || onDemandWithSpotPrice && !onDemandWithSpotPrice(n)
          || runawayReplica && n.type == FleetCatalogue.UNPRICED_TYPE) {
        continue;
      }
      if (n.deleted >= 0 && n.deleted <= now + step) {
        continue;
      }
      int free = 0;
      for (String h : n.gpuHolder) {
        if (h == null) {
          free++;
        }
      }
      if (free >= p.w.gpusPerPod) {
        p.gpus = new int[p.w.gpusPerPod];
        int k = 0;
        for (int g = 0; g < n.gpuHolder.length && k < p.gpus.length; g++) {
          if (n.gpuHolder[g] == null) {
            n.gpuHolder[g] = p.w.namespace + "/" + p.name;
            p.gpus[k++] = g;
          }
        }
        return n;
      }
    }
    return null;
  }

  private void finish(SimPod p, long at, String phase) {
    p.end = at;
    p.phase = phase;
    podEvent("MODIFIED", p, at);
    podEvent("DELETED", p, at + 2000);
    p.deleted = true;
    for (int g : p.gpus) {
      p.node.gpuHolder[g] = null;
    }
  }

  private void reclaim(SimNode n) {
    List<SimWorkload> replace = new ArrayList<>();
    for (SimPod p : pods) {
      if (p.node == n && "Running".equals(p.phase)) {
        finish(p, n.deleted, "Failed");
        if (p.w.end < 0 || p.w.end > n.deleted + 60_000) {
          replace.add(p.w);
        }
      }
    }
    for (SimWorkload w : replace) {
      createPod(w, n.deleted + 5000); // the controller replaces it elsewhere
    }
    nodeEvent("DELETED", n, n.deleted);
  }

  // ------------------------------------------------------------------ telemetry

  private void telemetry(SimNode n, long ts) {
    for (int g = 0; g < n.type.gpus(); g++) {
      String holder = n.gpuHolder[g];
      SimPod p = holder == null ? null : podByKey(holder);
      double util;
      double fbUsedFrac;
      if (p == null || !"Running".equals(p.phase)) {
        util = rnd.nextDouble() * 0.01;
        fbUsedFrac = 0.002;
      } else {
        util = utilisation(p, ts);
        fbUsedFrac =
            switch (p.w.behaviour) {
              case MEMORY_PRESSURE -> 0.975 + rnd.nextDouble() * 0.02;
              case LIGHT -> 0.05 + 0.4 * util;
              default -> 0.45 + 0.4 * util;
            };
      }
      boolean held = p != null && "Running".equals(p.phase);
      double fbUsed = Math.round(n.type.fbTotalMiB() * fbUsedFrac);
      double watts = round4(60 + util * 330 + rnd.nextDouble() * 5);
      long energy = -1;
      if (n.energyMilliJoules != null) {
        if (g == 0 && n.energyResetAt >= ts - step && n.energyResetAt < ts) {
          n.energyMilliJoules[g] = 0; // the driver reloaded: the counter starts again
        }
        n.energyMilliJoules[g] += watts * step; // W x ms = mJ
        energy = Math.round(n.energyMilliJoules[g]);
      }
      pending.add(
          DcgmExporterRecords.sample(
              cfg.cluster(), n, g, held ? p : null, ts, util, fbUsed, watts, energy));
    }
  }

  private double utilisation(SimPod p, long ts) {
    double noise = (rnd.nextDouble() - 0.5) * 0.06;
    double base =
        switch (p.w.behaviour) {
          case IDLE -> 0.015;
          case LOW_UTIL -> 0.42;
          case LIGHT -> 0.05;
          case DEGRADING -> 0.88 - 0.45 * progressFraction(p, ts);
          default -> p.w.inference ? 0.72 + 0.1 * Math.sin((ts - startMs) / 1_800_000.0) : 0.86;
        };
    return Math.max(0, Math.min(1, base + noise));
  }

  private double progressFraction(SimPod p, long ts) {
    long end = p.w.end > 0 ? p.w.end : endMs;
    return Math.max(0, Math.min(1, (ts - p.start) / (double) Math.max(1, end - p.start)));
  }

  private void progress(SimPod p, long ts) {
    double seconds = step / 1000.0;
    double speed = utilisation(p, ts) * p.w.gpusPerPod * p.w.ratePerGpu * seconds;
    Json j = new Json().open();
    j.str("timestamp", java.time.Instant.ofEpochMilli(ts).toString());
    j.str("cluster", cfg.cluster());
    j.str("namespace", p.w.namespace);
    j.str("pod", p.name);
    j.str("container", p.w.inference ? "server" : "trainer");
    if (p.w.inference) {
      p.tokensTotal += Math.floor(speed);
      p.requestsTotal += Math.floor(speed / 350);
      j.num("tokens_total", p.tokensTotal);
      j.num("requests_total", p.requestsTotal);
    } else {
      p.samplesTotal += Math.floor(speed);
      p.loss = Math.max(0.8, p.loss * 0.9995);
      j.num("samples_total", p.samplesTotal);
      if (p.w.divergeAt >= 0 && ts >= p.w.divergeAt + 5 * 60_000L) {
        j.str("loss", "NaN"); // as PyTorch logs a diverged loss
      } else if (p.w.divergeAt >= 0 && ts >= p.w.divergeAt) {
        p.loss = p.loss * 1.15; // exploding gradients: the loss climbs every scrape
        j.num("loss", round4(p.loss));
      } else {
        j.num("loss", round4(p.loss));
      }
      j.num("step", Math.floor(p.samplesTotal / 256));
      if (p.w.plannedSteps > 0) {
        j.num("total_steps", p.w.plannedSteps);
      }
      if (p.w.plateauAt >= 0 && (p.lastEval < 0 || ts - p.lastEval >= 5 * 60_000L)) {
        // an evaluation every 5 minutes: improving until plateauAt, then flat within noise
        p.lastEval = ts;
        if (ts < p.w.plateauAt) {
          p.valLoss = p.valLoss * 0.96;
        }
        j.num("val_loss", round4(p.valLoss * (1 + (rnd.nextDouble() - 0.5) * 0.0004)));
      }
    }
    j.close();
    pending.add(
        new SimRecord(Topics.TELEMETRY_WORKLOAD, p.w.namespace + "/" + p.name, j.bytes(), ts));
  }

  // ------------------------------------------------------------------ billing

  private void billing(long t, long tEnd) {
    bill.deliveries(t, tEnd, pending);
  }

  // ------------------------------------------------------------------ watch events

  private void nodeEvent(String type, SimNode n, long at) {
    pending.add(WatchEvents.node(type, n, at, rv()));
  }

  private void podEvent(String type, SimPod p, long at) {
    pending.add(WatchEvents.pod(type, p, at, rv()));
  }

  // ------------------------------------------------------------------ helpers

  private SimPod podByKey(String key) {
    SimPod p = podIndex.get(key);
    return p == null || p.deleted ? null : p;
  }

  private String rv() {
    return Integer.toString(++resourceVersion);
  }

  private String uid() {
    return String.format("%08x-0000-4000-8000-%012x", cfg.seed() & 0xffffffffL, ++uidCounter);
  }

  private String suffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private String hex(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(Character.forDigit(rnd.nextInt(16), 16));
    }
    return sb.toString();
  }

  static String uuidFor(String node, int gpu) {
    long h = node.hashCode() * 31L + gpu;
    return String.format(
        "%08x-%04x-%04x-%04x-%012x",
        h & 0xffffffffL,
        gpu,
        0x4000 | (h >>> 20 & 0xfff),
        0x8000 | gpu,
        Math.abs(h * 2654435761L) & 0xffffffffffffL);
  }

  static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
