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
 * <pre>{@code
 * BurnrateIceberg.append(windows, RowMappers::window, catalog,
 *     TableSchemas.WORKLOAD_WINDOWS, TableSchemas.WORKLOAD_WINDOWS_SCHEMA,
 *     TableSchemas.WORKLOAD_WINDOWS_SPEC, "workload-windows");
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
    return IcebergSink.builderFor(
            stream, mapper, InternalTypeInfo.of(FlinkSchemaUtil.convert(schema)))
        .tableLoader(IcebergTables.tableLoader(catalog, table))
        .uidSuffix(uidSuffix)
        .setAll(Map.of("write-format", "parquet"))
        .append();
  }
}
