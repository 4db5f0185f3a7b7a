package io.burnrate.schemas.model;

/**
 * Progress a workload reports for one pod: monotonically increasing counters with Prometheus
 * counter semantics (reset to zero on restart) and optional training gauges. A value not reported
 * is {@link Double#NaN}.
 */
public class WorkloadProgress {
  /** Epoch milliseconds (UTC). */
  public long timestamp;

  public String cluster;
  public String namespace;
  public String pod;
  public String container;

  /** {@code samples_total}: training samples processed (counter). */
  public double samplesTotal = Double.NaN;

  /** {@code tokens_total}: inference tokens (counter). */
  public double tokensTotal = Double.NaN;

  /** {@code requests_total}: inference requests (counter). */
  public double requestsTotal = Double.NaN;

  /** {@code loss} gauge. */
  public double loss = Double.NaN;

  /** {@code val_loss} gauge. */
  public double valLoss = Double.NaN;

  /** True when a loss gauge was reported as NaN or infinite (a diverged run). */
  public boolean lossNonFinite;

  /** {@code step} counter of optimizer steps. */
  public double step = Double.NaN;

  /**
   * {@code total_steps} gauge: the optimizer steps the run is planned for (also read from {@code
   * planned_steps} or {@code max_steps}), reported beside {@code step}. Lets the training actions
   * count the savings of stopping from the work left.
   */
  public double totalSteps = Double.NaN;

  /**
   * The input record, for its dead letter when it arrives late: Kafka topic, partition, offset and
   * timestamp (-1 when unknown), key and value bytes as read. Not part of the reading.
   */
  public String sourceTopic;

  public int sourcePartition = -1;
  public long sourceOffset = -1;
  public long sourceTimestamp = -1;
  public byte[] sourceKey;
  public byte[] sourceValue;

  public WorkloadProgress() {}

  public String podKey() {
    return namespace + "/" + pod;
  }

  @Override
  public String toString() {
    return "WorkloadProgress{"
        + timestamp
        + " "
        + namespace
        + "/"
        + pod
        + " samples_total="
        + samplesTotal
        + "}";
  }
}
