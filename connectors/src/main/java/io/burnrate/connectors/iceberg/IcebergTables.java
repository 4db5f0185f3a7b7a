package io.burnrate.connectors.iceberg;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkCatalog;
import org.apache.iceberg.flink.TableLoader;

/**
 * The one place that builds Iceberg catalogs from a {@link CatalogConfig}: for the job's sinks
 * ({@link #tableLoader}), for Flink SQL ({@link #flinkCatalog}) and for plain Iceberg access
 * ({@link #catalogLoader}); creates Burnrate's tables on first use.
 *
 * <pre>{@code
 * CatalogConfig config = ...; // e.g. io.burnrate.jobs.config.CatalogOptions.from(flinkConfiguration)
 * Catalog catalog = IcebergTables.catalogLoader(config).loadCatalog();
 * }</pre>
 */
public final class IcebergTables {
  private IcebergTables() {}

  /**
   * A serialisable loader of the configured catalog. JDBC and REST catalogs are loaded as custom
   * catalogs: their loader prints only name and class, never the properties (which may hold
   * passwords and S3 keys).
   */
  public static CatalogLoader catalogLoader(CatalogConfig config) {
    Configuration hadoop = new Configuration();
    Map<String, String> props = config.catalogProperties();
    return switch (config.type()) {
      case HADOOP -> CatalogLoader.hadoop(config.name(), hadoop, props);
      case JDBC, REST ->
          CatalogLoader.custom(config.name(), props, hadoop, props.get("catalog-impl"));
    };
  }

  /**
   * The catalog for Flink SQL ({@code tEnv.registerCatalog(config.name(), ...)}), registered
   * without a {@code CREATE CATALOG} statement, whose options would appear in Flink's error
   * messages and would carry the catalog's secrets there. No table cache: queries see the latest
   * snapshot.
   */
  public static org.apache.flink.table.catalog.Catalog flinkCatalog(
      CatalogConfig config, String defaultDatabase) {
    return new FlinkCatalog(
        config.name(),
        defaultDatabase,
        Namespace.empty(),
        catalogLoader(config),
        config.catalogProperties(),
        false,
        -1);
  }

  /**
   * Creates the namespace and table if they do not exist yet. Returns nothing: a table loaded here
   * would be bound to this catalog, which is closed on return (a JDBC catalog's table then fails on
   * first use with "Cannot get a client from a closed pool"); use {@link #tableLoader} or {@link
   * #catalogLoader} to work with the table.
   */
  public static void ensureTable(
      CatalogConfig config, TableIdentifier id, Schema schema, PartitionSpec spec) {
    Catalog catalog = catalogLoader(config).loadCatalog();
    try {
      if (catalog instanceof SupportsNamespaces ns && !ns.namespaceExists(id.namespace())) {
        try {
          ns.createNamespace(id.namespace());
        } catch (AlreadyExistsException raced) {
          // another writer created it
        }
      }
      if (catalog.tableExists(id)) {
        // a warehouse written by an earlier version: add the columns this version writes (Iceberg
        // schema evolution by name; existing columns and data files are untouched)
        org.apache.iceberg.Table t = catalog.loadTable(id);
        if (!t.schema().sameSchema(schema)) {
          t.updateSchema().unionByNameWith(schema).commit();
        }
        return;
      }
      try {
        catalog.createTable(
            id,
            schema,
            spec,
            Map.of(
                TableProperties.FORMAT_VERSION, "2",
                TableProperties.DEFAULT_FILE_FORMAT, "parquet",
                TableProperties.PARQUET_COMPRESSION, "zstd",
                TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
                TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "50"));
      } catch (AlreadyExistsException raced) {
        // another writer created it
      }
    } finally {
      if (catalog instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing a catalog client is best effort
        }
      }
    }
  }

  public static TableLoader tableLoader(CatalogConfig config, TableIdentifier id) {
    return TableLoader.fromCatalog(catalogLoader(config), id);
  }
}
