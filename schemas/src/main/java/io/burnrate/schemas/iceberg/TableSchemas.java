package io.burnrate.schemas.iceberg;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * Iceberg tables of the {@code burnrate} namespace: their schemas and partitioning. Column names
 * are the snake_case names of the topics' JSON Schemas, so that SQL over the lake and the Kafka
 * records read alike. All tables are partitioned by day and cluster.
 */
public final class TableSchemas {
  public static final Namespace NAMESPACE = Namespace.of("burnrate");

  public static final TableIdentifier WORKLOAD_WINDOWS =
      TableIdentifier.of(NAMESPACE, "workload_windows");
  public static final TableIdentifier COST_ALLOCATIONS =
      TableIdentifier.of(NAMESPACE, "cost_allocations");

  public static final TableIdentifier ALERTS = TableIdentifier.of(NAMESPACE, "alerts");

  public static final TableIdentifier ACTIONS = TableIdentifier.of(NAMESPACE, "actions");

  public static final TableIdentifier BUDGET_STATUS =
      TableIdentifier.of(NAMESPACE, "budget_status");

  public static final TableIdentifier BILLING_LINE_ITEMS =
      TableIdentifier.of(NAMESPACE, "billing_line_items");
  public static final TableIdentifier BILLING_DELIVERIES =
      TableIdentifier.of(NAMESPACE, "billing_deliveries");
  public static final TableIdentifier BILLING_DEAD_LETTERS =
      TableIdentifier.of(NAMESPACE, "billing_dead_letters");

  /** Money columns of the allocation table: exact to micro-units. */
  public static final int MONEY_PRECISION = 18;

  public static final int MONEY_SCALE = 6;

  /** {@code workload_windows}: one row per workload window and per node idle window. */
  public static final Schema WORKLOAD_WINDOWS_SCHEMA =
      new Schema(
          required(1, "id", Types.StringType.get(), "deterministic id: kind, scope, window start"),
          required(2, "kind", Types.StringType.get(), "workload or idle"),
          required(3, "window_start", Types.TimestampType.withZone()),
          required(4, "window_end", Types.TimestampType.withZone()),
          required(5, "cluster", Types.StringType.get()),
          optional(6, "namespace", Types.StringType.get()),
          optional(7, "workload", Types.StringType.get(), "namespace/OwnerKind/name"),
          optional(8, "team", Types.StringType.get()),
          optional(9, "project", Types.StringType.get()),
          optional(10, "cost_center", Types.StringType.get()),
          optional(11, "node", Types.StringType.get()),
          optional(12, "instance_type", Types.StringType.get()),
          optional(13, "capacity_type", Types.StringType.get()),
          optional(14, "region", Types.StringType.get()),
          optional(15, "gpu_model", Types.StringType.get()),
          required(16, "pods", Types.IntegerType.get()),
          required(17, "gpu_seconds", Types.DoubleType.get()),
          optional(18, "mean_utilization", Types.DoubleType.get()),
          required(19, "telemetry_coverage", Types.DoubleType.get()),
          optional(20, "efficiency", Types.DoubleType.get()),
          optional(21, "cost", Types.DoubleType.get(), "null when unpriced, never 0"),
          required(22, "cost_basis", Types.StringType.get(), "estimated|billed|energy|unpriced"),
          optional(23, "currency", Types.StringType.get()),
          optional(24, "wasted_cost", Types.DoubleType.get()),
          optional(25, "samples", Types.DoubleType.get()),
          optional(26, "cost_per_sample", Types.DoubleType.get()),
          optional(27, "tokens", Types.DoubleType.get()),
          optional(28, "requests", Types.DoubleType.get()),
          required(29, "idle_gpu_seconds", Types.DoubleType.get()),
          required(30, "emitted_at", Types.TimestampType.withZone()),
          optional(31, "cost_per_million_tokens", Types.DoubleType.get()),
          optional(32, "cost_per_thousand_requests", Types.DoubleType.get()),
          optional(33, "memory_used_ratio", Types.DoubleType.get(), "max FB used / total, 0-1"),
          optional(
              34,
              "idle_share_cost",
              Types.DoubleType.get(),
              "share of the nodes' idle cost by GPU-seconds (attribution only)"),
          optional(35, "usage_cost", Types.DoubleType.get(), "cost x efficiency: active GPU time"),
          optional(36, "cost_per_sample_usage", Types.DoubleType.get(), "usage_cost / samples"),
          optional(37, "site", Types.StringType.get(), "owned nodes: burnrate.io/site"),
          optional(38, "energy_cost", Types.DoubleType.get(), "owned nodes: energy part of cost"),
          optional(
              39,
              "cloud_on_demand_cost",
              Types.DoubleType.get(),
              "owned nodes: the same GPU-seconds on the closest cloud GPU type, on-demand"),
          optional(40, "cloud_spot_cost", Types.DoubleType.get(), "the same on spot"),
          optional(41, "loss", Types.DoubleType.get(), "training: last loss in the window"),
          optional(
              42, "val_loss", Types.DoubleType.get(), "training: validation loss if evaluated"),
          optional(43, "step", Types.DoubleType.get(), "training: last step"),
          optional(44, "loss_non_finite", Types.BooleanType.get(), "training: loss was NaN/inf"),
          optional(
              45, "total_steps", Types.DoubleType.get(), "training: steps the run is planned for"));

