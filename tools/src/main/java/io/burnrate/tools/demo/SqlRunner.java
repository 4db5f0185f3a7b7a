package io.burnrate.tools.demo;

import io.burnrate.connectors.billing.BillingViews;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.jobs.allocation.SharedCost;
import io.burnrate.jobs.onprem.Payback;
import io.burnrate.jobs.onprem.Sites;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs SQL over the Iceberg warehouse with Flink SQL in batch mode, with the Burnrate catalog as
 * the current catalog and {@code burnrate} as the current database, so tables can be named bare.
 */
public final class SqlRunner implements AutoCloseable {
  /** The latest version of every allocation row (the bill once it arrived, else the estimate). */
  public static final String ALLOCATIONS_CURRENT_VIEW = "cost_allocations_current";

  /** The SQL of {@link #ALLOCATIONS_CURRENT_VIEW}; standard SQL that other engines run as well. */
  public static final String ALLOCATIONS_CURRENT =
      "SELECT * FROM ("
          + " SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) AS rn"
          + " FROM cost_allocations) WHERE rn = 1";

  private final TableEnvironment tEnv;
  private final SharedCost.Policy sharedCost;
  private final Sites sites;

  public SqlRunner(CatalogConfig catalog) {
    this(catalog, SharedCost.Policy.WEIGHTED);
  }

  /**
   * @param sharedCost how the view {@code shared_cost_allocation} distributes shared cost
   */
  public SqlRunner(CatalogConfig catalog, SharedCost.Policy sharedCost) {
    this(catalog, sharedCost, Sites.none());
  }

  /**
   * @param sites the owned sites, for the view {@code site_payback} (none: no view)
   */
  public SqlRunner(CatalogConfig catalog, SharedCost.Policy sharedCost, Sites sites) {
    this.sharedCost = sharedCost;
    this.sites = sites;
    Configuration conf = new Configuration();
    conf.setString("parallelism.default", "1");
    conf.setString("rest.bind-address", "127.0.0.1");
    conf.setString("rest.address", "127.0.0.1");
    conf.setString("table.display.max-column-width", "40");
    tEnv =
        TableEnvironment.create(
            EnvironmentSettings.newInstance().inBatchMode().withConfiguration(conf).build());
    // registered as an object, not by CREATE CATALOG: the catalog's credentials (JDBC password,
    // S3 keys) stay out of SQL text and out of Flink's error messages
    tEnv.registerCatalog(catalog.name(), IcebergTables.flinkCatalog(catalog, "burnrate"));
    tEnv.useCatalog(catalog.name());
    tEnv.executeSql("CREATE DATABASE IF NOT EXISTS burnrate");
    tEnv.useDatabase("burnrate");
    currentViews();
  }

  /**
   * The "current" views over append-only history, registered for the session when their tables
   * exist: {@code cost_allocations_current} keeps, of every allocation id, the row with the highest
   * version (the latest reconciliation to the bill, else the estimate); {@code
   * billing_line_items_current} the latest delivery of every (billing account, billing period)
   * (docs/billing.md); {@code shared_cost_allocation} the shared cost of each day by team ({@link
   * SharedCost}).
   */
  private void currentViews() {
    List<String> tables = List.of(tEnv.listTables());
    String payback = Payback.viewSql(sites);
    if (payback != null && tables.contains("workload_windows")) {
      tEnv.executeSql("CREATE TEMPORARY VIEW " + Payback.VIEW + " AS " + payback);
    }
    if (tables.contains("cost_allocations")) {
      tEnv.executeSql(
          "CREATE TEMPORARY VIEW " + ALLOCATIONS_CURRENT_VIEW + " AS " + ALLOCATIONS_CURRENT);
    }
    if (tables.contains("billing_line_items") && tables.contains("billing_deliveries")) {
      tEnv.createTemporarySystemFunction(
          io.burnrate.jobs.reconcile.ResourceKeyFunction.NAME,
          io.burnrate.jobs.reconcile.ResourceKeyFunction.class);
      tEnv.executeSql(
          "CREATE TEMPORARY VIEW " + BillingViews.CURRENT_VIEW + " AS " + BillingViews.CURRENT);
      if (tables.contains("cost_allocations")) {
        tEnv.executeSql(
            "CREATE TEMPORARY VIEW " + SharedCost.VIEW + " AS " + SharedCost.viewSql(sharedCost));
      }
    }
  }

  /** Runs a statement and prints its result as a table. */
  public void print(String sql) {
    TableResult r = tEnv.executeSql(sql);
    r.print();
  }

  /** Runs a statement (an INSERT, DDL) and waits for it to finish. */
  public void execute(String sql) throws Exception {
    tEnv.executeSql(sql).await();
  }

  /** Runs a query and returns its column names and rows. */
  public Result query(String sql) throws Exception {
    TableResult r = tEnv.executeSql(sql);
    List<String> cols = r.getResolvedSchema().getColumnNames();
    List<Row> rows = new ArrayList<>();
    try (CloseableIterator<Row> it = r.collect()) {
      while (it.hasNext()) {
        rows.add(it.next());
      }
    }
    return new Result(cols, rows);
  }

  /** Columns and rows of a query. */
  public record Result(List<String> columns, List<Row> rows) {}

  /**
   * Whether a statement only reads: a query, {@code SHOW}, {@code DESCRIBE}, {@code EXPLAIN},
   * {@code USE}, {@code SET}/{@code RESET} of a session option. {@code INSERT}, DDL ({@code
   * CREATE}, {@code DROP}, {@code ALTER}) and anything else that could change the lake do not.
   * Decided by Flink's own parser, so comments, case and quoting cannot disguise a statement.
   */
  public boolean readsOnly(String sql) {
    List<org.apache.flink.table.operations.Operation> ops =
        ((org.apache.flink.table.api.internal.TableEnvironmentInternal) tEnv)
            .getParser()
            .parse(sql);
    for (org.apache.flink.table.operations.Operation op : ops) {
      boolean reads =
          op instanceof org.apache.flink.table.operations.QueryOperation
              || op instanceof org.apache.flink.table.operations.ShowOperation
              || op instanceof org.apache.flink.table.operations.DescribeTableOperation
              || op instanceof org.apache.flink.table.operations.DescribeCatalogOperation
              || op instanceof org.apache.flink.table.operations.DescribeFunctionOperation
              || op instanceof org.apache.flink.table.operations.ExplainOperation
              || op instanceof org.apache.flink.table.operations.UseOperation
              || op instanceof org.apache.flink.table.operations.command.SetOperation
              || op instanceof org.apache.flink.table.operations.command.ResetOperation;
      if (!reads) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs a query and hands its rows to {@code rows} one by one as they arrive (memory bounded by
   * one row, whatever the row count); returns the column names.
   */
  public List<String> stream(String sql, java.util.function.BiConsumer<List<String>, Row> rows)
      throws Exception {
    TableResult r = tEnv.executeSql(sql);
    List<String> cols = r.getResolvedSchema().getColumnNames();
    try (CloseableIterator<Row> it = r.collect()) {
      while (it.hasNext()) {
        rows.accept(cols, it.next());
      }
    }
    return cols;
  }

  @Override
  public void close() {}
}
