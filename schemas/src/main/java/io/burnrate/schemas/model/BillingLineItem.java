package io.burnrate.schemas.model;

import java.util.HashMap;
import java.util.Map;

/**
 * One FinOps FOCUS cost-and-usage row. Field names are the FOCUS column names in lower camel case;
 * the JSON and Iceberg names are the FOCUS columns exactly ({@code BilledCost}, ...). Times are
 * epoch milliseconds; money is in {@link #billingCurrency}. A numeric column the row did not carry
 * is {@link Double#NaN}.
 */
public class BillingLineItem {
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

  public BillingLineItem() {}
}
