package io.burnrate.schemas.model;

import java.math.BigDecimal;

/**
 * One row of the Iceberg table {@code burnrate.cost_allocations}: the share of one node-hour's
 * price held by one pod, or the node's idle remainder ({@link #holderKind} {@code idle}). For every
 * node and hour, the {@link #cost} of all rows adds up exactly to {@link #nodeHourCost}
 * (conservation): pod shares are rounded to micro-dollars and idle takes the remainder.
 */
public class CostAllocation {
  public static final String HOLDER_POD = "pod";
  public static final String HOLDER_IDLE = "idle";

  /**
   * Billed money of a node that reconciliation could not put on any hour the node was allocated
   * (e.g. a charge for hours in which the pipeline saw the node not run): kept as its own line,
   * with {@link #unallocatedReason}, never dropped.
   */
  public static final String HOLDER_UNALLOCATED = "unallocated";

  /** Deterministic: cluster/node/hour/holder. */
  public String id;

  public String cluster;
  public String node;
  public String instanceType;
  public String capacityType;
  public String region;

  /** Cloud instance id from {@code spec.providerID} (the billing ResourceId). */
  public String providerInstanceId;

  public long hourStart;
  public long hourEnd;

  /** {@code pod} or {@code idle}. */
  public String holderKind;

  public String namespace;
  public String pod;
  public String workload;
  public String team;
  public String project;
  public String costCenter;

  /** GPUs the pod held (0 for idle). */
  public int gpus;

  /** GPU-seconds held in this hour (idle: GPU-seconds nobody held). */
  public double gpuSeconds;

  /** GPU-seconds the node offered in this hour (capacity x seconds the node existed). */
  public double nodeGpuSeconds;

  /** The node-hour price (for the seconds the node existed in the hour). */
  public BigDecimal nodeHourCost;

  /** This holder's share, rounded to micro-units; idle is the exact remainder. */
  public BigDecimal cost;

  /** {@code estimated} (rate card), {@code billed} (reconciled to the bill) or {@code unpriced}. */
  public String costBasis;

  public String currency;

  /**
   * 0 for the estimate settled at the end of the hour; 1, 2, ... for each reconciliation to the
   * bill (a later restatement gets a higher version). The current row of an id is the one with the
   * highest version.
   */
  public int version;

  /** The node-hour's FOCUS {@code BilledCost} once billed (null for the estimate). */
  public BigDecimal billedCost;

  /** The node-hour's FOCUS {@code EffectiveCost} (amortised commitments) once billed. */
  public BigDecimal effectiveCost;

  /** The billing delivery the billed amounts come from (null for the estimate or unknown). */
  public String billingDelivery;

  /** Why an {@link #HOLDER_UNALLOCATED} line could not be allocated; null on other rows. */
  public String unallocatedReason;

  public CostAllocation() {}

  @Override
  public String toString() {
    return "CostAllocation{"
        + node
        + " "
        + hourStart
        + " "
        + holderKind
        + " "
        + pod
        + " gpu_s="
        + gpuSeconds
        + " cost="
        + cost
        + "/"
        + nodeHourCost
        + " "
        + costBasis
        + " v"
        + version
        + "}";
  }
}
