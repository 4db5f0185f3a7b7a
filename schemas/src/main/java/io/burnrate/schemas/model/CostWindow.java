package io.burnrate.schemas.model;

import java.util.Map;

/**
 * One row of {@code burnrate.cost.windows}: either a workload's cost over a window ({@link #kind}
 * {@code workload}) or a node's idle GPU time and cost over a window ({@link #kind} {@code idle}).
 * Money is in {@link #currency}; a quantity that cannot be computed (no price, no samples) is null,
 * never 0.
 */
public class CostWindow {
  public static final String KIND_WORKLOAD = "workload";
  public static final String KIND_IDLE = "idle";

  public static final String BASIS_ESTIMATED = "estimated";
  public static final String BASIS_BILLED = "billed";
  public static final String BASIS_ENERGY = "energy";

  /** Node with no price in the rate card: cost fields are null, and the node is reported. */
  public static final String BASIS_UNPRICED = "unpriced";

  /** Deterministic id: kind, scope and window start. Consumers deduplicate on it. */
  public String id;

  public String kind;

  /** Window bounds, epoch ms, [start, end). */
  public long windowStart;

  public long windowEnd;

  public String cluster;
  public String namespace;

  /** {@code namespace/OwnerKind/name}; for idle rows, null. */
  public String workload;

  public String team;
  public String project;
  public String costCenter;

  /**
   * Node name for idle rows; for workload rows the node when the workload ran on one, else null.
   */
  public String node;

  public String instanceType;
  public String capacityType;
  public String region;
  public String gpuModel;

  /** Pods of the workload seen in the window. */
  public int pods;

  /** GPU-seconds allocated (held) in the window. */
  public double gpuSeconds;

  /** Mean utilisation 0-1 over the allocated GPU-time that had telemetry; null without any. */
  public Double meanUtilization;

  /** Share of allocated GPU-time covered by telemetry samples (0-1). */
  public double telemetryCoverage;

  /** Efficiency 0-1 (mean SM activity, or GPU_UTIL where SM activity is absent). */
  public Double efficiency;

  public Double cost;

  /** {@code estimated}, {@code billed}, {@code energy} or {@code unpriced}. */
  public String costBasis;

  public String currency;

  /** {@code cost x (1 - efficiency)}. */
  public Double wastedCost;

  /** Increase of {@code samples_total} in the window (resets handled); null if not reported. */
  public Double samples;

  public Double costPerSample;

  /** Increase of {@code tokens_total}; null if not reported. */
  public Double tokens;

  /** Increase of {@code requests_total}; null if not reported. */
  public Double requests;

  /** Idle GPU-seconds (idle rows). */
  public double idleGpuSeconds;

  /** Event time at which the window was emitted (its end). */
  public long emittedAt;

  /** {@code cost / tokens x 1e6}; null when either is unknown or no token was produced. */
  public Double costPerMillionTokens;

  /** {@code cost / requests x 1e3}; null when either is unknown or no request was served. */
  public Double costPerThousandRequests;

  /**
   * Highest GPU memory use over the window, 0-1: max of {@code FB_USED / (FB_USED + FB_FREE)} over
   * the workload's GPUs and samples; null when unknown. Read by the memory-pressure rule.
   */
  public Double memoryUsedRatio;

  /**
   * GPUs the workload held for the whole window with utilisation under 5% (a count; null when not
   * known). Lets the right-size action tell unused GPUs from evenly under-used ones.
   */
  public Double unusedGpus;

  /**
   * The workload's pod labels kept for attribution ({@code attribution.label-keys}) and the
   * detection hints {@code burnrate.io/spot-tolerant} and {@code burnrate.io/critical} (from a pod
   * label or annotation, value {@code "true"}); null when none. Budgets scoped by a label and the
   * spot and escalation actions read it.
   */
  public Map<String, String> labels;

  /**
   * The workload's share of the idle cost of the nodes it ran on, by GPU-seconds (attribution only:
   * the same money is also in the nodes' idle windows); null when unpriced.
   */
  public Double idleShareCost;

  /** Usage-based cost: the cost of the GPU time actually active, {@code cost x efficiency}. */
  public Double usageCost;

  /** Usage-based cost per sample: {@code usage_cost / samples}. */
  public Double costPerSampleUsage;

  /** Owned (on-premises) nodes: the site ({@code burnrate.io/site}); null in the cloud. */
  public String site;

  /** Owned nodes: the energy part of {@link #cost} (the rest is hardware amortisation). */
  public Double energyCost;

  /** Owned nodes: what the same GPU-seconds would cost on the closest cloud GPU type, on-demand. */
  public Double cloudOnDemandCost;

  /** Owned nodes: the same on spot. */
  public Double cloudSpotCost;

  /** Training: the last {@code loss} reported in the window; null when none (or non-finite). */
  public Double loss;

  /** Training: the {@code val_loss} of an evaluation in the window; null when none. */
  public Double valLoss;

  /** Training: the last {@code step} reported in the window. */
  public Double step;

  /** Training: the last {@code total_steps} (steps the run is planned for) in the window. */
  public Double totalSteps;

  /** Training: a loss reading in the window was NaN or infinite (the run diverged). */
  public boolean lossNonFinite;

  /**
   * Inside the job only, not published: some pod of the workload held its GPUs for only part of the
   * window (it started or ended in it), so the window's rates are not comparable with whole ones.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore public boolean partMinute;

  public CostWindow() {}

  @Override
  public String toString() {
    return "CostWindow{"
        + kind
        + " "
        + (workload != null ? workload : node)
        + " ["
        + windowStart
        + ","
        + windowEnd
        + ") gpu_s="
        + gpuSeconds
        + " idle_s="
        + idleGpuSeconds
        + " cost="
        + cost
        + " samples="
        + samples
        + "}";
  }
}
