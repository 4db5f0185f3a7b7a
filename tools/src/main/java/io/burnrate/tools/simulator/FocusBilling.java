package io.burnrate.tools.simulator;

import io.burnrate.schemas.Topics;
import java.time.Instant;
import java.util.List;

/**
 * The simulated fleet's bill, as a cloud's FOCUS export delivers it: late, and restating the month
 * so far at every delivery.
 */
final class FocusBilling {
  private final String cluster;
  private final long startMs;
  private final long endMs;
  private final List<SimNode> nodes;

  FocusBilling(String cluster, long startMs, long endMs, List<SimNode> nodes) {
    this.cluster = cluster;
    this.startMs = startMs;
    this.endMs = endMs;
    this.nodes = nodes;
  }

  /** Minutes after an hour ends that the export delivers (restating the month so far). */
  static final long BILLING_DELAY = 20 * 60_000L;

  /** The billed price of the rate card's missing SKU: the bill knows what the card does not. */
  static final double UNPRICED_BILLED_PER_HOUR = 113.9328;

  /**
   * Billing as a cloud's FOCUS export delivers it, late and restated: {@link #BILLING_DELAY} after
   * every hour, one delivery restating every hour of the month so far (as CUR 2.0 and FOCUS exports
   * do): per hour, one Usage row per instance that existed in it (per-second billing of the rate
   * card price; on-demand AWS nodes under a savings plan at 28% off in EffectiveCost, 35% once the
   * plan's later application restates hours older than the newest), a support charge without a
   * resource and a small credit.
   */
  void deliveries(long t, long tEnd, List<SimRecord> pending) {
    long firstHour = Math.floorDiv(startMs, 3_600_000L) * 3_600_000L;
    for (long h = firstHour; h < endMs; h += 3_600_000L) {
      long at = h + 3_600_000L + BILLING_DELAY;
      if (at >= t && at < tEnd) {
        String delivery = cluster + "-" + Instant.ofEpochMilli(at).toString();
        String month = Instant.ofEpochMilli(h).toString().substring(0, 7);
        for (long past = firstHour; past <= h; past += 3_600_000L) {
          if (Instant.ofEpochMilli(past).toString().startsWith(month)) {
            billHour(past, at, delivery, past == h ? 0.72 : 0.65, pending);
          }
        }
      }
    }
  }

  private void billHour(
      long h, long at, String delivery, double planFactor, List<SimRecord> pending) {
    long hEnd = h + 3_600_000L;
    String deliveredAt = Instant.ofEpochMilli(at).toString();
    double total = 0;
    for (SimNode n : nodes) {
      if (n.site != null) {
        continue; // owned hardware has no bill
      }
      long from = Math.max(n.created, h);
      long to = n.deleted >= 0 ? Math.min(n.deleted, hEnd) : hEnd;
      if (to <= from) {
        continue;
      }
      double perHour = pricePerHour(n);
      double billed = round6(perHour * (to - from) / 3_600_000.0);
      boolean plan = "aws".equals(n.type.provider()) && !n.type.spot();
      double effective = plan ? round6(billed * planFactor) : billed;
      total += billed;
      Json j = focusRow(h, hEnd, delivery, deliveredAt);
      j.str("ResourceId", instanceId(n.providerId));
      j.str("ResourceType", "Virtual Machine");
      j.str("ServiceName", serviceName(n.type.provider()));
      j.str("ServiceCategory", "Compute");
      j.str("ChargeCategory", "Usage");
      j.str("PricingCategory", n.type.spot() ? "Dynamic" : plan ? "Committed" : "Standard");
      j.str("RegionId", n.type.region());
      j.str("SkuId", n.type.instanceType());
      j.str("ChargeDescription", n.type.instanceType() + " instance-hours");
      j.num("BilledCost", billed).num("EffectiveCost", effective).num("ListCost", billed);
      j.num("ConsumedQuantity", round6((to - from) / 3_600_000.0)).str("ConsumedUnit", "Hours");
      j.open("Tags").str("kubernetes.io/cluster", cluster).close();
      j.close();
      pending.add(new SimRecord(Topics.BILLING_FOCUS, instanceId(n.providerId), j.bytes(), at));
    }
    // shared cost without a resource, and a credit: real money, never spread over workloads
    Json support = focusRow(h, hEnd, delivery, deliveredAt);
    support.str("ServiceName", "AWS Support (Business)").str("ServiceCategory", "Management");
    support.str("ChargeCategory", "Usage").str("ChargeDescription", "support, 3% of usage");
    double fee = round6(total * 0.03);
    support.num("BilledCost", fee).num("EffectiveCost", fee).num("ListCost", fee);
    support.close();
    // keyed as `publish` keys a row without a resource (RecordKeys.billingKey)
    pending.add(
        new SimRecord(
            Topics.BILLING_FOCUS,
            io.burnrate.tools.publish.RecordKeys.billingKey(
                null, "Usage", "AWS Support (Business)"),
            support.bytes(),
            at));
    Json credit = focusRow(h, hEnd, delivery, deliveredAt);
    credit.str("ServiceName", "Amazon Elastic Compute Cloud").str("ServiceCategory", "Compute");
    credit.str("ChargeCategory", "Credit").str("ChargeDescription", "promotional credit");
    credit.num("BilledCost", -5.0).num("EffectiveCost", -5.0).num("ListCost", 0.0);
    credit.close();
    pending.add(
        new SimRecord(
            Topics.BILLING_FOCUS,
            io.burnrate.tools.publish.RecordKeys.billingKey(
                null, "Credit", "Amazon Elastic Compute Cloud"),
            credit.bytes(),
            at));
  }

  private Json focusRow(long h, long hEnd, String delivery, String deliveredAt) {
    Json j = new Json().open();
    String month = Instant.ofEpochMilli(h).toString().substring(0, 7);
    j.str("BillingAccountId", "123456789012").str("SubAccountId", "210987654321");
    j.str("BillingPeriodStart", month + "-01T00:00:00Z");
    j.str("ChargePeriodStart", Instant.ofEpochMilli(h).toString());
    j.str("ChargePeriodEnd", Instant.ofEpochMilli(hEnd).toString());
    j.str("BillingCurrency", "USD");
    j.str("x_DeliveryId", delivery).str("x_DeliveredAt", deliveredAt);
    return j;
  }

  private double pricePerHour(SimNode n) {
    if (n.type == FleetCatalogue.UNPRICED_TYPE) {
      return UNPRICED_BILLED_PER_HOUR;
    }
    io.burnrate.jobs.pricing.RateCard.Price p =
        FleetCatalogue.RATES.lookup(
            n.type.instanceType(), n.type.spot() ? "spot" : "on-demand", n.type.region());
    return p == null ? 0 : p.pricePerHour();
  }

  private static String serviceName(String provider) {
    return switch (provider) {
      case "aws" -> "Amazon Elastic Compute Cloud";
      case "gcp" -> "Compute Engine";
      default -> "Virtual Machines";
    };
  }

  /** The billing ResourceId of a providerID, as each cloud's export names the instance. */
  static String instanceId(String providerId) {
    if (providerId.startsWith("aws://") || providerId.startsWith("gce://")) {
      return providerId.substring(providerId.lastIndexOf('/') + 1);
    }
    return providerId.substring("azure://".length());
  }

  private static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
