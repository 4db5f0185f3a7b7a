package io.burnrate.schemas.model;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One FinOps FOCUS cost-and-usage row. Field names are the FOCUS column names in lower camel case;
 * the JSON and Iceberg names are the FOCUS columns exactly ({@code BilledCost}, ...). Burnrate's
 * own columns (provenance, and the few AWS details the cost model needs) follow FOCUS's convention
 * for custom columns: an {@code x_} prefix ({@code x_SourceFormat}, ...; see {@link #column}).
 * Times are epoch milliseconds; money is in {@link #billingCurrency}. A numeric column the row did
 * not carry is {@link Double#NaN}. AWS CUR 2.0 rows are mapped onto the same record the way AWS's
 * own FOCUS export maps them (docs/billing.md).
 */
public class BillingLineItem {
  /** Fields whose column is Burnrate's own ({@code x_} + the field name in upper camel case). */
  public static final Set<String> X_FIELDS =
      Set.of(
          "sourceFormat",
          "deliveryId",
          "deliveredAt",
          "sourceObject",
          "sourceRow",
          "billingAccountSlice",
          "instanceType",
          "usageType",
          "lineItemType",
          "chargeKind",
          "rowId");

  public long billingPeriodStart;
  public long billingPeriodEnd = -1;
  public long chargePeriodStart;
  public long chargePeriodEnd;

  public double billedCost;
  public double effectiveCost = Double.NaN;
  public double listCost = Double.NaN;
  public double contractedCost = Double.NaN;

  public String billingCurrency;
  public String billingAccountId;
  public String subAccountId;

  /** Null for rows without a resource (support, tax, account-level charges). */
  public String resourceId;

  public String resourceType;
  public String serviceName;
  public String serviceCategory;
  public String skuId;
  public String skuPriceId;

  /** Standard, Dynamic (spot), Committed, Other. */
  public String pricingCategory;

  /** Usage, Purchase, Tax, Credit, Adjustment. */
  public String chargeCategory;

  public String chargeDescription;
  public String regionId;
  public String availabilityZone;
  public double consumedQuantity = Double.NaN;
  public String consumedUnit;
  public double pricingQuantity = Double.NaN;
  public String pricingUnit;
  public String commitmentDiscountId;
  public Map<String, String> tags = new HashMap<>();

  public String providerName;
  public String invoiceId;
  public String billingAccountName;
  public String subAccountName;
  public String regionName;
  public String resourceName;

  /** Correction, or null for a regular charge. */
  public String chargeClass;

  /** One-Time, Recurring, Usage-Based. */
  public String chargeFrequency;

  /** Spend, Usage. */
  public String commitmentDiscountCategory;

  /** Used, Unused. */
  public String commitmentDiscountStatus;

  public String commitmentDiscountType;

  // ------------------------------------------------------------------ x_ columns

  /** {@code focus-1.2}, {@code focus-1.3}, {@code cur-2.0} or {@code cur-legacy}. */
  public String sourceFormat;

  /**
   * The delivery this row came with: a refresh of an export (one manifest version) or one ingestion
   * run over loose files. The latest delivery of a (billing account, billing period) slice replaces
   * the earlier ones.
   */
  public String deliveryId;

  /** When the provider delivered it (the manifest's or the files' last-modified time), or -1. */
  public long deliveredAt = -1;

  /** The object the row was read from ({@code s3://bucket/key} or a file URI), or null. */
  public String sourceObject;

  /** 1-based data row number in {@link #sourceObject} (header not counted), or -1. */
  public long sourceRow = -1;

  /** {@code <BillingAccountId or ->/<yyyy-MM of BillingPeriodStart>}: what a delivery restates. */
  public String billingAccountSlice;

  /** AWS: {@code product_instance_type} (e.g. p4d.24xlarge). */
  public String instanceType;

  /** AWS: {@code line_item_usage_type} (e.g. USE1-BoxUsage:p4d.24xlarge). */
  public String usageType;

  /** AWS: {@code line_item_line_item_type} (Usage, SavingsPlanCoveredUsage, Credit, ...). */
  public String lineItemType;

  /**
   * What kind of money the row is, for totals and reports ({@link ChargeKind}); set by the parser
   * from the FOCUS columns. Every kind is kept and counted; only {@link ChargeKind#USAGE} and
   * {@link ChargeKind#ZERO_COST} usage of a resource prices node-hours (negative usage corrects
   * them).
   */
  public String chargeKind;

  /**
   * The row's identity within its delivery ({@link #identity}): the same row delivered again (a
   * re-run, a re-publish after a crash) has the same identity and replaces, never adds.
   */
  public String rowId;

  public BillingLineItem() {}

  /** The values of {@code x_ChargeKind}. */
  public static final class ChargeKind {
    /** Usage with a positive or zero quantity and a positive amount. */
    public static final String USAGE = "usage";

    /** Usage that costs nothing (free tier, fully covered, zero-priced); kept for the quantity. */
    public static final String ZERO_COST = "zero_cost";

    /**
     * Usage with a negative BilledCost or ConsumedQuantity: a refund or correction of usage within
     * the current billing period (FOCUS leaves ChargeClass null for those).
     */
    public static final String USAGE_REVERSAL = "usage_reversal";

    /** FOCUS ChargeClass = Correction: a correction to a previously invoiced billing period. */
    public static final String CORRECTION = "correction";

    /** ChargeCategory Credit (credits, discounts). */
    public static final String CREDIT = "credit";

    /** AWS CUR line item type Refund. */
    public static final String REFUND = "refund";

    /** ChargeCategory Tax. */
    public static final String TAX = "tax";

    /** ChargeCategory Purchase (commitments, fees, marketplace). */
    public static final String PURCHASE = "purchase";

    /** ChargeCategory Adjustment whose description says it is rounding. */
    public static final String ROUNDING = "rounding";

    /** Any other ChargeCategory Adjustment. */
    public static final String ADJUSTMENT = "adjustment";

    /** Every kind, in report order. */
    public static final java.util.List<String> ALL =
        java.util.List.of(
            USAGE,
            ZERO_COST,
            USAGE_REVERSAL,
            CORRECTION,
            CREDIT,
            REFUND,
            TAX,
            PURCHASE,
            ROUNDING,
            ADJUSTMENT);

    private ChargeKind() {}

    /** The kind of a parsed row. */
    public static String of(BillingLineItem b) {
      if ("Correction".equals(b.chargeClass)) {
        return CORRECTION;
      }
      String category = b.chargeCategory == null ? "Usage" : b.chargeCategory;
      switch (category) {
        case "Credit":
          return "Refund".equals(b.lineItemType) ? REFUND : CREDIT;
        case "Tax":
          return TAX;
        case "Purchase":
          return PURCHASE;
        case "Adjustment":
          return b.chargeDescription != null
                  && b.chargeDescription.toLowerCase(java.util.Locale.ROOT).contains("rounding")
              ? ROUNDING
              : ADJUSTMENT;
        default:
          break;
      }
      if (b.billedCost < 0 || b.consumedQuantity < 0 || b.pricingQuantity < 0) {
        return USAGE_REVERSAL;
      }
      boolean noEffective = Double.isNaN(b.effectiveCost) || b.effectiveCost == 0;
      return b.billedCost == 0 && noEffective ? ZERO_COST : USAGE;
    }
  }

  /**
   * The row identity: {@link #rowId} when the row carries one; else {@code <x_SourceObject>#<row>}
   * for a row read from a file (the same object read again gives the same identities); else a hash
   * of every FOCUS column of the row (a streamed row sent twice is the same row; two rows identical
   * in every column are then one: send {@code x_RowId} to tell them apart).
   */
  public String identity() {
    if (rowId != null) {
      return rowId;
    }
    if (sourceObject != null && sourceRow >= 0) {
      return sourceObject + "#" + sourceRow;
    }
    StringBuilder sb = new StringBuilder(512);
    Object[] parts = {
      billingAccountId,
      subAccountId,
      billingPeriodStart,
      billingPeriodEnd,
      chargePeriodStart,
      chargePeriodEnd,
      billedCost,
      effectiveCost,
      listCost,
      contractedCost,
      billingCurrency,
      resourceId,
      resourceType,
      serviceName,
      serviceCategory,
      skuId,
      skuPriceId,
      pricingCategory,
      chargeCategory,
      chargeClass,
      chargeFrequency,
      chargeDescription,
      regionId,
      availabilityZone,
      consumedQuantity,
      consumedUnit,
      pricingQuantity,
      pricingUnit,
      commitmentDiscountId,
      commitmentDiscountStatus,
      invoiceId,
      providerName,
      usageType,
      lineItemType,
      instanceType
    };
    for (Object o : parts) {
      sb.append(o).append('\u001f');
    }
    new java.util.TreeMap<>(tags)
        .forEach((k, v) -> sb.append(k).append('=').append(v).append('\u001e'));
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + java.util.HexFormat.of().formatHex(d, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The JSON and Iceberg column of a field: {@code billedCost -> BilledCost}, {@code sourceRow ->
   * x_SourceRow}.
   */
  public static String column(String field) {
    String upper = Character.toUpperCase(field.charAt(0)) + field.substring(1);
    return X_FIELDS.contains(field) ? "x_" + upper : upper;
  }

  /** The slice key of an account and a billing period start (UTC month). */
  public static String slice(String billingAccountId, long billingPeriodStart) {
    YearMonth m = YearMonth.from(Instant.ofEpochMilli(billingPeriodStart).atOffset(ZoneOffset.UTC));
    return (billingAccountId == null ? "-" : billingAccountId) + "/" + m;
  }
}
