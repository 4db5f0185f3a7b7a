package io.burnrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.tools.demo.SqlRunner;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate ingest-billing} and {@code ./burnrate sql} together: an AWS CUR 2.0 month
 * delivered three times (each refresh restating the month with other totals, once into a new file
 * beside the stale one, once over it) leaves exactly the last delivery's totals in {@code
 * billing_line_items_current}, queried with Flink SQL; the slice of another account, delivered
 * once, stays current; every delivery stays in {@code billing_line_items}.
 */
class IngestBillingITCase {
  private static final String ACCOUNT = "111122223333";
  private static final String DATA = "exports/gpu-cur/data/BILLING_PERIOD=2026-03/";
  private static final String META = "exports/gpu-cur/metadata/BILLING_PERIOD=2026-03/";

  @TempDir Path tmp;

  /** A CUR 2.0 CSV of {@code n} hourly usage rows costing {@code cost} each, plus one credit. */
  private static String curMonth(int n, String cost) {
    StringBuilder sb =
        new StringBuilder(
            "bill_payer_account_id,bill_billing_period_start_date,line_item_line_item_type,"
                + "line_item_usage_start_date,line_item_usage_end_date,line_item_unblended_cost,"
                + "savings_plan_savings_plan_effective_cost,pricing_term,line_item_resource_id\n");
    Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      boolean covered = i % 2 == 1;
      sb.append(ACCOUNT)
          .append(",2026-03-01 00:00:00,")
          .append(covered ? "SavingsPlanCoveredUsage," : "Usage,")
          .append(t0.plusSeconds(3600L * i))
          .append(',')
          .append(t0.plusSeconds(3600L * (i + 1)))
          .append(',')
          .append(cost)
          .append(',')
          .append(covered ? "1.0" : "")
          .append(",OnDemand,i-0gpu")
          .append(i % 3)
          .append('\n');
    }
    sb.append(ACCOUNT)
        .append(",2026-03-01 00:00:00,Credit,2026-03-01T00:00:00Z,2026-04-01T00:00:00Z,-10,,,\n");
    return sb.toString();
  }

  private void deliver(Path root, String execution, String file, String csv) throws Exception {
    Files.createDirectories(root.resolve(DATA));
    Files.createDirectories(root.resolve(META));
    Files.writeString(root.resolve(DATA + file), csv, StandardCharsets.UTF_8);
    Files.writeString(
        root.resolve(META + "gpu-cur-Manifest.json"),
        "{\"executionId\":\""
            + execution
            + "\",\"exportName\":\"gpu-cur\",\"billingPeriod\":\"2026-03\",\"dataFiles\":[\""
            + DATA
            + file
            + "\"]}");
  }

  private int ingest(Path root, Path warehouse) {
    return CliRun.ingestBilling(root, warehouse, tmp.resolve("work")).code();
  }

  @Test
  void theLatestDeliveryOfEachSliceIsCurrent() throws Exception {
    Path root = tmp.resolve("billing");
    Path warehouse = tmp.resolve("warehouse");

    // delivery 1: 10 rows at 2.50 (5 Savings Plan covered, effective 1.0) and a credit of -10,
    // plus a FOCUS file of another account for the same month
    deliver(root, "exec-1", "gpu-cur-00001.csv", curMonth(10, "2.50"));
    Files.createDirectories(root.resolve("focus"));
    Files.writeString(
        root.resolve("focus/other-account-2026-03.csv"),
        "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,BilledCost,"
            + "EffectiveCost,ChargeCategory\n"
            + "acme-azure,2026-03-01,2026-03-02T00:00:00Z,2026-03-02T01:00:00Z,7.25,6.5,Usage\n"
            + "acme-azure,2026-03-01,2026-03-02 01:00:00,2026-03-02 02:00:00,7.25,6.5,usage\n");
    assertThat(ingest(root, warehouse)).isZero();

    // delivery 2 ("create new file"): 12 rows at 3.00 in a new file; the stale file stays
    deliver(root, "exec-2", "gpu-cur-00001-r2.csv", curMonth(12, "3.00"));
    assertThat(ingest(root, warehouse)).isZero();

    // delivery 3 (overwrite): 8 rows at 4.00 over the first file's name
    deliver(root, "exec-3", "gpu-cur-00001.csv", curMonth(8, "4.00"));
    assertThat(ingest(root, warehouse)).isZero();
    // a rerun finds nothing new
    assertThat(ingest(root, warehouse)).isZero();

    try (SqlRunner sql = new SqlRunner(CatalogConfig.hadoop(warehouse))) {
      Map<String, Object[]> current = new HashMap<>();
      for (Row r :
          sql.query(
                  "SELECT x_BillingAccountSlice, COUNT(*), SUM(BilledCost), SUM(EffectiveCost),"
                      + " MAX(x_DeliveryId) FROM billing_line_items_current"
                      + " GROUP BY x_BillingAccountSlice")
              .rows()) {
        current.put(
            (String) r.getField(0),
            new Object[] {r.getField(1), r.getField(2), r.getField(3), r.getField(4)});
      }
      assertThat(current).containsOnlyKeys(ACCOUNT + "/2026-03", "acme-azure/2026-03");
      Object[] cur = current.get(ACCOUNT + "/2026-03");
      assertThat(cur[0]).isEqualTo(9L);
      // 8 x 4.00 - 10 billed; effective: 4 on demand x 4.00 + 4 covered x 1.0 - 10
      assertThat((BigDecimal) cur[1]).isEqualByComparingTo("22");
      assertThat((BigDecimal) cur[2]).isEqualByComparingTo("10");
      assertThat(cur[3]).isEqualTo("gpu-cur/2026-03/exec-3");
      Object[] other = current.get("acme-azure/2026-03");
      assertThat(other[0]).isEqualTo(2L);
      assertThat((BigDecimal) other[1]).isEqualByComparingTo("14.5");
      assertThat((BigDecimal) other[2]).isEqualByComparingTo("13");

      List<Row> all =
          sql.query(
                  "SELECT x_DeliveryId, COUNT(*) FROM billing_line_items"
                      + " GROUP BY x_DeliveryId ORDER BY x_DeliveryId")
              .rows();
      assertThat(all).hasSize(4);
      assertThat(all.stream().mapToLong(r -> (Long) r.getField(1)).sum())
          .as("every delivery is kept: 11 + 2 + 13 + 9")
          .isEqualTo(35);
      List<Row> deliveries =
          sql.query("SELECT delivery_id, object_count FROM billing_deliveries").rows();
      assertThat(deliveries).as("one marker per delivery and slice; reruns add none").hasSize(4);
    }
  }
}
