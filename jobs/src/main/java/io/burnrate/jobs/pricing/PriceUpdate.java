package io.burnrate.jobs.pricing;

/**
 * One rate-card price from the compacted {@code burnrate.config.pricing} topic: the hourly price of
 * an instance type for a capacity type and region, from {@link #validFrom} on. A Flink POJO.
 */
public class PriceUpdate {
  public String instanceType;

  /** {@code on-demand} or {@code spot}. */
  public String capacityType;

  /** A region, or {@code *} for every region without a row of its own. */
  public String region;

  public double pricePerHour;
  public String currency;

  /** Epoch ms from which the price applies (minutes settled before it keep their price). */
  public long validFrom;

  /** GPUs of the instance type (0 when not given: the node's own capacity counts). */
  public int gpuCount;

  public PriceUpdate() {}

  /** The lookup key: instance type, capacity type and region. */
  public String key() {
    return PriceHistory.key(instanceType, capacityType, region);
  }
}
