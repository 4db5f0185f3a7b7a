package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;

import io.burnrate.schemas.model.BillingLineItem;
import java.util.Locale;
import java.util.Set;

/**
 * Parses one FinOps FOCUS row (1.0 to 1.3), sent as a JSON object on {@code burnrate.billing.focus}
 * or read from a file. Column names are matched case-insensitively; the literal {@code NULL} counts
 * as absent; timestamps may use a space instead of {@code T}; extra columns are ignored. Required:
 * {@code ChargePeriodStart}, {@code ChargePeriodEnd}, {@code BilledCost}. Negative costs and
 * quantities are legitimate (credits, refunds, corrections) and kept. A JSON row with AWS CUR
 * columns is read as CUR ({@link BillingRowParser}).
 */
public final class FocusRowParser {
  /** FOCUS ChargeCategory values. */
  public static final Set<String> CHARGE_CATEGORIES =
      Set.of("Usage", "Purchase", "Tax", "Credit", "Adjustment");

  /** FOCUS PricingCategory values. */
  public static final Set<String> PRICING_CATEGORIES =
      Set.of("Standard", "Dynamic", "Committed", "Other");

  /** FOCUS ChargeClass values (null is a regular charge). */
  public static final Set<String> CHARGE_CLASSES = Set.of("Correction");

  /** FOCUS ChargeFrequency values. */
  public static final Set<String> CHARGE_FREQUENCIES =
      Set.of("One-Time", "Recurring", "Usage-Based");

  /** FOCUS CommitmentDiscountCategory values. */
  public static final Set<String> COMMITMENT_DISCOUNT_CATEGORIES = Set.of("Spend", "Usage");

  /** FOCUS CommitmentDiscountStatus values. */
  public static final Set<String> COMMITMENT_DISCOUNT_STATUSES = Set.of("Used", "Unused");

  private final BillingRowParser rows = new BillingRowParser();

  /** A JSON object: FOCUS columns (or CUR columns, detected), see {@link BillingRowParser}. */
  public BillingLineItem parse(byte[] json) throws ParseException {
    return rows.parseJson(json);
  }

  /**
   * The lookup key of a column name: lower case, without surrounding blanks or the byte-order mark
   * that a CSV header converted as-is keeps on its first column.
   */
  static String columnKey(String name) {
    int from = 0;
    while (from < name.length() && name.charAt(from) == '\uFEFF') {
      from++;
    }
    return name.substring(from).trim().toLowerCase(Locale.ROOT);
  }

  static BillingLineItem fromColumns(BillingColumns c) throws ParseException {
    BillingLineItem b = new BillingLineItem();
    b.chargePeriodStart = c.requiredTime("chargeperiodstart", "ChargePeriodStart");
    b.chargePeriodEnd = c.requiredTime("chargeperiodend", "ChargePeriodEnd");
    if (b.chargePeriodEnd < b.chargePeriodStart) {
      throw new ParseException(INVALID_VALUE, "ChargePeriodEnd: before ChargePeriodStart");
    }
    long bps = c.time("billingperiodstart", "BillingPeriodStart");
    b.billingPeriodStart = bps >= 0 ? bps : b.chargePeriodStart;
    b.billingPeriodEnd = c.time("billingperiodend", "BillingPeriodEnd");
    b.billedCost = c.requiredNumber("billedcost", "BilledCost");
    b.effectiveCost = c.number("effectivecost", "EffectiveCost");
    b.listCost = c.number("listcost", "ListCost");
    b.contractedCost = c.number("contractedcost", "ContractedCost");
    b.consumedQuantity = c.number("consumedquantity", "ConsumedQuantity");
    b.pricingQuantity = c.number("pricingquantity", "PricingQuantity");
    b.billingCurrency = currency(c.text("billingcurrency"), "BillingCurrency");
    b.billingAccountId = c.text("billingaccountid");
    b.billingAccountName = c.text("billingaccountname");
    b.subAccountId = c.text("subaccountid");
    b.subAccountName = c.text("subaccountname");
    b.resourceId = c.text("resourceid");
    b.resourceName = c.text("resourcename");
    b.resourceType = c.text("resourcetype");
    b.serviceName = c.text("servicename");
    b.serviceCategory = c.text("servicecategory");
    b.skuId = c.text("skuid");
    b.skuPriceId = c.text("skupriceid");
    b.chargeDescription = c.text("chargedescription");
    b.regionId = c.text("regionid");
    b.regionName = c.text("regionname");
    b.availabilityZone = c.text("availabilityzone");
    b.consumedUnit = c.text("consumedunit");
    b.pricingUnit = c.text("pricingunit");
    b.commitmentDiscountId = c.text("commitmentdiscountid");
    b.commitmentDiscountType = c.text("commitmentdiscounttype");
    b.invoiceId = c.text("invoiceid");
    b.providerName = c.text("serviceprovidername");
    if (b.providerName == null) {
      b.providerName = c.text("providername");
    }
    b.chargeCategory = c.enumValue("chargecategory", "ChargeCategory", CHARGE_CATEGORIES, "Usage");
    b.pricingCategory = c.enumValue("pricingcategory", "PricingCategory", PRICING_CATEGORIES, null);
    b.chargeClass = c.enumValue("chargeclass", "ChargeClass", CHARGE_CLASSES, null);
    b.chargeFrequency = c.enumValue("chargefrequency", "ChargeFrequency", CHARGE_FREQUENCIES, null);
    b.commitmentDiscountCategory =
        c.enumValue(
            "commitmentdiscountcategory",
            "CommitmentDiscountCategory",
            COMMITMENT_DISCOUNT_CATEGORIES,
            null);
    b.commitmentDiscountStatus =
        c.enumValue(
            "commitmentdiscountstatus",
            "CommitmentDiscountStatus",
            COMMITMENT_DISCOUNT_STATUSES,
            null);
    c.tags("tags", "Tags", b.tags);
    // negative usage (a refund or a correction within the period: FOCUS sets ChargeClass only for
    // corrections of an earlier, invoiced period) is real money: kept and classified
    // (x_ChargeKind usage_reversal), never rejected
    // Burnrate's own columns, when the row is one Burnrate wrote (ingest-billing --to-topic)
    b.instanceType = c.text("x_instancetype");
    b.usageType = c.text("x_usagetype");
    b.lineItemType = c.text("x_lineitemtype");
    return b;
  }

  /** An ISO 4217 code, upper-cased; USD when absent. */
  static String currency(String v, String label) throws ParseException {
    String cur = v == null ? "USD" : v.toUpperCase(Locale.ROOT);
    if (!cur.matches("[A-Z]{3}")) {
      throw new ParseException(
          INVALID_VALUE, label + ": not an ISO 4217 code: '" + Values.abbreviate(cur) + "'");
    }
    return cur;
  }
}
