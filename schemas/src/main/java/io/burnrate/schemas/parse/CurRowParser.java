package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;
import static io.burnrate.schemas.model.DeadLetter.Reasons.MISSING_FIELD;
import static io.burnrate.schemas.model.DeadLetter.Reasons.UNKNOWN_ENUM;

import io.burnrate.schemas.model.BillingLineItem;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps one AWS CUR 2.0 row (snake_case columns; legacy {@code lineItem/...} names are renamed by
 * {@link BillingHeader}) onto a FOCUS {@link BillingLineItem}, the way AWS's own FOCUS export does:
 *
 * <ul>
 *   <li>{@code BilledCost} = {@code line_item_unblended_cost} (what the invoice adds up; discounts,
 *       credits and refunds are line items of their own and keep their negative amounts);
 *   <li>{@code EffectiveCost} by line-item type: {@code savings_plan_savings_plan_effective_cost}
 *       for SavingsPlanCoveredUsage, {@code reservation_effective_cost} for DiscountedUsage, the
 *       unused commitment for SavingsPlanRecurringFee and RIFee, 0 for SavingsPlanNegation and for
 *       upfront fees (amortised into the covered usage), else the unblended cost;
 *   <li>{@code ChargeCategory}: Usage (Usage, DiscountedUsage, SavingsPlanCoveredUsage,
 *       SavingsPlanNegation), Purchase (Fee, RIFee, SavingsPlanRecurringFee,
 *       SavingsPlanUpfrontFee), Tax, Credit (Credit, Refund and the discount types);
 *   <li>{@code PricingCategory}: Committed for usage covered by a Savings Plan or reservation,
 *       Dynamic for Spot, Standard for on-demand, null for charges that are not usage.
 * </ul>
 *
 * An unknown line-item type or pricing term is rejected ({@code unknown_enum}), never guessed.
 */
final class CurRowParser {
  /**
   * Every {@code line_item_line_item_type} that AWS documents, by the FOCUS category it maps to.
   */
  static final Map<String, String> LINE_ITEM_TYPES =
      Map.ofEntries(
          Map.entry("Usage", "Usage"),
          Map.entry("DiscountedUsage", "Usage"),
          Map.entry("SavingsPlanCoveredUsage", "Usage"),
          Map.entry("SavingsPlanNegation", "Usage"),
          Map.entry("Fee", "Purchase"),
          Map.entry("RIFee", "Purchase"),
          Map.entry("SavingsPlanRecurringFee", "Purchase"),
          Map.entry("SavingsPlanUpfrontFee", "Purchase"),
          Map.entry("Tax", "Tax"),
          Map.entry("Credit", "Credit"),
          Map.entry("Refund", "Credit"),
          Map.entry("BundledDiscount", "Credit"),
          Map.entry("Discount", "Credit"),
          Map.entry("EdpDiscount", "Credit"),
          Map.entry("PrivateRateDiscount", "Credit"),
          Map.entry("DistributorDiscount", "Credit"),
          Map.entry("SppDiscount", "Credit"));

  /** {@code pricing_term} values and the PricingCategory of usage priced by them. */
  static final Map<String, String> PRICING_TERMS =
      Map.of("OnDemand", "Standard", "Spot", "Dynamic", "Reserved", "Committed");

  private CurRowParser() {}

  static BillingLineItem fromColumns(BillingColumns c) throws ParseException {
    BillingLineItem b = new BillingLineItem();
    b.chargePeriodStart =
        c.requiredTime("line_item_usage_start_date", "line_item_usage_start_date");
    b.chargePeriodEnd = c.requiredTime("line_item_usage_end_date", "line_item_usage_end_date");
    if (b.chargePeriodEnd < b.chargePeriodStart) {
      throw new ParseException(
          INVALID_VALUE, "line_item_usage_end_date: before line_item_usage_start_date");
    }
    long bps = c.time("bill_billing_period_start_date", "bill_billing_period_start_date");
    b.billingPeriodStart = bps >= 0 ? bps : monthStart(b.chargePeriodStart);
    b.billingPeriodEnd = c.time("bill_billing_period_end_date", "bill_billing_period_end_date");

    String type = lineItemType(c);
    b.lineItemType = type;
    b.chargeCategory = LINE_ITEM_TYPES.get(type);
    b.billedCost = c.requiredNumber("line_item_unblended_cost", "line_item_unblended_cost");
    b.effectiveCost = effectiveCost(c, type, b.billedCost);
    b.listCost = c.number("pricing_public_on_demand_cost", "pricing_public_on_demand_cost");
    b.pricingCategory = pricingCategory(c, type);

    b.billingCurrency =
        FocusRowParser.currency(c.text("line_item_currency_code"), "line_item_currency_code");
    b.billingAccountId = c.text("bill_payer_account_id");
    b.billingAccountName = c.text("bill_payer_account_name");
    b.subAccountId = c.text("line_item_usage_account_id");
    b.subAccountName = c.text("line_item_usage_account_name");
    b.invoiceId = c.text("bill_invoice_id");
    b.providerName = "AWS";
    b.resourceId = c.text("line_item_resource_id");
    b.serviceName = firstText(c, "product_product_name", "line_item_product_code");
    b.serviceCategory = c.text("product_product_family");
    b.skuId = c.text("product_sku");
    b.skuPriceId = c.text("pricing_rate_id");
    b.chargeDescription = c.text("line_item_line_item_description");
    b.regionId = firstText(c, "product_region_code", "product_region");
    b.regionName = c.text("product_location");
    b.availabilityZone = c.text("line_item_availability_zone");
    b.pricingUnit = c.text("pricing_unit");
    double usage = c.number("line_item_usage_amount", "line_item_usage_amount");
    b.pricingQuantity = usage;
    if ("Usage".equals(b.chargeCategory)) {
      b.consumedQuantity = usage;
      b.consumedUnit = b.pricingUnit;
    }
    b.commitmentDiscountId =
        firstText(c, "savings_plan_savings_plan_a_r_n", "reservation_reservation_a_r_n");
    if (b.commitmentDiscountId != null) {
      b.commitmentDiscountCategory =
          c.text("savings_plan_savings_plan_a_r_n") != null ? "Spend" : "Usage";
      b.commitmentDiscountType =
          c.text("savings_plan_savings_plan_a_r_n") != null ? "Savings Plan" : "Reservation";
    }
    b.chargeFrequency = chargeFrequency(type);
    b.instanceType = c.text("product_instance_type");
    b.usageType = c.text("line_item_usage_type");
    c.tags("resource_tags", "resource_tags", b.tags);
    return b;
  }

