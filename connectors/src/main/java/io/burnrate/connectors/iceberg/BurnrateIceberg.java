package io.burnrate.connectors.iceberg;

import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * Appends a stream to an Iceberg table exactly once: data files are committed by the checkpoint
 * that covers them (Iceberg's v2 {@link IcebergSink}). The table is created on first use.
 *
 * <p>One writer per table, so that its pre-commit aggregator and its committer (both of parallelism
 * 1) run chained in one task. That task then has state (the committer's), and Flink hands a
 * restored task its checkpoint id: with iceberg-flink 1.11 a stateless aggregator task is restored
 * without it, numbers the batch it emits at the end of input "checkpoint 1", and the committer
 * drops that batch as already committed (docs/fault-tolerance.md;
 * IcebergEndOfInputAfterRestoreITCase). The lake path carries one row per workload-minute, which
 * one writer handles easily, and one writer also writes fewer, larger files.
 *
 * <pre>{@code
 * BurnrateIceberg.append(lineItems, BillingRowData::of, catalog,
 *     TableSchemas.BILLING_LINE_ITEMS, TableSchemas.BILLING_LINE_ITEMS_SCHEMA,
 *     TableSchemas.BILLING_LINE_ITEMS_SPEC, "iceberg-billing-line-items");
 * }</pre>
 */
public final class BurnrateIceberg {
  private BurnrateIceberg() {}

  public static <T> DataStreamSink<RowData> append(
      DataStream<T> stream,
      MapFunction<T, RowData> mapper,
      CatalogConfig catalog,
      TableIdentifier table,
      Schema schema,
      PartitionSpec spec,
      String uidSuffix) {
    IcebergTables.ensureTable(catalog, table, schema, spec);
    var rowType = InternalTypeInfo.of(FlinkSchemaUtil.convert(schema));
    DataStream<RowData> rows =
        stream.map(mapper, rowType).uid(uidSuffix + "-rows").name("rows for " + table.name());
    return append(rows, catalog, table, uidSuffix, null);
  }

  /**
   * Appends rows already in the table's shape, with Iceberg's table maintenance after the commits
   * when {@code maintenance} is not null.
   */
  public static DataStreamSink<RowData> append(
      DataStream<RowData> rows,
      CatalogConfig catalog,
      TableIdentifier table,
      String uidSuffix,
      LakeMaintenance maintenance) {
    IcebergSink.Builder builder =
        IcebergSink.forRowData(rows)
            .tableLoader(IcebergTables.tableLoader(catalog, table))
            .uidSuffix(uidSuffix)
            .setAll(Map.of("write-format", "parquet"));
    if (maintenance != null) {
      builder = maintenance.applyTo(builder);
    }
    return rows.sinkTo(RestoredCheckpointIdSink.of(builder, uidSuffix))
        .uid(uidSuffix)
        .name(uidSuffix)
        .setParallelism(rows.getParallelism());
  }
}
