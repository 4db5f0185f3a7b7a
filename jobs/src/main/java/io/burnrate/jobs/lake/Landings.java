package io.burnrate.jobs.lake;

import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The outputs that land in the lake, and their tables: the one registry both landings use. The
 * analytics job in {@code job.mode: all} and the history job ({@code job.mode: history}) turn the
 * same output records (the JSON of the output topics, {@code schemas/}) into rows of the same
 * tables by the same path ({@link OutputRows}), so the two modes write identical rows.
 *
 * <p>{@code billing_line_items} is not here: billing rows come from files as well as the topic, so
 * the analytics job writes that table in both modes.
 */
public final class Landings {
  private Landings() {}

  /**
   * One output topic and the table it lands in.
   *
   * @param uid the stable uid of the landing's operators (rows and sink) in the job that runs it
   * @param defaults values of required string columns that a record may leave out or null
   */
  public record Landing(
      String topic,
      TableIdentifier table,
      Schema schema,
      PartitionSpec spec,
      String uid,
      Map<String, String> defaults) {}

  /** The empty cluster of a global budget's alerts and actions. */
  private static final Map<String, String> NO_CLUSTER = Map.of("cluster", "");

  public static final Landing WORKLOAD_WINDOWS =
      new Landing(
          Topics.COST_WINDOWS,
          TableSchemas.WORKLOAD_WINDOWS,
          TableSchemas.WORKLOAD_WINDOWS_SCHEMA,
          TableSchemas.WORKLOAD_WINDOWS_SPEC,
          "workload-windows",
          Map.of());

  public static final Landing COST_ALLOCATIONS =
      new Landing(
          Topics.COST_ALLOCATIONS,
          TableSchemas.COST_ALLOCATIONS,
          TableSchemas.COST_ALLOCATIONS_SCHEMA,
          TableSchemas.COST_ALLOCATIONS_SPEC,
          "cost-allocations",
          Map.of());

  public static final Landing ALERTS =
      new Landing(
          Topics.ALERTS,
          TableSchemas.ALERTS,
          TableSchemas.ALERTS_SCHEMA,
          TableSchemas.ALERTS_SPEC,
          "alerts",
          NO_CLUSTER);

  public static final Landing ACTIONS =
      new Landing(
          Topics.ACTIONS,
          TableSchemas.ACTIONS,
          TableSchemas.ACTIONS_SCHEMA,
          TableSchemas.ACTIONS_SPEC,
          "actions",
          NO_CLUSTER);

  public static final Landing BUDGET_STATUS =
      new Landing(
          Topics.BUDGET_STATUS,
          TableSchemas.BUDGET_STATUS,
          TableSchemas.BUDGET_STATUS_SCHEMA,
          TableSchemas.BUDGET_STATUS_SPEC,
          "budget-status",
          Map.of());

  /** Every landing, in the order the jobs wire them. */
  public static final List<Landing> ALL =
      List.of(WORKLOAD_WINDOWS, COST_ALLOCATIONS, ALERTS, ACTIONS, BUDGET_STATUS);
}
