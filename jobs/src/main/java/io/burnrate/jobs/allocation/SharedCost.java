package io.burnrate.jobs.allocation;

import java.util.Locale;

/**
 * Shared costs and how they are distributed, the way the OpenCost specification describes it:
 * billed usage that no GPU node-hour accounts for (rows without a {@code ResourceId} such as
 * support and account-level charges, and resources that are not allocated GPU nodes: CPU nodes, the
 * control plane, storage, network) is shared, day by day, over the teams that ran GPU workloads
 * that day. Credits, refunds, adjustments, tax and purchases are not shared (they are reported as
 * themselves in {@code billing_line_items}).
 *
 * <p>Billing rows meet allocations on {@code resource_key(ResourceId) =
 * resource_key(provider_instance_id)} ({@link io.burnrate.jobs.reconcile.ResourceKeyFunction}, the
 * reconciliation's own key), so that an ARN, a GCP resource name or an Azure id in another case is
 * still the GPU node it names: its cost is node cost (allocated, or reported as unallocated by
 * reconciliation), never redistributed as shared cost.
 *
 * <p>The distribution is a SQL view over the current billing delivery and the current allocations,
 * so it always reflects the latest restatement. Per day, the rows of the view add up to the day's
 * shared cost (a day with shared cost but no team goes to {@code (unallocated)}).
 */
public final class SharedCost {
  private SharedCost() {}

  /** How shared cost is distributed over teams. */
  public enum Policy {
    /** In proportion to each team's allocated GPU cost that day. */
    WEIGHTED,
    /** Equally over the teams that ran that day. */
    EVEN,
    /** Not distributed: one row per day, team {@code (shared)}. */
    NONE;

    public static Policy parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "shared cost policy must be weighted, even or none, got '" + s + "'", e);
      }
    }
  }

  public static final String VIEW = "shared_cost_allocation";

  /** The view's query for a policy: columns {@code usage_day, team, policy, shared_cost}. */
  public static String viewSql(Policy policy) {
    String shared =
        "SELECT FLOOR(b.ChargePeriodStart TO DAY) AS usage_day,"
            + " SUM(CAST(COALESCE(b.EffectiveCost, b.BilledCost) AS DOUBLE)) AS amount"
            + " FROM billing_line_items_current b"
            + " WHERE b.ChargeCategory = 'Usage' AND (b.ResourceId IS NULL"
            + " OR resource_key(b.ResourceId) IS NULL OR resource_key(b.ResourceId) NOT IN"
            + " (SELECT DISTINCT resource_key(provider_instance_id) FROM cost_allocations"
            + " WHERE provider_instance_id IS NOT NULL))"
            + " GROUP BY FLOOR(b.ChargePeriodStart TO DAY)";
    if (policy == Policy.NONE) {
      return "SELECT s.usage_day, '(shared)' AS team, 'none' AS policy, s.amount AS shared_cost"
          + " FROM ("
          + shared
          + ") s";
    }
    String teams =
        "SELECT FLOOR(hour_start TO DAY) AS usage_day, COALESCE(team, '(no team)') AS team,"
            + " SUM(CAST(cost AS DOUBLE)) AS team_cost FROM cost_allocations_current"
            + " WHERE holder_kind = 'pod' AND cost IS NOT NULL"
            + " GROUP BY FLOOR(hour_start TO DAY), COALESCE(team, '(no team)')";
    String share =
        policy == Policy.WEIGHTED
            ? "s.amount * t.team_cost / tt.total"
            : "s.amount / CAST(tt.n AS DOUBLE)";
    return "SELECT s.usage_day, COALESCE(t.team, '(unallocated)') AS team, '"
        + policy.name().toLowerCase(Locale.ROOT)
        + "' AS policy,"
        // a day whose teams held no cost at all is split evenly (never the full amount to each)
        + " CASE WHEN t.team IS NULL THEN s.amount"
        + (policy == Policy.WEIGHTED
            ? " WHEN tt.total = 0 THEN s.amount / CAST(tt.n AS DOUBLE)"
            : "")
        + " ELSE "
        + share
        + " END AS shared_cost FROM ("
        + shared
        + ") s LEFT JOIN ("
        + teams
        + ") t ON s.usage_day = t.usage_day LEFT JOIN (SELECT usage_day, SUM(team_cost) AS total, COUNT(*) AS n FROM ("
        + teams
        + ") GROUP BY usage_day) tt ON s.usage_day = tt.usage_day";
  }
}
