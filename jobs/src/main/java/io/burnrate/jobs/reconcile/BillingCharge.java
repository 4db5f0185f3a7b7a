package io.burnrate.jobs.reconcile;

/**
 * One billed usage amount for one resource and one hour: what reconciliation needs of a billing
 * row. A row whose charge period spans several hours becomes one charge per hour (its amounts
 * spread evenly over the period). A Flink POJO.
 */
public class BillingCharge {
  /** Normalised resource id ({@link ResourceIds#instanceKey}); the reconciliation key. */
  public String resourceKey;

  /** Start of the hour (epoch ms). */
  public long hourStart;

  /**
   * Identity of the charge within its hour, for "latest wins" without a delivery: resource, period,
   * category, SKU, pricing category, commitment.
   */
  public String chargeKey;

  public double billedCost;

  /** EffectiveCost; equals billedCost when the row had none. */
  public double effectiveCost;

  public String currency;

  /** The billing delivery (export refresh) the row came in; null for rows without one. */
  public String delivery;

  /** When that delivery was made (epoch ms); orders deliveries; Long.MIN_VALUE when unknown. */
  public long deliveredAt = Long.MIN_VALUE;

  public BillingCharge() {}

  @Override
  public String toString() {
    return "BillingCharge{"
        + resourceKey
        + " "
        + hourStart
        + " billed="
        + billedCost
        + " effective="
        + effectiveCost
        + " delivery="
        + delivery
        + "}";
  }
}
