package io.burnrate.tools.focus;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The columns of a FOCUS 1.3 Cost and Usage export: the specification's columns under their Column
 * IDs (in the order of the FOCUS 1.3 header), then Burnrate's own, {@code x_}-prefixed as FOCUS
 * requires of custom columns.
 */
public final class FocusColumns {
  /** Every column of the FOCUS 1.3 Cost and Usage dataset. */
  public static final List<String> FOCUS_1_3 =
      List.of(
          "AllocatedMethodId",
          "AllocatedResourceId",
          "AllocatedResourceName",
          "AllocatedTags",
          "BilledCost",
          "BillingAccountId",
          "BillingAccountName",
          "BillingAccountType",
          "BillingCurrency",
          "BillingPeriodEnd",
          "BillingPeriodStart",
          "CapacityReservationId",
          "CapacityReservationStatus",
          "ChargeCategory",
          "ChargeClass",
          "ChargeDescription",
          "ChargePeriodEnd",
          "ChargePeriodStart",
          "CommitmentDiscountCategory",
          "CommitmentDiscountId",
          "CommitmentDiscountName",
          "CommitmentDiscountQuantity",
          "CommitmentDiscountStatus",
          "CommitmentDiscountType",
          "CommitmentDiscountUnit",
          "ConsumedQuantity",
          "ConsumedUnit",
          "ContractApplied",
          "ContractedCost",
          "ContractedUnitPrice",
          "EffectiveCost",
          "HostProviderName",
          "InvoiceIssuerName",
          "ListCost",
          "ListUnitPrice",
          "PricingCategory",
          "PricingCurrency",
          "PricingQuantity",
          "PricingUnit",
          "ProviderName",
          "PublisherName",
          "RegionId",
          "RegionName",
          "ResourceId",
          "ResourceName",
          "ResourceType",
          "ServiceCategory",
          "ServiceName",
          "ServiceProviderName",
          "SkuId",
          "SkuMeter",
          "SkuPriceDetails",
          "SkuPriceId",
          "SubAccountId",
          "SubAccountName",
          "SubAccountType",
          "Tags",
          "AllocatedMethodDetails",
          "AvailabilityZone",
          "ChargeFrequency",
          "InvoiceId",
          "ServiceSubcategory",
          "PricingCurrencyContractedUnitPrice",
          "PricingCurrencyEffectiveCost",
          "PricingCurrencyListUnitPrice");

  /**
   * FOCUS columns that {@code billing_line_items} keeps: the export carries the origin charge's
   * value. The other FOCUS 1.3 columns are present and null (the lake does not keep them yet).
   */
  public static final Set<String> FROM_THE_LAKE =
      Set.of(
          "BillingAccountId",
          "BillingAccountName",
          "SubAccountId",
          "SubAccountName",
          "BillingPeriodStart",
          "BillingPeriodEnd",
          "ChargePeriodStart",
          "ChargePeriodEnd",
          "BilledCost",
          "EffectiveCost",
          "ListCost",
          "ContractedCost",
          "BillingCurrency",
          "ChargeCategory",
          "ChargeClass",
          "ChargeFrequency",
          "ChargeDescription",
          "PricingCategory",
          "ProviderName",
          "InvoiceId",
          "ResourceId",
          "ResourceName",
          "ResourceType",
          "ServiceName",
          "ServiceCategory",
          "SkuId",
          "SkuPriceId",
          "RegionId",
          "RegionName",
          "AvailabilityZone",
          "ConsumedQuantity",
          "ConsumedUnit",
          "PricingQuantity",
          "PricingUnit",
          "CommitmentDiscountId",
          "CommitmentDiscountCategory",
          "CommitmentDiscountStatus",
          "CommitmentDiscountType",
          "Tags");

  /** Summable metrics: split over the allocated charges so that they add up to the origin's. */
  public static final List<String> MONEY =
      List.of("BilledCost", "EffectiveCost", "ListCost", "ContractedCost");

  public static final List<String> QUANTITIES = List.of("ConsumedQuantity", "PricingQuantity");

  /** Burnrate's columns. */
  public static final List<String> BURNRATE =
      List.of(
          "x_AllocationStatus",
          "x_NotSplitReason",
          "x_DeliveryId",
          "x_OriginRowId",
          "x_ChargeKind",
          "x_SourceFormat",
          "x_InstanceType",
          "x_Cluster",
          "x_Node",
          "x_Namespace",
          "x_Pod",
          "x_Workload",
          "x_Team",
          "x_Project",
          "x_CostCenter",
          "x_GpuSeconds");

  /** {@code x_AllocationStatus}: an allocated charge of a pod. */
  public static final String ALLOCATED = "allocated";

  /** {@code x_AllocationStatus}: the idle remainder of a split charge. */
  public static final String IDLE = "idle";

  /** {@code x_AllocationStatus}: a charge exported as billed. */
  public static final String NOT_SPLIT = "not_split";

  /** The export's header: FOCUS 1.3, then Burnrate's columns. */
  public static List<String> all() {
    List<String> all = new ArrayList<>(FOCUS_1_3);
    all.addAll(BURNRATE);
    return all;
  }

  private FocusColumns() {}
}
