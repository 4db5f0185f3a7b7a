package io.burnrate.jobs.onprem;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * When owned hardware pays for itself: the site's purchase price divided by what it saves per hour
 * at the observed utilisation (the cloud on-demand cost of the GPU time it served, minus its energy
 * cost), counted from the purchase date. Amortisation is not a saving's cost here: it is the price
 * being paid back. Also as SQL ({@link #viewSql}) over {@code workload_windows}.
 */
public final class Payback {
  private Payback() {}

  public static final String VIEW = "site_payback";

  /**
   * The payback instant (epoch ms), or -1 when the site saves nothing (it never pays back).
   *
   * @param hardware total purchase price of the site's nodes
   * @param cloudPerHour cloud on-demand cost of the GPU time served, per hour observed
   * @param energyPerHour energy cost of the site, per hour observed
   */
  public static long paybackAt(
      double hardware, long purchasedAt, double cloudPerHour, double energyPerHour) {
    double savingPerHour = cloudPerHour - energyPerHour;
    if (!(savingPerHour > 0)) {
      return -1;
    }
    return purchasedAt + Math.round(hardware / savingPerHour * 3_600_000.0);
  }

  /**
   * A view with one row per configured site: hours observed, nodes, energy and cloud-equivalent
   * cost per hour, the hardware price and the payback date. Empty when no site is configured.
   */
  public static String viewSql(Sites sites) {
    Map<String, Site> all = new TreeMap<>(sites.all());
    if (all.isEmpty()) {
      return null;
    }
    StringBuilder values = new StringBuilder();
    for (Site s : all.values()) {
      if (values.length() > 0) {
        values.append(", ");
      }
      values.append(
          String.format(
              Locale.ROOT,
              "('%s', CAST(%s AS DOUBLE), CAST(%d AS BIGINT), '%s')",
              s.name().replace("'", "''"),
              Double.toString(s.nodePrice()),
              s.purchasedAt(),
              s.currency()));
    }
    String observed =
        "SELECT site, COUNT(DISTINCT node) AS nodes,"
            + " TIMESTAMPDIFF(SECOND, MIN(window_start), MAX(window_end)) / 3600.0 AS hours,"
            + " SUM(COALESCE(energy_cost, 0)) AS energy,"
            + " SUM(COALESCE(cloud_on_demand_cost, 0)) AS cloud"
            + " FROM workload_windows WHERE site IS NOT NULL GROUP BY site";
    return "SELECT s.site, s.currency, o.nodes, ROUND(o.hours, 2) AS hours_observed,"
        + " ROUND(o.energy / o.hours, 4) AS energy_per_hour,"
        + " ROUND(o.cloud / o.hours, 4) AS cloud_on_demand_per_hour,"
        + " s.node_price * o.nodes AS hardware,"
        + " CASE WHEN o.cloud > o.energy THEN TO_TIMESTAMP_LTZ(s.purchased_ms"
        + " + CAST(s.node_price * o.nodes / ((o.cloud - o.energy) / o.hours) * 3600000 AS BIGINT),"
        + " 3) END AS payback_at"
        + " FROM (VALUES "
        + values
        + ") AS s(site, node_price, purchased_ms, currency) JOIN ("
        + observed
        + ") o ON s.site = o.site";
  }
}
