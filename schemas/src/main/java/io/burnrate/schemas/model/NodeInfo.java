package io.burnrate.schemas.model;

/**
 * What the pipeline derives from one watch event of a {@code v1/Node}: the cloud instance behind it
 * and its GPUs. Times are epoch milliseconds; {@code -1} means not known.
 */
public class NodeInfo {
  public static final String ON_DEMAND = "on-demand";
  public static final String SPOT = "spot";

  /** Watch event type: ADDED, MODIFIED or DELETED. */
  public String eventType;

  /** Event time (epoch ms). */
  public long timestamp;

  public String cluster;
  public String name;

  /** {@code spec.providerID}, e.g. {@code aws:///us-east-1a/i-0abc...}. */
  public String providerId;

  /** Cloud instance id parsed from the provider id (the billing {@code ResourceId}). */
  public String instanceId;

  /** {@code node.kubernetes.io/instance-type} (or the beta label). */
  public String instanceType;

  /** {@code on-demand} or {@code spot}, from Karpenter, EKS, GKE or AKS labels. */
  public String capacityType;

  /** {@code topology.kubernetes.io/region}. */
  public String region;

  /** {@code topology.kubernetes.io/zone}. */
  public String zone;

  /** {@code status.capacity["nvidia.com/gpu"]}. */
  public int gpuCapacity;

  /** {@code nvidia.com/gpu.product} from GPU feature discovery, if present. */
  public String gpuProduct;

  /**
   * The share of a physical GPU one {@code nvidia.com/gpu} device is: 1, or 1/replicas on a
   * time-sliced (or MPS) node, or the MIG profile's share under the single MIG strategy.
   */
  public double gpuUnitShare = 1.0;

  /**
   * Pods that may share one GPU by time-slicing or MPS ({@code nvidia.com/gpu.replicas}); 1 when
   * GPUs are not shared.
   */
  public int gpuReplicas = 1;

  /**
   * The owned site ({@code burnrate.io/site} label) of an on-premises node; null for cloud nodes.
   */
  public String site;

  /** {@code metadata.creationTimestamp}. */
  public long createdTime = -1;

  /** {@code metadata.deletionTimestamp}, or the DELETED event's time; -1 while alive. */
  public long deletedTime = -1;

  public NodeInfo() {}

  public String nodeKey() {
    return cluster + "/" + name;
  }

  @Override
  public String toString() {
    return "NodeInfo{"
        + eventType
        + " "
        + nodeKey()
        + " "
        + instanceType
        + "/"
        + capacityType
        + "/"
        + region
        + " gpus="
        + gpuCapacity
        + "}";
  }
}