  public static final PartitionSpec WORKLOAD_WINDOWS_SPEC =
      PartitionSpec.builderFor(WORKLOAD_WINDOWS_SCHEMA)
          .day("window_start")
          .identity("cluster")
          .build();

  /** {@code cost_allocations}: who held each node-hour, and what was idle. */
  public static final Schema COST_ALLOCATIONS_SCHEMA =
      new Schema(
          required(1, "id", Types.StringType.get(), "cluster/node/hour/holder"),
          required(2, "cluster", Types.StringType.get()),
          required(3, "node", Types.StringType.get()),
          optional(4, "instance_type", Types.StringType.get()),
          optional(5, "capacity_type", Types.StringType.get()),
          optional(6, "region", Types.StringType.get()),
          optional(7, "provider_instance_id", Types.StringType.get()),
          required(8, "hour_start", Types.TimestampType.withZone()),
          required(9, "hour_end", Types.TimestampType.withZone()),
          required(10, "holder_kind", Types.StringType.get(), "pod, idle or unallocated"),
          optional(11, "namespace", Types.StringType.get()),
          optional(12, "pod", Types.StringType.get()),
          optional(13, "workload", Types.StringType.get()),
          optional(14, "team", Types.StringType.get()),
          optional(15, "project", Types.StringType.get()),
          optional(16, "cost_center", Types.StringType.get()),
          required(17, "gpus", Types.IntegerType.get()),
          required(18, "gpu_seconds", Types.DoubleType.get()),
          required(19, "node_gpu_seconds", Types.DoubleType.get()),
          optional(20, "node_hour_cost", Types.DecimalType.of(MONEY_PRECISION, MONEY_SCALE)),
          optional(21, "cost", Types.DecimalType.of(MONEY_PRECISION, MONEY_SCALE)),
          required(22, "cost_basis", Types.StringType.get(), "estimated|billed|unpriced"),
          optional(23, "currency", Types.StringType.get()),
          optional(
              24,
              "version",
              Types.IntegerType.get(),
              "0 = estimate; 1, 2, ... = reconciliations to the bill; the highest is current"),
          optional(25, "billed_cost", Types.DecimalType.of(MONEY_PRECISION, MONEY_SCALE)),
          optional(26, "effective_cost", Types.DecimalType.of(MONEY_PRECISION, MONEY_SCALE)),
          optional(27, "billing_delivery", Types.StringType.get()),
          optional(
              28,
              "unallocated_reason",
              Types.StringType.get(),
              "holder_kind unallocated: why the billed amount is on no node-hour"));

  public static final PartitionSpec COST_ALLOCATIONS_SPEC =
      PartitionSpec.builderFor(COST_ALLOCATIONS_SCHEMA)
          .day("hour_start")
          .identity("cluster")
          .build();

  /** {@code alerts}: every alert state change (firing, resolved), as on {@code burnrate.alerts}. */
  public static final Schema ALERTS_SCHEMA =
      new Schema(
          required(1, "id", Types.StringType.get(), "fingerprint/starts_at/status"),
          required(2, "fingerprint", Types.StringType.get()),
          required(3, "status", Types.StringType.get(), "firing or resolved"),
          required(4, "alertname", Types.StringType.get()),
          required(5, "severity", Types.StringType.get()),
          required(6, "cluster", Types.StringType.get()),
          optional(7, "namespace", Types.StringType.get()),
          optional(8, "workload", Types.StringType.get()),
          optional(9, "team", Types.StringType.get()),
          optional(10, "series", Types.StringType.get()),
          required(11, "summary", Types.StringType.get()),
          required(12, "description", Types.StringType.get()),
          required(13, "starts_at", Types.TimestampType.withZone()),
          optional(14, "ends_at", Types.TimestampType.withZone()),
          optional(15, "observed", Types.DoubleType.get()),
          optional(16, "expected_low", Types.DoubleType.get()),
          optional(17, "expected_high", Types.DoubleType.get()),
          optional(18, "score", Types.DoubleType.get()),
          optional(19, "threshold", Types.DoubleType.get()),
          required(20, "window_start", Types.TimestampType.withZone()),
          required(21, "window_end", Types.TimestampType.withZone()),
          optional(22, "cost_basis", Types.StringType.get()));

