package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.billing.BillingIngest;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.jobs.allocation.SharedCost;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.SqlRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view {@code shared_cost_allocation} on a real Iceberg warehouse through Flink SQL: a GPU
 * node's billing named by its ARN is node cost, not shared cost; a day on which no team held any
 * cost splits the shared cost evenly instead of giving every team the full amount.
 */
class SharedCostViewITCase {
  @TempDir Path tmp;

  private static final String FOCUS =
      "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
          + "BilledCost,EffectiveCost,ResourceId\n"
          + "111122223333,2026-03-01T00:00:00Z,2026-03-04T10:00:00Z,2026-03-04T11:00:00Z,Usage,"
          + "100,100,arn:aws:ec2:us-east-1:111122223333:instance/i-0a1b2c3d4e5f67890\n"
          + "111122223333,2026-03-01T00:00:00Z,2026-03-04T10:00:00Z,2026-03-04T11:00:00Z,Usage,"
          + "30,30,i-0cpu00000000000001\n"
          + "111122223333,2026-03-01T00:00:00Z,2026-03-04T00:00:00Z,2026-03-05T00:00:00Z,Usage,"
          + "10,10,\n"
          + "111122223333,2026-03-01T00:00:00Z,2026-03-04T00:00:00Z,2026-03-05T00:00:00Z,Credit,"
          + "-5,-5,\n"
          + "111122223333,2026-03-01T00:00:00Z,2026-03-05T00:00:00Z,2026-03-06T00:00:00Z,Usage,"
          + "12,12,\n";

  private static String allocation(String id, String day, String team, String cost) {
    return "('"
        + id
        + "', 'prod', 'gpu-1', 'i-0a1b2c3d4e5f67890', TO_TIMESTAMP_LTZ(UNIX_TIMESTAMP('"
        + day
        + " 10:00:00') * 1000, 3), TO_TIMESTAMP_LTZ(UNIX_TIMESTAMP('"
        + day
        + " 11:00:00') * 1000, 3), 'pod', '"
        + team
        + "', 1, 3600.0, 28800.0, CAST("
        + cost
        + " AS DECIMAL(38, 6)), 'billed', 1)";
  }

  private static Map<String, Double> byDayAndTeam(SqlRunner sql) throws Exception {
    Map<String, Double> out = new HashMap<>();
    for (Row r :
        sql.query("SELECT CAST(usage_day AS STRING), team, shared_cost FROM shared_cost_allocation")
            .rows()) {
      out.merge(
          r.getField(0).toString().substring(0, 10) + " " + r.getField(1),
          ((Number) r.getField(2)).doubleValue(),
          Double::sum);
    }
    return out;
  }

  @Test
  void arnNamedGpuNodeCostIsNotSharedAndADayWithoutTeamCostIsSplitEvenly() throws Exception {
    Path from = Files.createDirectories(tmp.resolve("exports"));
    Files.writeString(from.resolve("focus.csv"), FOCUS);
    CatalogConfig wh = CatalogConfig.hadoop(tmp.resolve("warehouse"));
    new BillingIngest(
            new BillingIngest.Options(
                from.toString(),
                wh,
                BillingIngest.FormatChoice.AUTO,
                null,
                null,
                tmp.resolve("work"),
                null))
        .run();
    IcebergTables.ensureTable(
        wh,
        TableSchemas.COST_ALLOCATIONS,
        TableSchemas.COST_ALLOCATIONS_SCHEMA,
        TableSchemas.COST_ALLOCATIONS_SPEC);
    try (SqlRunner sql = new SqlRunner(wh, SharedCost.Policy.WEIGHTED)) {
      sql.execute(
          "INSERT INTO cost_allocations (id, cluster, node, provider_instance_id, hour_start,"
              + " hour_end, holder_kind, team, gpus, gpu_seconds, node_gpu_seconds, cost,"
              + " cost_basis, version) VALUES "
              + allocation("a", "2026-03-04", "vision", "60")
              + ", "
              + allocation("b", "2026-03-04", "nlp", "0")
              + ", "
              + allocation("c", "2026-03-05", "vision", "0")
              + ", "
              + allocation("d", "2026-03-05", "nlp", "0"));
      Map<String, Double> weighted = byDayAndTeam(sql);
      // 4 March: the CPU node (30) and the support row (10) are shared; the GPU node's 100,
      // named by its ARN, is not; the credit is not shared
      assertThat(weighted.get("2026-03-04 vision")).isEqualTo(40.0);
      assertThat(weighted.get("2026-03-04 nlp")).isEqualTo(0.0);
      // 5 March: no team held any cost: 12 split evenly, never 12 to each
      assertThat(weighted.get("2026-03-05 vision")).isEqualTo(6.0);
      assertThat(weighted.get("2026-03-05 nlp")).isEqualTo(6.0);
    }
    try (SqlRunner sql = new SqlRunner(wh, SharedCost.Policy.NONE)) {
      Map<String, Double> none = byDayAndTeam(sql);
      assertThat(none.get("2026-03-04 (shared)")).isEqualTo(40.0);
    }
  }
}
