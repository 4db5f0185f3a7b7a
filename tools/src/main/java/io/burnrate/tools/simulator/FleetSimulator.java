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
 * cordoned node nothing uses, a spot-tolerant deployment ({@code burnrate.io/spot-tolerant}
 * annotation) on on-demand capacity, a critical job ({@code burnrate.io/critical} label), and a
 * team heading for its budget (budget definitions on {@code burnrate.config.budgets} at the start,
 * see {@link #budgetTeam}). Billing arrives late as FOCUS rows, and is restated once (see {@link
 * #billing}). {@link #incidents()} lists what was injected, with times, as ground truth for the
 * detectors of later issues.
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

  enum Behaviour {
    HEALTHY,
    IDLE,
    DEGRADING,
    RESTARTING,
    LOW_UTIL,
    MEMORY_PRESSURE
  }

  private record NodeType(
      String provider,
      String instanceType,
      int gpus,
      String gpuModel,
      String region,
      String zone,
      boolean spot,
      boolean profiling,
      double fbTotalMiB) {}

  private static final NodeType[] TYPES = {
    new NodeType(
        "aws",
        "p4d.24xlarge",
        8,
        "NVIDIA A100-SXM4-40GB",
        "us-east-1",
        "us-east-1a",
        false,
        true,
        40960),
    new NodeType(
        "aws",
        "p5.48xlarge",
        8,
        "NVIDIA H100 80GB HBM3",
        "us-east-1",
        "us-east-1b",
        false,
        true,
        81559),
    new NodeType(
        "aws", "g5.12xlarge", 4, "NVIDIA A10G", "us-west-2", "us-west-2a", true, false, 23028),
    new NodeType("aws", "g6.xlarge", 1, "NVIDIA L4", "eu-west-1", "eu-west-1a", true, false, 23034),
    new NodeType(
        "gcp",
        "a2-highgpu-8g",
        8,
        "NVIDIA A100-SXM4-40GB",
        "us-central1",
        "us-central1-a",
        false,
        true,
        40960),
    new NodeType(
        "azure",
        "Standard_NC24ads_A100_v4",
        1,
        "NVIDIA A100 80GB PCIe",
        "eastus",
        "eastus-1",
        true,
        false,
        81920),
  };

  /** An instance type deliberately absent from the rate card (a new SKU). */
  private static final NodeType UNPRICED_TYPE =
      new NodeType(
          "aws",
          "p6-b200.48xlarge",
          8,
          "NVIDIA B200",
          "us-east-1",
          "us-east-1a",
          false,
          true,
          184320);

  private static final String[][] TEAMS = {
    {"ml-infra", "llm-pretrain", "cc-42"},
    {"search", "ranking", "cc-17"},
    {"vision", "detector", "cc-23"},
    {"nlp", "assistant", "cc-31"},
  };

  private final class SimNode {
    String name;
    NodeType type;
    String providerId;
    long created;
    long deleted = -1;
    String[] gpuHolder; // pod key per GPU index, null when free
    boolean announced;
    int jitterMs;
    boolean cordoned; // spec.unschedulable: nothing is placed on it
    String site; // owned (burnrate.io/site); null for cloud capacity
    double[] energyMilliJoules; // DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION per GPU (owned nodes)
    long energyResetAt = -1; // a driver reload resets GPU 0's counter
  }

  private final class SimWorkload {
    String namespace;
    String name;
    String kind; // Job or Deployment
    String[] team;
    Behaviour behaviour;
    int gpusPerPod;
    int replicas;
    long start;
    long end; // -1: runs to the end
    double ratePerGpu; // samples (training) or tokens (inference) per GPU-second at full speed
    boolean inference;
    int generation;
    long scaleUpAt = -1; // a runaway: replicas added at this time
    int scaleUpTo;
    boolean spotTolerant; // annotated burnrate.io/spot-tolerant=true
    boolean critical; // labelled burnrate.io/critical=true
    boolean owned; // placed on the owned site only
    long plateauAt = -1; // training: val_loss stops improving from here (reported every 5 min)
    long divergeAt = -1; // training: the loss climbs from here and becomes NaN 5 minutes later
  }

  private final class SimPod {
    String name;
    String uid;
    SimWorkload w;
    SimNode node;
    int[] gpus;
    long created;
    long start = -1;
    long end = -1;
    int restarts;
    double samplesTotal;
    double tokensTotal;
    double requestsTotal;
    double loss = 4.0;
    double valLoss = 4.2;
    long lastEval = -1;
    long nextRestart = -1;
    int jitterMs;
    boolean deleted;
    String phase = "Pending";
  }

  private final Config cfg;
  private final SplittableRandom rnd;
  private final List<SimNode> nodes = new ArrayList<>();
  private final List<SimWorkload> workloads = new ArrayList<>();
  private final List<SimPod> pods = new ArrayList<>();

  /** Live pods by {@code namespace/name}: telemetry looks its holder up once per GPU and scrape. */
  private final java.util.Map<String, SimPod> podIndex = new java.util.HashMap<>();

  private final List<Incident> incidents = new ArrayList<>();
  private final List<SimRecord> pending = new ArrayList<>();
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
    buildFleet();
    planWorkloads();
    if (cfg.incidents()) {
      spotCandidate();
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
      n += node.type.gpus;
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
      NodeType t = TYPES[i % TYPES.length];
      if (cfg.incidents() && i == cfg.nodes() - 1 && cfg.nodes() >= 6) {
        t = UNPRICED_TYPE;
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
      w.team = TEAMS[i % TEAMS.length];
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
          job(TEAMS[k % TEAMS.length][0], 100 + k, pickGpus(k + 3), s, (long) (dur * 0.2)));
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
    w.team = TEAMS[3];
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
      if (n.type.gpus() == 1 && n.type != UNPRICED_TYPE && n.deleted < 0) {
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
    for (String[] t : TEAMS) {
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
        RATES.lookup(
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

  /** On-demand capacity that has a spot price in the rate card (where a spot move saves). */
  private static boolean onDemandWithSpotPrice(SimNode n) {
    return !n.type.spot() && RATES.lookup(n.type.instanceType(), "spot", n.type.region()) != null;
  }

  private int pickGpus(int i) {
    int[] choices = {1, 2, 4, 8, 1, 4};
    return choices[(i + rnd.nextInt(choices.length)) % choices.length];
  }

  private SimWorkload job(String team, int idx, int gpus, long start, long length) {
    SimWorkload w = new SimWorkload();
    for (String[] t : TEAMS) {
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
          || runawayReplica && n.type == UNPRICED_TYPE) {
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
            p.w.behaviour == Behaviour.MEMORY_PRESSURE
                ? 0.975 + rnd.nextDouble() * 0.02
                : 0.45 + 0.4 * util;
      }
      Json j = new Json().open();
      j.str("timestamp", java.time.Instant.ofEpochMilli(ts).toString());
      j.str("cluster", cfg.cluster());
      j.str("Hostname", n.name);
      j.num("gpu", g);
      j.str("UUID", "GPU-" + uuidFor(n.name, g));
      j.str("device", "nvidia" + g);
      j.str("modelName", n.type.gpuModel());
      boolean held = p != null && "Running".equals(p.phase);
      j.str("namespace", held ? p.w.namespace : "");
      j.str("pod", held ? p.name : "");
      j.str("container", held ? (p.w.inference ? "server" : "trainer") : "");
      j.num("DCGM_FI_DEV_GPU_UTIL", Math.min(100, Math.round(util * 100 + (util > 0.05 ? 4 : 0))));
      if (n.type.profiling()) {
        j.num("DCGM_FI_PROF_SM_ACTIVE", round4(util));
        j.num("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", round4(util * 0.6));
      }
      double fbUsed = Math.round(n.type.fbTotalMiB() * fbUsedFrac);
      j.num("DCGM_FI_DEV_FB_USED", fbUsed);
      j.num("DCGM_FI_DEV_FB_FREE", n.type.fbTotalMiB() - fbUsed);
      double watts = round4(60 + util * 330 + rnd.nextDouble() * 5);
      j.num("DCGM_FI_DEV_POWER_USAGE", watts);
      if (n.energyMilliJoules != null) {
        if (g == 0 && n.energyResetAt >= ts - step && n.energyResetAt < ts) {
          n.energyMilliJoules[g] = 0; // the driver reloaded: the counter starts again
        }
        n.energyMilliJoules[g] += watts * step; // W x ms = mJ
        j.num("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", Math.round(n.energyMilliJoules[g]));
      }
      j.num("DCGM_FI_DEV_MEM_COPY_UTIL", Math.round(util * 45));
      j.num("DCGM_FI_DEV_GPU_TEMP", Math.round(34 + util * 40));
      j.close();
      pending.add(
          new SimRecord(
              Topics.TELEMETRY_GPU, cfg.cluster() + "/" + n.name + "/" + g, j.bytes(), ts));
    }
  }

  private double utilisation(SimPod p, long ts) {
    double noise = (rnd.nextDouble() - 0.5) * 0.06;
    double base =
        switch (p.w.behaviour) {
          case IDLE -> 0.015;
          case LOW_UTIL -> 0.42;
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

  /** Minutes after an hour ends that the export delivers (restating the month so far). */
  static final long BILLING_DELAY = 20 * 60_000L;

  /** The billed price of the rate card's missing SKU: the bill knows what the card does not. */
  static final double UNPRICED_BILLED_PER_HOUR = 113.9328;

  /**
   * Billing as a cloud's FOCUS export delivers it, late and restated: {@link #BILLING_DELAY} after
   * every hour, one delivery restating every hour of the month so far (as CUR 2.0 and FOCUS exports
   * do): per hour, one Usage row per instance that existed in it (per-second billing of the rate
   * card price; on-demand AWS nodes under a savings plan at 28% off in EffectiveCost, 35% once the
   * plan's later application restates hours older than the newest), a support charge without a
   * resource and a small credit.
   */
  private void billing(long t, long tEnd) {
    long firstHour = Math.floorDiv(startMs, 3_600_000L) * 3_600_000L;
    for (long h = firstHour; h < endMs; h += 3_600_000L) {
      long at = h + 3_600_000L + BILLING_DELAY;
      if (at >= t && at < tEnd) {
        String delivery = cfg.cluster() + "-" + Instant.ofEpochMilli(at).toString();
        String month = Instant.ofEpochMilli(h).toString().substring(0, 7);
        for (long past = firstHour; past <= h; past += 3_600_000L) {
          if (Instant.ofEpochMilli(past).toString().startsWith(month)) {
            billHour(past, at, delivery, past == h ? 0.72 : 0.65);
          }
        }
      }
    }
  }

  private void billHour(long h, long at, String delivery, double planFactor) {
    long hEnd = h + 3_600_000L;
    String deliveredAt = Instant.ofEpochMilli(at).toString();
    double total = 0;
    for (SimNode n : nodes) {
      if (n.site != null) {
        continue; // owned hardware has no bill
      }
      long from = Math.max(n.created, h);
      long to = n.deleted >= 0 ? Math.min(n.deleted, hEnd) : hEnd;
      if (to <= from) {
        continue;
      }
      double perHour = pricePerHour(n);
      double billed = round6(perHour * (to - from) / 3_600_000.0);
      boolean plan = "aws".equals(n.type.provider()) && !n.type.spot();
      double effective = plan ? round6(billed * planFactor) : billed;
      total += billed;
      Json j = focusRow(h, hEnd, delivery, deliveredAt);
      j.str("ResourceId", instanceId(n.providerId));
      j.str("ResourceType", "Virtual Machine");
      j.str("ServiceName", serviceName(n.type.provider()));
      j.str("ServiceCategory", "Compute");
      j.str("ChargeCategory", "Usage");
      j.str("PricingCategory", n.type.spot() ? "Dynamic" : plan ? "Committed" : "Standard");
      j.str("RegionId", n.type.region());
      j.str("SkuId", n.type.instanceType());
      j.str("ChargeDescription", n.type.instanceType() + " instance-hours");
      j.num("BilledCost", billed).num("EffectiveCost", effective).num("ListCost", billed);
      j.num("ConsumedQuantity", round6((to - from) / 3_600_000.0)).str("ConsumedUnit", "Hours");
      j.open("Tags").str("kubernetes.io/cluster", cfg.cluster()).close();
      j.close();
      pending.add(new SimRecord(Topics.BILLING_FOCUS, instanceId(n.providerId), j.bytes(), at));
    }
    // shared cost without a resource, and a credit: real money, never spread over workloads
    Json support = focusRow(h, hEnd, delivery, deliveredAt);
    support.str("ServiceName", "AWS Support (Business)").str("ServiceCategory", "Management");
    support.str("ChargeCategory", "Usage").str("ChargeDescription", "support, 3% of usage");
    double fee = round6(total * 0.03);
    support.num("BilledCost", fee).num("EffectiveCost", fee).num("ListCost", fee);
    support.close();
    // keyed as `publish` keys a row without a resource (RecordKeys.billingKey)
    pending.add(
        new SimRecord(
            Topics.BILLING_FOCUS,
            io.burnrate.tools.publish.RecordKeys.billingKey(
                null, "Usage", "AWS Support (Business)"),
            support.bytes(),
            at));
    Json credit = focusRow(h, hEnd, delivery, deliveredAt);
    credit.str("ServiceName", "Amazon Elastic Compute Cloud").str("ServiceCategory", "Compute");
    credit.str("ChargeCategory", "Credit").str("ChargeDescription", "promotional credit");
    credit.num("BilledCost", -5.0).num("EffectiveCost", -5.0).num("ListCost", 0.0);
    credit.close();
    pending.add(
        new SimRecord(
            Topics.BILLING_FOCUS,
            io.burnrate.tools.publish.RecordKeys.billingKey(
                null, "Credit", "Amazon Elastic Compute Cloud"),
            credit.bytes(),
            at));
  }

  private Json focusRow(long h, long hEnd, String delivery, String deliveredAt) {
    Json j = new Json().open();
    String month = Instant.ofEpochMilli(h).toString().substring(0, 7);
    j.str("BillingAccountId", "123456789012").str("SubAccountId", "210987654321");
    j.str("BillingPeriodStart", month + "-01T00:00:00Z");
    j.str("ChargePeriodStart", Instant.ofEpochMilli(h).toString());
    j.str("ChargePeriodEnd", Instant.ofEpochMilli(hEnd).toString());
    j.str("BillingCurrency", "USD");
    j.str("x_DeliveryId", delivery).str("x_DeliveredAt", deliveredAt);
    return j;
  }

  private double pricePerHour(SimNode n) {
    if (n.type == UNPRICED_TYPE) {
      return UNPRICED_BILLED_PER_HOUR;
    }
    io.burnrate.jobs.pricing.RateCard.Price p =
        RATES.lookup(n.type.instanceType(), n.type.spot() ? "spot" : "on-demand", n.type.region());
    return p == null ? 0 : p.pricePerHour();
  }

  private static final io.burnrate.jobs.pricing.RateCard RATES =
      io.burnrate.jobs.pricing.RateCard.bundled();

  private static String serviceName(String provider) {
    return switch (provider) {
      case "aws" -> "Amazon Elastic Compute Cloud";
      case "gcp" -> "Compute Engine";
      default -> "Virtual Machines";
    };
  }

  /** The billing ResourceId of a providerID, as each cloud's export names the instance. */
  static String instanceId(String providerId) {
    if (providerId.startsWith("aws://") || providerId.startsWith("gce://")) {
      return providerId.substring(providerId.lastIndexOf('/') + 1);
    }
    return providerId.substring("azure://".length());
  }

  private static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  // ------------------------------------------------------------------ watch events

  private void nodeEvent(String type, SimNode n, long at) {
    String ts = Instant.ofEpochMilli(at).toString();
    Json j = new Json().open();
    j.str("type", type);
    j.open("object");
    j.str("apiVersion", "v1").str("kind", "Node");
    j.open("metadata");
    j.str("name", n.name).str("uid", "node-" + n.name).str("resourceVersion", rv());
    j.str("creationTimestamp", Instant.ofEpochMilli(n.created).toString());
    if ("DELETED".equals(type)) {
      j.str("deletionTimestamp", ts);
    }
    j.open("labels");
    j.str("kubernetes.io/hostname", n.name);
    if (n.site == null) {
      j.str("node.kubernetes.io/instance-type", n.type.instanceType());
      j.str("topology.kubernetes.io/region", n.type.region());
      j.str("topology.kubernetes.io/zone", n.type.zone());
    }
    j.str("nvidia.com/gpu.product", n.type.gpuModel().replace(' ', '-'));
    j.str("nvidia.com/gpu.count", Integer.toString(n.type.gpus()));
    if (n.site != null) {
      j.str("burnrate.io/site", n.site); // owned: no instance type, region or capacity type
    }
    switch (n.site != null ? "onprem" : n.type.provider()) {
      case "onprem" -> {
        // bare metal: no capacity-type label
      }
      case "aws" -> j.str("karpenter.sh/capacity-type", n.type.spot() ? "spot" : "on-demand");
      case "gcp" -> {
        if (n.type.spot()) {
          j.str("cloud.google.com/gke-spot", "true");
        }
      }
      default -> j.str("kubernetes.azure.com/scalesetpriority", n.type.spot() ? "spot" : "regular");
    }
    j.close(); // labels
    j.close(); // metadata
    j.open("spec");
    if (n.providerId != null) {
      j.str("providerID", n.providerId);
    }
    if (n.cordoned) {
      j.bool("unschedulable", true);
    }
    j.close();
    j.open("status");
    String gpus = Integer.toString(n.type.gpus());
    j.open("capacity").str("cpu", "96").str("memory", "1143Gi").str("nvidia.com/gpu", gpus).close();
    j.open("allocatable")
        .str("cpu", "95")
        .str("memory", "1100Gi")
        .str("nvidia.com/gpu", gpus)
        .close();
    j.array("conditions");
    j.open()
        .str("type", "Ready")
        .str("status", "True")
        .str("lastHeartbeatTime", ts)
        .str("lastTransitionTime", Instant.ofEpochMilli(n.created).toString())
        .close();
    j.closeArray();
    j.close(); // status
    j.close(); // object
    j.close();
    pending.add(new SimRecord(Topics.K8S_EVENTS, "Node/" + n.name, j.bytes(), at));
  }

  private void podEvent(String type, SimPod p, long at) {
    SimWorkload w = p.w;
    Json j = new Json().open();
    j.str("type", type);
    j.open("object");
    j.str("apiVersion", "v1").str("kind", "Pod");
    j.open("metadata");
    j.str("name", p.name)
        .str("namespace", w.namespace)
        .str("uid", p.uid)
        .str("resourceVersion", rv());
    j.str("creationTimestamp", Instant.ofEpochMilli(p.created).toString());
    if ("DELETED".equals(type)) {
      j.str("deletionTimestamp", Instant.ofEpochMilli(at).toString());
    }
    j.open("labels");
    j.str("app", w.name)
        .str("team", w.team[0])
        .str("project", w.team[1])
        .str("cost-center", w.team[2]);
    if ("Job".equals(w.kind)) {
      j.str("batch.kubernetes.io/job-name", w.name);
    } else {
      j.str("pod-template-hash", "7d9f8b6c5");
    }
    if (w.critical) {
      j.str(CRITICAL, "true");
    }
    j.close();
    if (w.spotTolerant) {
      j.open("annotations").str(SPOT_TOLERANT, "true").close();
    }
    j.array("ownerReferences");
    j.open()
        .str("apiVersion", "Job".equals(w.kind) ? "batch/v1" : "apps/v1")
        .str("kind", "Job".equals(w.kind) ? "Job" : "ReplicaSet")
        .str("name", "Job".equals(w.kind) ? w.name : w.name + "-7d9f8b6c5")
        .str("uid", "owner-" + w.name)
        .bool("controller", true)
        .bool("blockOwnerDeletion", true)
        .close();
    j.closeArray();
    j.close(); // metadata
    j.open("spec");
    j.str("restartPolicy", "Job".equals(w.kind) ? "Never" : "Always");
    j.str("priorityClassName", w.inference ? "production" : "batch");
    if (p.node != null) {
      j.str("nodeName", p.node.name);
    }
    j.array("containers");
    String g = Integer.toString(w.gpusPerPod);
    j.open()
        .str("name", w.inference ? "server" : "trainer")
        .str("image", "nvcr.io/nvidia/pytorch:24.05-py3");
    j.open("resources");
    j.open("requests").str("cpu", "8").str("memory", "64Gi").str("nvidia.com/gpu", g).close();
    j.open("limits").str("nvidia.com/gpu", g).close();
    j.close();
    j.close();
    j.closeArray();
    j.close(); // spec
    j.open("status");
    j.str("phase", p.phase);
    if (p.node != null) {
      j.array("conditions");
      j.open()
          .str("type", "PodScheduled")
          .str("status", "True")
          .str(
              "lastTransitionTime",
              Instant.ofEpochMilli(Math.max(p.created, p.start - 1000)).toString())
          .close();
      j.closeArray();
    }
    if (p.start >= 0) {
      j.str("startTime", Instant.ofEpochMilli(p.start).toString());
      j.array("containerStatuses");
      j.open().str("name", w.inference ? "server" : "trainer").num("restartCount", p.restarts);
      j.open("state");
      if (p.end >= 0) {
        j.open("terminated")
            .num("exitCode", "Succeeded".equals(p.phase) ? 0 : 137)
            .str("reason", "Succeeded".equals(p.phase) ? "Completed" : "Error")
            .str("startedAt", Instant.ofEpochMilli(p.start).toString())
            .str("finishedAt", Instant.ofEpochMilli(p.end).toString())
            .close();
      } else {
        long runningSince = p.restarts == 0 ? p.start : at;
        j.open("running").str("startedAt", Instant.ofEpochMilli(runningSince).toString()).close();
      }
      j.close();
      j.close();
      j.closeArray();
    }
    j.close(); // status
    j.close(); // object
    j.close();
    pending.add(
        new SimRecord(Topics.K8S_EVENTS, "Pod/" + w.namespace + "/" + p.name, j.bytes(), at));
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

  private static String uuidFor(String node, int gpu) {
    long h = node.hashCode() * 31L + gpu;
    return String.format(
        "%08x-%04x-%04x-%04x-%012x",
        h & 0xffffffffL,
        gpu,
        0x4000 | (h >>> 20 & 0xfff),
        0x8000 | gpu,
        Math.abs(h * 2654435761L) & 0xffffffffffffL);
  }

  private static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