  public static final PartitionSpec ALERTS_SPEC =
      PartitionSpec.builderFor(ALERTS_SCHEMA).day("starts_at").identity("cluster").build();

  /** {@code actions}: every optimisation action state change (open, resolved). */
  public static final Schema ACTIONS_SCHEMA =
      new Schema(
          required(1, "id", Types.StringType.get(), "fingerprint/opened_at/status"),
          required(2, "fingerprint", Types.StringType.get()),
          required(3, "status", Types.StringType.get(), "open or resolved"),
          required(4, "kind", Types.StringType.get()),
          required(5, "operation", Types.StringType.get()),
          required(6, "target_kind", Types.StringType.get()),
          required(7, "cluster", Types.StringType.get(), "empty for global budget escalations"),
          optional(8, "namespace", Types.StringType.get()),
          optional(9, "workload", Types.StringType.get()),
          optional(10, "node", Types.StringType.get()),
          optional(11, "team", Types.StringType.get()),
          optional(12, "budget_id", Types.StringType.get()),
          optional(13, "scope", Types.StringType.get()),
          required(14, "reason", Types.StringType.get()),
          required(15, "evidence", Types.StringType.get()),
          optional(16, "estimated_monthly_savings", Types.DoubleType.get()),
          optional(17, "currency", Types.StringType.get()),
          required(18, "confidence", Types.DoubleType.get()),
          required(19, "opened_at", Types.TimestampType.withZone()),
          optional(20, "resolved_at", Types.TimestampType.withZone()),
          required(21, "window_start", Types.TimestampType.withZone()),
          required(22, "window_end", Types.TimestampType.withZone()));

  public static final PartitionSpec ACTIONS_SPEC =
      PartitionSpec.builderFor(ACTIONS_SCHEMA).day("opened_at").identity("cluster").build();

  /** {@code budget_status}: each published status of each budget (history). */
  public static final Schema BUDGET_STATUS_SCHEMA =
      new Schema(
          required(1, "id", Types.StringType.get(), "budget_id/period_start/as_of"),
          required(2, "budget_id", Types.StringType.get()),
          required(3, "scope", Types.StringType.get()),
          required(4, "period", Types.StringType.get(), "day, week or month"),
          required(5, "time_zone", Types.StringType.get()),
          required(6, "period_start", Types.TimestampType.withZone()),
          required(7, "period_end", Types.TimestampType.withZone()),
          required(8, "as_of", Types.TimestampType.withZone()),
          required(9, "amount", Types.DoubleType.get()),
          required(10, "currency", Types.StringType.get()),
          required(11, "spend", Types.DoubleType.get()),
          required(12, "forecast", Types.DoubleType.get()),
          required(13, "percent", Types.DoubleType.get()),
          required(14, "forecast_percent", Types.DoubleType.get()),
          required(15, "thresholds_crossed", Types.ListType.ofRequired(19, Types.DoubleType.get())),
          required(
              16,
              "forecast_thresholds_crossed",
              Types.ListType.ofRequired(20, Types.DoubleType.get())),
          optional(17, "projected_breach_at", Types.TimestampType.withZone()),
          required(18, "status", Types.StringType.get(), "ok, at_risk or exceeded"),
          // added with the seasonal forecast (optional: tables written before lack them)
          optional(21, "forecast_low", Types.DoubleType.get(), "p10 of the period's end spend"),
          optional(22, "forecast_high", Types.DoubleType.get(), "p90 of the period's end spend"),
          optional(
              23,
              "forecast_error_percent",
              Types.DoubleType.get(),
              "recent mean absolute % error of the day-ahead forecasts"),
          optional(24, "forecast_history_hours", Types.IntegerType.get()));

  /** Budgets are few: partitioned by day only (a budget has no single cluster). */
  public static final PartitionSpec BUDGET_STATUS_SPEC =
      PartitionSpec.builderFor(BUDGET_STATUS_SCHEMA).day("as_of").build();

  /**
   * Money columns of the billing tables. AWS CUR carries up to 17 decimals; amounts are kept to
   * 1e-12 (a billion rows drift at most half a thousandth of a dollar), with 26 integer digits.
   */
  public static final int BILLING_MONEY_PRECISION = 38;

