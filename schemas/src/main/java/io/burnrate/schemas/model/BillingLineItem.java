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
          "lineItemType");

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

  public BillingLineItem() {}

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
