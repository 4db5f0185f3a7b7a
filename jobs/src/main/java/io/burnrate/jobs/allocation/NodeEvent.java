package io.burnrate.jobs.allocation;

import io.burnrate.schemas.model.GpuSample;
import io.burnrate.schemas.model.NodeInfo;
import io.burnrate.schemas.model.PodInfo;

/**
 * Everything the node operator consumes, keyed by {@code cluster/node}: exactly one of a GPU
 * sample, a Node update or a Pod update (for the node the pod is bound to). Serialised by {@link
 * NodeEventSerializer} (no reflection: it is the busiest record on the wire).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(NodeEventSerializer.Factory.class)
public class NodeEvent {
  public GpuSample sample;
  public NodeInfo node;
  public PodInfo pod;

  /** Kafka coordinates of the input record, for dead letters. */
  public String sourceTopic;

  public int sourcePartition = -1;
  public long sourceOffset = -1;

  /**
   * The input record of a GPU sample, for its dead letter when it arrives late: its Kafka timestamp
   * (-1 if none), key and value bytes as read (null for Kubernetes state).
   */
  public long sourceTimestamp = -1;

  public byte[] sourceKey;
  public byte[] sourceValue;

  public NodeEvent() {}

  public long timestamp() {
    return sample != null ? sample.timestamp : node != null ? node.timestamp : pod.timestamp;
  }

  public String nodeKey() {
    if (sample != null) {
      return sample.cluster + "/" + sample.hostname;
    }
    if (node != null) {
      return node.cluster + "/" + node.name;
    }
    return pod.cluster + "/" + pod.nodeName;
  }
}