  public static final int BILLING_MONEY_SCALE = 12;

  private static Types.DecimalType billingMoney() {
    return Types.DecimalType.of(BILLING_MONEY_PRECISION, BILLING_MONEY_SCALE);
  }

  /**
   * {@code billing_line_items}: every usable billing row of every delivery, append-only. Columns
   * are the FOCUS column names exactly (so FOCUS queries run unchanged) plus Burnrate's {@code x_}
   * columns (FOCUS's convention for custom columns). A later delivery of the same (billing account,
   * billing period) slice replaces the earlier ones: query {@code billing_line_items_current}, or
   * join {@link #BILLING_DELIVERIES} (docs/billing.md).
   */
  public static final Schema BILLING_LINE_ITEMS_SCHEMA =
      new Schema(
          optional(1, "BillingAccountId", Types.StringType.get()),
          optional(2, "BillingAccountName", Types.StringType.get()),
          optional(3, "SubAccountId", Types.StringType.get()),
          optional(4, "SubAccountName", Types.StringType.get()),
          required(5, "BillingPeriodStart", Types.TimestampType.withZone()),
          optional(6, "BillingPeriodEnd", Types.TimestampType.withZone()),
          required(7, "ChargePeriodStart", Types.TimestampType.withZone()),
          required(8, "ChargePeriodEnd", Types.TimestampType.withZone()),
          required(9, "BilledCost", billingMoney(), "invoiced amount; negative for credits"),
          optional(10, "EffectiveCost", billingMoney(), "amortised cost after discounts"),
          optional(11, "ListCost", billingMoney()),
          optional(12, "ContractedCost", billingMoney()),
          required(13, "BillingCurrency", Types.StringType.get()),
          required(
              14, "ChargeCategory", Types.StringType.get(), "Usage|Purchase|Tax|Credit|Adjustment"),
          optional(15, "ChargeClass", Types.StringType.get()),
          optional(16, "ChargeFrequency", Types.StringType.get()),
          optional(17, "ChargeDescription", Types.StringType.get()),
          optional(
              18, "PricingCategory", Types.StringType.get(), "Standard|Dynamic|Committed|Other"),
          optional(19, "ProviderName", Types.StringType.get()),
          optional(20, "InvoiceId", Types.StringType.get()),
          optional(
              21, "ResourceId", Types.StringType.get(), "null for shared/unattributed charges"),
          optional(22, "ResourceName", Types.StringType.get()),
          optional(23, "ResourceType", Types.StringType.get()),
          optional(24, "ServiceName", Types.StringType.get()),
          optional(25, "ServiceCategory", Types.StringType.get()),
          optional(26, "SkuId", Types.StringType.get()),
          optional(27, "SkuPriceId", Types.StringType.get()),
          optional(28, "RegionId", Types.StringType.get()),
          optional(29, "RegionName", Types.StringType.get()),
          optional(30, "AvailabilityZone", Types.StringType.get()),
          optional(31, "ConsumedQuantity", Types.DoubleType.get()),
          optional(32, "ConsumedUnit", Types.StringType.get()),
          optional(33, "PricingQuantity", Types.DoubleType.get()),
          optional(34, "PricingUnit", Types.StringType.get()),
          optional(35, "CommitmentDiscountId", Types.StringType.get()),
          optional(36, "CommitmentDiscountCategory", Types.StringType.get()),
          optional(37, "CommitmentDiscountStatus", Types.StringType.get()),
          optional(38, "CommitmentDiscountType", Types.StringType.get()),
          optional(
              39,
              "Tags",
              Types.MapType.ofRequired(60, 61, Types.StringType.get(), Types.StringType.get())),
          required(
              40,
              "x_SourceFormat",
              Types.StringType.get(),
              "focus-1.2|focus-1.3|cur-2.0|cur-legacy"),
          required(41, "x_DeliveryId", Types.StringType.get()),
          optional(42, "x_DeliveredAt", Types.TimestampType.withZone()),
          optional(43, "x_SourceObject", Types.StringType.get(), "s3://bucket/key or file URI"),
          optional(44, "x_SourceRow", Types.LongType.get(), "1-based data row in x_SourceObject"),
          required(
              45,
              "x_BillingAccountSlice",
              Types.StringType.get(),
              "BillingAccountId/yyyy-MM: what a delivery restates"),
          optional(46, "x_InstanceType", Types.StringType.get()),
          optional(47, "x_UsageType", Types.StringType.get()),
          optional(48, "x_LineItemType", Types.StringType.get()),
          optional(
              49,
              "x_ChargeKind",
              Types.StringType.get(),
              "usage|zero_cost|usage_reversal|correction|credit|refund|tax|purchase|rounding"
                  + "|adjustment"),
          optional(
              50,
              "x_RowId",
              Types.StringType.get(),
              "row identity within the delivery: x_SourceObject#x_SourceRow, or a content hash"));

