package io.burnrate.jobs.reconcile;

import io.burnrate.schemas.model.BillingLineItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Which billing rows price a resource-hour, and how: only {@code ChargeCategory = Usage} rows that
 * name a resource. Credits, refunds, adjustments, taxes and purchases are real money but are not
 * spread over workloads: they stay in {@code billing_line_items} and are reported as such. A row
 * whose charge period spans several hours (daily granularity) is spread evenly over its hours;
 * exports at hourly granularity (CUR 2.0, FOCUS hourly) reconcile exactly.
 */
public final class BillingCharges {
  private static final long HOUR = 3_600_000L;

  /** Longest charge period spread over hours (a month and a day); longer rows are not spread. */
  private static final long MAX_PERIOD = 32L * 24 * HOUR;

  private BillingCharges() {}

  /** True when the row prices the usage of a resource. */
  public static boolean pricesResource(BillingLineItem r) {
    return "Usage".equalsIgnoreCase(r.chargeCategory)
        && ResourceIds.instanceKey(r.resourceId) != null
        && r.chargePeriodEnd > r.chargePeriodStart
        && r.chargePeriodEnd - r.chargePeriodStart <= MAX_PERIOD;
  }

  /** The row as hourly charges, or none when it does not price a resource-hour. */
  public static List<BillingCharge> of(BillingLineItem r, String delivery, long deliveredAt) {
    List<BillingCharge> out = new ArrayList<>(1);
    if (!pricesResource(r)) {
      return out;
    }
    String key = ResourceIds.instanceKey(r.resourceId);
    long from = r.chargePeriodStart;
    long to = r.chargePeriodEnd;
    double effective = Double.isNaN(r.effectiveCost) ? r.billedCost : r.effectiveCost;
    String chargeKey =
        String.join(
            "|",
            key,
            Long.toString(from),
            Long.toString(to),
            String.valueOf(r.chargeCategory),
            String.valueOf(r.skuId),
            String.valueOf(r.skuPriceId),
            String.valueOf(r.pricingCategory),
            String.valueOf(r.commitmentDiscountId),
            String.valueOf(r.chargeDescription));
    long total = to - from;
    for (long h = Math.floorDiv(from, HOUR) * HOUR; h < to; h += HOUR) {
      long overlap = Math.min(to, h + HOUR) - Math.max(from, h);
      if (overlap <= 0) {
        continue;
      }
      double share = overlap == total ? 1.0 : overlap / (double) total;
      BillingCharge c = new BillingCharge();
      c.resourceKey = key;
      c.hourStart = h;
      c.chargeKey = chargeKey;
      c.billedCost = r.billedCost * share;
      c.effectiveCost = effective * share;
      c.currency = r.billingCurrency;
      c.delivery = delivery;
      c.deliveredAt = deliveredAt;
      out.add(c);
    }
    return out;
  }
}
