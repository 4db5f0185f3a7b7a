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

  private TableSchemas() {}
}
