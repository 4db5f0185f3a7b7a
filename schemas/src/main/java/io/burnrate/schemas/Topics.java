package io.burnrate.schemas;

import java.util.List;

/** Kafka topic names of the Burnrate contracts. Each has a JSON Schema in {@code schemas/}. */
public final class Topics {
  /** One record per GPU per scrape, dcgm-exporter vocabulary. */
  public static final String TELEMETRY_GPU = "burnrate.telemetry.gpu";

  /** Workload progress counters ({@code samples_total}, ...) per pod. */
  public static final String TELEMETRY_WORKLOAD = "burnrate.telemetry.workload";

  /** Raw Kubernetes watch events for v1/Pod, v1/Node and batch/v1/Job. */
  public static final String K8S_EVENTS = "burnrate.k8s.events";

  /** FinOps FOCUS billing rows (AWS CUR 2.0 rows map onto the same record). */
  public static final String BILLING_FOCUS = "burnrate.billing.focus";

  /** Budgets, compacted, keyed by budget id (issue: detection). */
  public static final String CONFIG_BUDGETS = "burnrate.config.budgets";

  /** Rate card overrides, compacted. */
  public static final String CONFIG_PRICING = "burnrate.config.pricing";

  /** Per workload (and per node for idle) per window cost records. */
  public static final String COST_WINDOWS = "burnrate.cost.windows";

  /**
   * Node-hour allocations: the estimate when an hour is settled, then each reconciliation to the
   * bill (higher {@code version}), keyed by allocation id so that compaction keeps the latest.
   */
  public static final String COST_ALLOCATIONS = "burnrate.cost.allocations";

  /** Firing and resolved alerts: anomalies, rules, budget thresholds, missing billing. */
  public static final String ALERTS = "burnrate.alerts";

  /** Optimisation actions (open, resolved) with an idempotent id and savings per month. */
  public static final String ACTIONS = "burnrate.actions";

  /** Budget status per budget and period, keyed by budget id (compactable). */
  public static final String BUDGET_STATUS = "burnrate.budget.status";

  /** Every record that could not be used, with the reason and its source coordinates. */
  public static final String DLQ = "burnrate.dlq";

  public static final List<String> INPUTS =
      List.of(TELEMETRY_GPU, TELEMETRY_WORKLOAD, K8S_EVENTS, BILLING_FOCUS);
  public static final List<String> CONFIG = List.of(CONFIG_BUDGETS, CONFIG_PRICING);
  public static final List<String> OUTPUTS =
      List.of(COST_WINDOWS, COST_ALLOCATIONS, ALERTS, ACTIONS, BUDGET_STATUS, DLQ);

  private Topics() {}
}
