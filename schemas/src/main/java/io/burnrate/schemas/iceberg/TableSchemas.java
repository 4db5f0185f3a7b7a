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
          optional(32, "cost_per_thousand_requests", Types.DoubleType.get()));

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
          required(10, "holder_kind", Types.StringType.get(), "pod or idle"),
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
          required(
              24,
              "version",
              Types.IntegerType.get(),
              "0 = estimate; 1, 2, ... = reconciliations to the bill; the highest is current"),
          optional(25, "billed_cost", Types.DecimalType.of(MONEY_PRECISION, MONEY_SCALE)),
          optional(26, "effective_cost", Types.DecimalType.of(MONEY_PRECISION, MONEY_SCALE)),
          optional(27, "billing_delivery", Types.StringType.get()));

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
          required(18, "status", Types.StringType.get(), "ok, at_risk or exceeded"));

  /** Budgets are few: partitioned by day only (a budget has no single cluster). */
  public static final PartitionSpec BUDGET_STATUS_SPEC =
      PartitionSpec.builderFor(BUDGET_STATUS_SCHEMA).day("as_of").build();

  private TableSchemas() {}
}
