package io.burnrate.jobs.reconcile;

import io.burnrate.schemas.model.BillingLineItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Which billing rows price a resource: {@code ChargeCategory = Usage} rows that name a resource,
 * whatever their sign or amount (negative usage and zero-cost rows correct or complete the same
 * hours; a {@code ChargeClass = Correction} usage row corrects the hours it names). Credits,
 * refunds, adjustments, taxes and purchases are real money but are not spread over workloads: they
 * stay in {@code billing_line_items}, classified by {@code x_ChargeKind}, and are reported as such.
 * A row is kept whole over its charge period; {@link Reconciliation#allocate} puts it on the hours
 * of that period in which the resource ran.
 */
public final class BillingCharges {
  private static final long HOUR = 3_600_000L;

  /** Longest charge period allocated over hours (a month and a day); longer rows are not. */
  private static final long MAX_PERIOD = 32L * 24 * HOUR;

  private BillingCharges() {}

  /** True when the row prices the usage of a resource. */
  public static boolean pricesResource(BillingLineItem r) {
    return "Usage".equalsIgnoreCase(r.chargeCategory)
        && ResourceIds.instanceKey(r.resourceId) != null
        && r.chargePeriodEnd > r.chargePeriodStart
        && r.chargePeriodEnd - r.chargePeriodStart <= MAX_PERIOD;
  }

  /** The row as one charge, or none when it does not price a resource. */
  public static List<BillingCharge> of(BillingLineItem r, String delivery, long deliveredAt) {
    List<BillingCharge> out = new ArrayList<>(1);
    if (!pricesResource(r)) {
      return out;
    }
    String key = ResourceIds.instanceKey(r.resourceId);
    BillingCharge c = new BillingCharge();
    c.resourceKey = key;
    c.periodStart = r.chargePeriodStart;
    c.periodEnd = r.chargePeriodEnd;
    c.chargeKey =
        String.join(
            "|",
            key,
            Long.toString(r.chargePeriodStart),
            Long.toString(r.chargePeriodEnd),
            String.valueOf(r.chargeCategory),
            String.valueOf(r.chargeClass),
            String.valueOf(r.skuId),
            String.valueOf(r.skuPriceId),
            String.valueOf(r.pricingCategory),
            String.valueOf(r.commitmentDiscountId),
            String.valueOf(r.chargeDescription));
    c.rowId = r.identity();
    c.slice =
        r.billingAccountSlice != null
            ? r.billingAccountSlice
            : BillingLineItem.slice(r.billingAccountId, r.billingPeriodStart);
    c.billedCost = r.billedCost;
    c.effectiveCost = Double.isNaN(r.effectiveCost) ? r.billedCost : r.effectiveCost;
    c.currency = r.billingCurrency;
    c.chargeKind = r.chargeKind;
    c.delivery = delivery;
    c.deliveredAt = deliveredAt;
    out.add(c);
    return out;
  }
}
