package io.burnrate.tools.demo;

import java.util.List;

/** The questions the demo asks of the warehouse (also documented in README.md). */
public final class DemoQueries {
  private DemoQueries() {}

  public static final String COST_BY_TEAM =
      "SELECT team, ROUND(SUM(cost), 2) AS cost_usd, ROUND(SUM(gpu_seconds) / 3600, 1) AS gpu_hours,"
          + " ROUND(SUM(wasted_cost), 2) AS wasted_usd,"
          + " ROUND(SUM(gpu_seconds * efficiency) / SUM(gpu_seconds), 3) AS efficiency"
          + " FROM workload_windows WHERE kind = 'workload' GROUP BY team ORDER BY cost_usd DESC";

  public static final String IDLE_BY_NODE =
      "SELECT node, instance_type, capacity_type, ROUND(SUM(cost), 2) AS idle_usd,"
          + " ROUND(SUM(idle_gpu_seconds) / 3600, 1) AS idle_gpu_hours, MAX(cost_basis) AS basis"
          + " FROM workload_windows WHERE kind = 'idle'"
          + " GROUP BY node, instance_type, capacity_type ORDER BY idle_gpu_hours DESC LIMIT 8";

  public static final String COST_PER_SAMPLE =
      "SELECT workload, ROUND(SUM(cost), 2) AS cost_usd, CAST(SUM(samples) AS BIGINT) AS samples,"
          + " ROUND(SUM(cost) / SUM(samples) * 1000, 4) AS usd_per_1k_samples"
          + " FROM workload_windows WHERE kind = 'workload' AND samples > 0"
          + " GROUP BY workload ORDER BY usd_per_1k_samples DESC LIMIT 8";

  /**
   * Cost per 1,000 samples by team, GPU type and hour: allocation-based, with idle, usage-based.
   */
  public static final String UNIT_COST_BY_HOUR =
      "SELECT FLOOR(window_start TO HOUR) AS hour_start, team, gpu_model,"
          + " ROUND(SUM(cost) / SUM(samples) * 1000, 4) AS usd_per_1k,"
          + " ROUND((SUM(cost) + SUM(idle_share_cost)) / SUM(samples) * 1000, 4) AS with_idle,"
          + " ROUND(SUM(usage_cost) / SUM(samples) * 1000, 4) AS usage_based"
          + " FROM workload_windows WHERE kind = 'workload' AND samples > 0"
          + " GROUP BY FLOOR(window_start TO HOUR), team, gpu_model"
          + " ORDER BY hour_start, team, gpu_model LIMIT 12";

  public static final String CONSERVATION =
      "SELECT COUNT(*) AS node_hours, SUM(price) AS billed_estimate_usd,"
          + " MAX(ABS(allocated + idle - price)) AS max_residual_usd FROM ("
          + " SELECT node, hour_start, MAX(node_hour_cost) AS price,"
          + " SUM(CASE WHEN holder_kind = 'pod' THEN cost ELSE 0 END) AS allocated,"
          + " SUM(CASE WHEN holder_kind = 'idle' THEN cost ELSE 0 END) AS idle"
          + " FROM cost_allocations WHERE node_hour_cost IS NOT NULL"
          + " GROUP BY node, hour_start, version)";

  /**
   * Per hour: the estimate at the end of the hour beside the current (billed once billing came).
   */
  public static final String ESTIMATE_VS_BILLED =
      "SELECT e.hour_start, e.estimate_usd, c.current_usd, c.basis FROM"
          + " (SELECT hour_start, ROUND(SUM(cost), 2) AS estimate_usd FROM cost_allocations"
          + " WHERE version = 0 GROUP BY hour_start) e JOIN"
          + " (SELECT hour_start, ROUND(SUM(cost), 2) AS current_usd,"
          + " LISTAGG(DISTINCT cost_basis) AS basis FROM cost_allocations_current"
          + " GROUP BY hour_start) c ON e.hour_start = c.hour_start ORDER BY e.hour_start";

