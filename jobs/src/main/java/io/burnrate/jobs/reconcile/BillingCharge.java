package io.burnrate.jobs.reconcile;

/**
 * One billing row that prices a resource, over its whole charge period (an hour for hourly exports,
 * a day for daily FOCUS exports of GCP and Azure): what reconciliation needs of it. It is allocated
 * over the hours of its period in which the resource actually ran ({@link
 * Reconciliation#allocate}), not spread over the clock. A Flink POJO.
 */
public class BillingCharge {
  /** Normalised resource id ({@link ResourceIds#instanceKey}); the reconciliation key. */
  public String resourceKey;

  /** Charge period (epoch ms), end exclusive. */
  public long periodStart;

  public long periodEnd;

  /**
   * The row's identity within its delivery ({@code x_RowId}: {@code <object>#<row>} or a content
   * hash): the same row delivered again replaces itself, never adds.
   */
  public String rowId;

  /**
   * Identity of the charge for "latest wins" among rows without a delivery: resource, period,
   * category, SKU, pricing category, commitment, description.
   */
  public String chargeKey;

  /** {@code x_BillingAccountSlice}: a newer delivery restates the charges of its own slice only. */
  public String slice;

  public double billedCost;

  /** EffectiveCost; equals billedCost when the row had none. */
  public double effectiveCost;

  public String currency;

  /** {@code x_ChargeKind} of the row (usage, zero_cost, usage_reversal, correction). */
  public String chargeKind;

  /** The billing delivery (export refresh) the row came in; null for rows without one. */
  public String delivery;

  /** When that delivery was made (epoch ms); orders deliveries; Long.MIN_VALUE when unknown. */
  public long deliveredAt = Long.MIN_VALUE;

  public BillingCharge() {}

  /** The key the charge is held under: one per row of a delivery, one per charge without. */
  public String bookKey() {
    return delivery == null ? "~" + chargeKey : delivery + "|" + rowId;
  }

  /** True when the two periods share time. */
  public boolean overlaps(BillingCharge o) {
    return periodStart < o.periodEnd && o.periodStart < periodEnd;
  }

  @Override
  public String toString() {
    return "BillingCharge{"
        + resourceKey
        + " "
        + periodStart
        + ".."
        + periodEnd
        + " billed="
        + billedCost
        + " effective="
        + effectiveCost
        + " delivery="
        + delivery
        + " row="
        + rowId
        + "}";
  }
}