  public static final PartitionSpec BILLING_LINE_ITEMS_SPEC =
      PartitionSpec.builderFor(BILLING_LINE_ITEMS_SCHEMA).month("BillingPeriodStart").build();

  /**
   * {@code billing_deliveries}: one row per delivery and slice (billing account, billing period),
   * committed after the delivery's line items; a delivery with no usable row has one row with a
   * null slice. The latest {@code delivered_at} (then {@code ingested_at}) of a slice is current.
   * {@code objects} (key to ETag) makes ingestion idempotent.
   */
  public static final Schema BILLING_DELIVERIES_SCHEMA =
      new Schema(
          required(1, "delivery_id", Types.StringType.get()),
          optional(2, "slice", Types.StringType.get(), "BillingAccountId/yyyy-MM, or null"),
          optional(3, "billing_account_id", Types.StringType.get()),
          optional(4, "billing_period_start", Types.TimestampType.withZone()),
          required(5, "delivered_at", Types.TimestampType.withZone()),
          required(6, "ingested_at", Types.TimestampType.withZone()),
          required(
              7, "source", Types.StringType.get(), "manifest object, or the folder of loose files"),
          optional(8, "source_format", Types.StringType.get()),
          optional(
              9,
              "objects",
              Types.MapType.ofRequired(30, 31, Types.StringType.get(), Types.StringType.get()),
              "object URI -> ETag (or size/mtime) of every object of the delivery"),
          required(10, "object_count", Types.IntegerType.get()),
          required(11, "row_count", Types.LongType.get(), "usable rows of this slice"),
          required(12, "dead_letter_count", Types.LongType.get(), "rejected rows of the delivery"),
          required(13, "billed_cost", billingMoney()),
          required(14, "effective_cost", billingMoney()),
          required(15, "credits", billingMoney(), "BilledCost of Credit rows (negative)"),
          optional(16, "currency", Types.StringType.get()),
          optional(
              17,
              "file_billed_cost",
              billingMoney(),
              "the delivery's files' own total: BilledCost of every row whose amount is readable"),
          optional(
              18,
              "dead_letter_billed_cost",
              billingMoney(),
              "BilledCost of the delivery's dead-lettered rows whose amount was readable"),
          optional(
              19,
              "dead_letters_without_amount",
              Types.LongType.get(),
              "dead letters whose amount could not be read (rows, or whole objects)"),
          optional(
              20,
              "ingested_billed_cost",
              billingMoney(),
              "BilledCost of every usable row of the delivery (all slices): file_billed_cost ="
                  + " ingested_billed_cost + dead_letter_billed_cost"),
          optional(
              21,
              "object_sha256",
              Types.MapType.ofRequired(32, 33, Types.StringType.get(), Types.StringType.get()),
              "object URI -> SHA-256 of its bytes (hex): the same content under another name or"
                  + " through a symlink is one object"),
          optional(
              22,
              "warning",
              Types.StringType.get(),
              "why this slice's replacement may be unintended (loose files with fewer rows or a"
                  + " smaller total than the delivery they replace), or null"));

  public static final PartitionSpec BILLING_DELIVERIES_SPEC = PartitionSpec.unpartitioned();

  /** {@code billing_dead_letters}: billing rows and objects that could not be used, and why. */
  public static final Schema BILLING_DEAD_LETTERS_SCHEMA =
      new Schema(
          required(1, "reason", Types.StringType.get()),
          required(2, "detail", Types.StringType.get()),
          optional(3, "source_object", Types.StringType.get()),
          optional(
              4, "source_row", Types.LongType.get(), "1-based data row, -1 for a whole object"),
          optional(5, "delivery_id", Types.StringType.get()),
          optional(6, "payload", Types.StringType.get(), "the row as JSON, cut to 16 KiB"),
          required(7, "failed_at", Types.TimestampType.withZone()),
          optional(
              8, "billed_cost", billingMoney(), "the row's BilledCost when readable, else null"));

  public static final PartitionSpec BILLING_DEAD_LETTERS_SPEC =
      PartitionSpec.builderFor(BILLING_DEAD_LETTERS_SCHEMA).month("failed_at").build();

  private TableSchemas() {}
}