  public static final String WHO_USED_A_NODE =
      "SELECT hour_start, holder_kind, workload, gpus, ROUND(gpu_seconds / 3600, 2) AS gpu_hours, cost"
          + " FROM cost_allocations_current"
          + " WHERE node = (SELECT MIN(node) FROM cost_allocations)"
          + " ORDER BY hour_start, cost DESC LIMIT 12";

  public static final String ANOMALIES =
      "SELECT alertname, workload, starts_at, ends_at, ROUND(observed, 4) AS observed,"
          + " ROUND(expected_low, 4) AS expected_low, ROUND(expected_high, 4) AS expected_high"
          + " FROM alerts WHERE status = 'firing' ORDER BY starts_at LIMIT 12";

  public static final String ALERTS_BY_RULE =
      "SELECT alertname, severity, COUNT(*) AS fired, MIN(starts_at) AS first_at"
          + " FROM alerts WHERE status = 'firing' GROUP BY alertname, severity ORDER BY fired DESC";

  public static final String ACTIONS =
      "SELECT kind, operation, COALESCE(workload, node, budget_id) AS target,"
          + " ROUND(estimated_monthly_savings, 0) AS usd_per_month, confidence, opened_at"
          + " FROM actions WHERE status = 'open' ORDER BY usd_per_month DESC LIMIT 10";

  /** Owned GPUs: what each workload cost by energy and amortisation, beside the cloud. */
  public static final String OWN_VS_CLOUD =
      "SELECT site, workload, ROUND(SUM(cost), 2) AS owned_usd,"
          + " ROUND(SUM(energy_cost), 2) AS energy_usd,"
          + " ROUND(SUM(cloud_on_demand_cost), 2) AS cloud_on_demand_usd,"
          + " ROUND(SUM(cloud_spot_cost), 2) AS cloud_spot_usd"
          + " FROM workload_windows WHERE kind = 'workload' AND site IS NOT NULL"
          + " GROUP BY site, workload ORDER BY owned_usd DESC";

  /** When each owned site's hardware pays for itself at the observed utilisation. */
  public static final String PAYBACK = "SELECT * FROM site_payback";

  /** Inference: cost per million tokens and per thousand requests, allocation and usage based. */
  public static final String UNIT_COST_INFERENCE =
      "SELECT workload, gpu_model, CAST(SUM(tokens) AS BIGINT) AS tokens,"
          + " CAST(SUM(requests) AS BIGINT) AS requests,"
          + " ROUND(SUM(cost) / SUM(tokens) * 1e6, 4) AS usd_per_1m_tokens,"
          + " ROUND(SUM(usage_cost) / SUM(tokens) * 1e6, 4) AS usage_usd_per_1m_tokens,"
          + " ROUND(SUM(cost) / SUM(requests) * 1e3, 4) AS usd_per_1k_requests"
          + " FROM workload_windows WHERE kind = 'workload' AND tokens > 0"
          + " GROUP BY workload, gpu_model ORDER BY usd_per_1m_tokens DESC LIMIT 8";

  /** Training runs that should stop, and what stopping saves. */
  public static final String TRAINING =
      "SELECT a.alertname, a.workload, a.starts_at, a.description,"
          + " ROUND(x.estimated_monthly_savings, 0) AS usd_per_month"
          + " FROM alerts a LEFT JOIN actions x ON x.workload = a.workload"
          + " AND x.kind IN ('early_stop', 'stop_diverged') AND x.status = 'open'"
          + " WHERE a.status = 'firing' AND a.alertname IN ('TrainingPlateau', 'TrainingDiverged')"
          + " ORDER BY a.starts_at";

  public static final List<String> ALL =
      List.of(
          COST_BY_TEAM,
          IDLE_BY_NODE,
          COST_PER_SAMPLE,
          UNIT_COST_BY_HOUR,
          CONSERVATION,
          ESTIMATE_VS_BILLED,
          WHO_USED_A_NODE,
          ANOMALIES,
          ALERTS_BY_RULE,
          ACTIONS,
          OWN_VS_CLOUD,
          PAYBACK,
          UNIT_COST_INFERENCE,
          TRAINING);
}
