package io.burnrate.tools.lake;

import io.burnrate.tools.demo.SqlRunner;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Row;

/**
 * Questions asked of the warehouse by every engine in the lake tests, in SQL that Flink SQL ({@code
 * ./burnrate sql}) and Spark SQL both run unchanged (tables named bare in the {@code burnrate}
 * namespace; no floating-point sums, whose last digits depend on the order of addition: DOUBLE
 * amounts are cast to DECIMAL first). Answers compare as sorted lines of {@code column=value}
 * (numbers without trailing zeros), so that neither row order nor a DECIMAL's scale makes a
 * difference.
 */
public final class LakeQueries {
  private LakeQueries() {}

  /**
   * A window's cost (a DOUBLE column) to the micro-dollar, so that sums are exact and the same in
   * every engine.
   */
  public static final String MICRO_USD = "CAST(cost AS DECIMAL(18, 6))";

  /** Name → SQL; the views they use are {@link #VIEWS}. */
  public static final Map<String, String> QUERIES =
      Map.of(
          "cost by team",
          "SELECT team, SUM("
              + MICRO_USD
              + ") AS usd, COUNT(*) AS windows"
              + " FROM workload_windows WHERE kind = 'workload' GROUP BY team",
          "windows by kind",
          "SELECT kind, COUNT(*) AS windows FROM workload_windows GROUP BY kind",
          "fleet total to the cent",
          "SELECT ROUND(SUM("
              + MICRO_USD
              + "), 2) AS usd, COUNT(*) AS windows FROM workload_windows",
          "current allocations by basis",
          "SELECT cost_basis, COUNT(*) AS allocations, SUM(cost) AS usd"
              + " FROM cost_allocations_current GROUP BY cost_basis",
          "conservation by node-hour",
          "SELECT COUNT(*) AS node_hours FROM (SELECT node, hour_start, version,"
              + " MAX(node_hour_cost) - SUM(cost) AS residual FROM cost_allocations"
              + " GROUP BY node, hour_start, version) WHERE ABS(residual) > 0.000001",
          "alerts by rule",
          "SELECT alertname, status, COUNT(*) AS alerts FROM alerts GROUP BY alertname, status");

  /** Views the queries use, as {@code ./burnrate sql} defines them: name → SQL. */
  public static final Map<String, String> VIEWS =
      Map.of(SqlRunner.ALLOCATIONS_CURRENT_VIEW, SqlRunner.ALLOCATIONS_CURRENT);

  /** One answer as sorted lines, from Flink rows. */
  public static List<String> lines(SqlRunner.Result r) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : r.rows()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.getArity(); i++) {
        values.add(row.getField(i));
      }
      rows.add(values);
    }
    return lines(r.columns(), rows);
  }

  /** One answer as sorted lines of {@code column=value ...}. */
  public static List<String> lines(List<String> columns, List<List<Object>> rows) {
    List<String> out = new ArrayList<>();
    for (List<Object> row : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) {
        b.append(i == 0 ? "" : " ").append(columns.get(i)).append('=').append(value(row.get(i)));
      }
      out.add(b.toString());
    }
    out.sort(null);
    return out;
  }

  /** A value as every engine's answer prints it: numbers plain without trailing zeros. */
  public static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
      return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    }
    return v.toString();
  }
}
