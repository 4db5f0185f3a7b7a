package io.burnrate.jobs.allocation;

/**
 * One pod's use of one node in one minute: GPU-seconds held, utilisation, estimated cost; joined
 * downstream with the pod's progress counters (samples, tokens, requests) for the same minute.
 */
public class PodMinute {
  public String podKey;
  public String namespace;
  public String pod;
  public String workload;
  public String team;
  public String project;
  public String costCenter;

  /** The pod's attribution labels and detection hints; null when none. */
  public java.util.Map<String, String> labels;

  public String cluster;
  public String node;
  public String instanceType;
  public String capacityType;
  public String region;
  public String gpuModel;
  public long minuteStart;
  public int gpus;
  public double gpuSeconds;

  /** Sum of utilisation x covered GPU-seconds. */
  public double utilWeighted;

  /** GPU-seconds covered by telemetry. */
  public double utilWeight;

  /** Highest framebuffer use of the pod's GPUs in the minute (0-1); -1 when unknown. */
  public double memoryUsedMax = -1;

  /** The pod's share of the node-minute's idle cost, by GPU-seconds; NaN when unpriced. */
  public double idleShareCost = Double.NaN;

  /** Owned nodes: the energy part of {@link #cost}; NaN otherwise. */
  public double energyCost = Double.NaN;

  /** Owned nodes: what these GPU-seconds would cost on the closest cloud GPU type, on-demand. */
  public double cloudOnDemandCost = Double.NaN;

  /** Owned nodes: the same on spot. */
  public double cloudSpotCost = Double.NaN;

  /** Owned nodes: the site ({@code burnrate.io/site}); null for cloud nodes. */
  public String site;

  /** Training gauges reported in the minute (last readings; NaN when none). */
  public double loss = Double.NaN;

  public double valLoss = Double.NaN;
  public double step = Double.NaN;
  public double totalSteps = Double.NaN;

  /** A loss reading of the minute was NaN or infinite. */
  public boolean lossNonFinite;

  /**
   * The pod held its GPUs for only part of the minute (it started or ended in it, or the node came
   * or went): its rates are not comparable with those of whole minutes.
   */
  public boolean partMinute;

  /** Estimated cost; NaN when the node is unpriced. */
  public double cost = Double.NaN;

  public String costBasis;
  public String currency;

  /** Counter increases in this minute; NaN when the pod does not report that counter. */
  public double samples = Double.NaN;

  public double tokens = Double.NaN;
  public double requests = Double.NaN;

  public PodMinute() {}

  /** A field-by-field copy (records may be reused by the runtime; state keeps copies). */
  public PodMinute copy() {
    PodMinute c = new PodMinute();
    c.podKey = podKey;
    c.namespace = namespace;
    c.pod = pod;
    c.workload = workload;
    c.team = team;
    c.project = project;
    c.costCenter = costCenter;
    c.labels = labels == null ? null : new java.util.TreeMap<>(labels);
    c.cluster = cluster;
    c.node = node;
    c.instanceType = instanceType;
    c.capacityType = capacityType;
    c.region = region;
    c.gpuModel = gpuModel;
    c.minuteStart = minuteStart;
    c.gpus = gpus;
    c.gpuSeconds = gpuSeconds;
    c.utilWeighted = utilWeighted;
    c.utilWeight = utilWeight;
    c.memoryUsedMax = memoryUsedMax;
    c.idleShareCost = idleShareCost;
    c.energyCost = energyCost;
    c.cloudOnDemandCost = cloudOnDemandCost;
    c.cloudSpotCost = cloudSpotCost;
    c.site = site;
    c.loss = loss;
    c.valLoss = valLoss;
    c.step = step;
    c.totalSteps = totalSteps;
    c.lossNonFinite = lossNonFinite;
    c.partMinute = partMinute;
    c.cost = cost;
    c.costBasis = costBasis;
    c.currency = currency;
    c.samples = samples;
    c.tokens = tokens;
    c.requests = requests;
    return c;
  }

  /**
   * Adds another holding of the same pod name in the same minute (a pod re-created under its name,
   * or moved to another node, within the minute): GPU-seconds, utilisation weights and money add
   * up; the identity and labels stay this one's (the earlier holder's).
   */
  public void add(PodMinute o) {
    gpus = Math.max(gpus, o.gpus);
    gpuSeconds += o.gpuSeconds;
    partMinute |= o.partMinute;
    utilWeighted += o.utilWeighted;
    utilWeight += o.utilWeight;
    memoryUsedMax = Math.max(memoryUsedMax, o.memoryUsedMax);
    cost = sum(cost, o.cost);
    idleShareCost = sum(idleShareCost, o.idleShareCost);
    energyCost = sum(energyCost, o.energyCost);
    cloudOnDemandCost = sum(cloudOnDemandCost, o.cloudOnDemandCost);
    cloudSpotCost = sum(cloudSpotCost, o.cloudSpotCost);
    if (costBasis == null) {
      costBasis = o.costBasis;
      currency = o.currency;
    }
  }

  private static double sum(double a, double b) {
    return Double.isNaN(a) ? b : Double.isNaN(b) ? a : a + b;
  }

  @Override
  public String toString() {
    return "PodMinute{"
        + podKey
        + "@"
        + node
        + " "
        + minuteStart
        + " gpu_s="
        + gpuSeconds
        + " cost="
        + cost
        + " samples="
        + samples
        + "}";
  }
}