  private static String lineItemType(BillingColumns c) throws ParseException {
    String v = c.text("line_item_line_item_type");
    if (v == null) {
      throw new ParseException(MISSING_FIELD, "line_item_line_item_type: missing");
    }
    for (String t : LINE_ITEM_TYPES.keySet()) {
      if (t.equalsIgnoreCase(v)) {
        return t;
      }
    }
    throw new ParseException(
        UNKNOWN_ENUM,
        "line_item_line_item_type: '"
            + Values.abbreviate(v)
            + "' is not one of "
            + new TreeSet<>(LINE_ITEM_TYPES.keySet()));
  }

  private static double effectiveCost(BillingColumns c, String type, double unblended)
      throws ParseException {
    return switch (type) {
      case "SavingsPlanCoveredUsage" ->
          required(c, "savings_plan_savings_plan_effective_cost", type);
      case "DiscountedUsage" -> required(c, "reservation_effective_cost", type);
      case "SavingsPlanNegation", "SavingsPlanUpfrontFee" -> 0.0;
      case "SavingsPlanRecurringFee" ->
          zeroIfAbsent(c, "savings_plan_total_commitment_to_date")
              - zeroIfAbsent(c, "savings_plan_used_commitment");
      case "RIFee" ->
          zeroIfAbsent(c, "reservation_unused_amortized_upfront_fee_for_billing_period")
              + zeroIfAbsent(c, "reservation_unused_recurring_fee");
      case "Fee" -> c.text("reservation_reservation_a_r_n") != null ? 0.0 : unblended;
      default -> unblended;
    };
  }

  private static double required(BillingColumns c, String column, String type)
      throws ParseException {
    double v = c.number(column, column);
    if (Double.isNaN(v)) {
      throw new ParseException(MISSING_FIELD, column + ": missing on a " + type + " line item");
    }
    return v;
  }

  private static double zeroIfAbsent(BillingColumns c, String column) throws ParseException {
    double v = c.number(column, column);
    return Double.isNaN(v) ? 0.0 : v;
  }

  private static String pricingCategory(BillingColumns c, String type) throws ParseException {
    if (!"Usage".equals(LINE_ITEM_TYPES.get(type))) {
      return null;
    }
    if (type.equals("SavingsPlanCoveredUsage") || type.equals("DiscountedUsage")) {
      return "Committed";
    }
    String term = c.text("pricing_term");
    if (term == null) {
      String usageType = c.text("line_item_usage_type");
      return usageType != null && usageType.contains("SpotUsage") ? "Dynamic" : null;
    }
    for (Map.Entry<String, String> e : PRICING_TERMS.entrySet()) {
      if (e.getKey().equalsIgnoreCase(term)) {
        return e.getValue();
      }
    }
    throw new ParseException(
        UNKNOWN_ENUM,
        "pricing_term: '"
            + Values.abbreviate(term)
            + "' is not one of "
            + new TreeSet<>(PRICING_TERMS.keySet()));
  }

  private static String chargeFrequency(String type) {
    return switch (type) {
      case "Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation" ->
          "Usage-Based";
      case "RIFee", "SavingsPlanRecurringFee" -> "Recurring";
      default -> "One-Time";
    };
  }

  private static String firstText(BillingColumns c, String... columns) {
    for (String col : columns) {
      String v = c.text(col);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  static long monthStart(long epochMillis) {
    return YearMonth.from(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC))
        .atDay(1)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant()
        .toEpochMilli();
  }

  /** The line-item types of the mapping, for documentation and tests. */
  static Set<String> lineItemTypes() {
    return LINE_ITEM_TYPES.keySet();
  }
}
