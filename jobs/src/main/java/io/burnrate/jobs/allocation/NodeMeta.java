package io.burnrate.jobs.allocation;

import io.burnrate.schemas.model.NodeInfo;

/** What the node operator keeps about its node: identity, instance, price, and progress. */
public class NodeMeta {
  public String cluster;
  public String name;
  public String instanceType;
  public String capacityType;
  public String region;
  public String providerInstanceId;
  public String gpuModel;
  public int gpuCapacity;

  /** Share of a physical GPU one requested {@code nvidia.com/gpu} is (see NodeInfo). */
  public double gpuUnitShare = 1.0;

  /** Pods that may share one GPU (time-slicing, MPS); 1 when not shared. */
  public int gpuReplicas = 1;

  /** The owned site ({@code burnrate.io/site}); null for cloud nodes. */
  public String site;

  /** The energy part of the minute being settled (owned nodes), in {@link #currency}. */
  public double minuteEnergyCost;

  /** Energy meters of an owned node's GPUs, by GPU index. */
  public java.util.Map<Integer, io.burnrate.jobs.onprem.EnergyMeter> meters =
      new java.util.HashMap<>();

  /** Epoch ms; -1 when unknown (then the node counts from the first minute it was seen). */
  public long created = -1;

  public long deleted = -1;

  /** True once a Kubernetes Node event was seen. */
  public boolean known;

  /** Price of one instance-hour; NaN when unpriced. */
  public double pricePerHour = Double.NaN;

  public String currency;
  public String costBasis;

  /** Whether the missing price was already reported to the DLQ. */
  public boolean unpricedReported;

  /** Start of the next minute to settle (epoch ms); Long.MIN_VALUE before the first event. */
  public long nextMinute = Long.MIN_VALUE;

  /**
   * Whether a minute was settled yet. Until then the first minute may still move earlier: the
   * Kubernetes watch often runs ahead of telemetry, so the first event seen for a node is not its
   * earliest, and minutes before it are not settled until the watermark passes them.
   */
  public boolean settledAny;

  /** Newest event time seen for this node (telemetry or Kubernetes). */
  public long lastSeen = Long.MIN_VALUE;

  /**
   * Start of the last settled minute in which the node was heard of (a sample or a Kubernetes
   * event); minutes further than the staleness from it are not costed.
   */
  public long lastHeardMinute = Long.MIN_VALUE;

  /** Start of the last minute in which the node's exporter labelled GPUs with pods. */
  public long lastPodLabels = Long.MIN_VALUE;

  public NodeMeta() {}

  public void update(NodeInfo n) {
    cluster = n.cluster;
    name = n.name;
    known = true;
    if (n.instanceType != null) {
      instanceType = n.instanceType;
    }
    if (n.capacityType != null) {
      capacityType = n.capacityType;
    }
    if (n.region != null) {
      region = n.region;
    }
    if (n.instanceId != null) {
      providerInstanceId = n.instanceId;
    }
    if (n.gpuProduct != null) {
      gpuModel = n.gpuProduct;
    }
    if (n.gpuCapacity > 0) {
      gpuCapacity = n.gpuCapacity;
    }
    if (n.gpuUnitShare > 0) {
      gpuUnitShare = n.gpuUnitShare;
    }
    gpuReplicas = Math.max(1, n.gpuReplicas);
    if (n.site != null) {
      site = n.site;
    }
    if (n.createdTime >= 0) {
      created = n.createdTime;
    }
    if (n.deletedTime >= 0) {
      deleted = n.deletedTime;
    }
  }

  public boolean priced() {
    return !Double.isNaN(pricePerHour);
  }
}
