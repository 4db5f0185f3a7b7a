package io.burnrate.connectors.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.iceberg.TableSchemas;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link IcebergTables#ensureTable} against a folder catalog and a JDBC catalog on SQLite. */
class IcebergTablesTest {
  @TempDir Path dir;

  static Stream<Arguments> catalogs() {
    return Stream.of(
        Arguments.of(Named.of("hadoop", (Function<Path, CatalogConfig>) CatalogConfig::hadoop)),
        Arguments.of(Named.of("sqlite", (Function<Path, CatalogConfig>) CatalogConfig::sqlite)));
  }

  private static void ensureBoth(CatalogConfig c) {
    IcebergTables.ensureTable(
        c,
        TableSchemas.WORKLOAD_WINDOWS,
        TableSchemas.WORKLOAD_WINDOWS_SCHEMA,
        TableSchemas.WORKLOAD_WINDOWS_SPEC);
    IcebergTables.ensureTable(
        c,
        TableSchemas.COST_ALLOCATIONS,
        TableSchemas.COST_ALLOCATIONS_SCHEMA,
        TableSchemas.COST_ALLOCATIONS_SPEC);
  }

  private static void assertTable(
      Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
    Table t = catalog.loadTable(id);
    assertThat(t.schema().sameSchema(schema)).as("%s schema:%n%s", id, t.schema()).isTrue();
    assertThat(t.schema().asStruct()).isEqualTo(schema.asStruct());
    assertThat(partitioning(t.spec())).isEqualTo(partitioning(spec)).hasSize(2);
    assertThat(t.spec().isUnpartitioned()).isFalse();
    assertThat(((HasTableOperations) t).operations().current().formatVersion()).isEqualTo(2);
    assertThat(t.properties())
        .containsEntry("write.format.default", "parquet")
        .containsEntry("write.parquet.compression-codec", "zstd");
    assertThat(t.currentSnapshot()).as("no data yet").isNull();
  }

  private static List<String> partitioning(PartitionSpec spec) {
    return spec.fields().stream()
        .map(
            (PartitionField f) ->
                spec.schema().findColumnName(f.sourceId()) + ":" + f.transform() + ":" + f.name())
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogs")
  void createsNamespaceAndBothTables(Function<Path, CatalogConfig> factory) throws Exception {
    CatalogConfig config = factory.apply(dir);
    ensureBoth(config);

    Catalog catalog = IcebergTables.catalogLoader(config).loadCatalog();
    try {
      assertThat(catalog.name()).isEqualTo("burnrate");
      assertThat(((SupportsNamespaces) catalog).namespaceExists(Namespace.of("burnrate"))).isTrue();
      assertThat(catalog.listTables(TableSchemas.NAMESPACE))
          .containsExactlyInAnyOrder(TableSchemas.WORKLOAD_WINDOWS, TableSchemas.COST_ALLOCATIONS);
      assertTable(
          catalog,
          TableSchemas.WORKLOAD_WINDOWS,
          TableSchemas.WORKLOAD_WINDOWS_SCHEMA,
          TableSchemas.WORKLOAD_WINDOWS_SPEC);
      assertTable(
          catalog,
          TableSchemas.COST_ALLOCATIONS,
          TableSchemas.COST_ALLOCATIONS_SCHEMA,
          TableSchemas.COST_ALLOCATIONS_SPEC);
      assertThat(partitioning(catalog.loadTable(TableSchemas.COST_ALLOCATIONS).spec()))
          .containsExactly("hour_start:day:hour_start_day", "cluster:identity:cluster");
    } finally {
      if (catalog instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  private static Table load(CatalogConfig config, TableIdentifier id) throws Exception {
    Catalog catalog = IcebergTables.catalogLoader(config).loadCatalog();
    try {
      Table t = catalog.loadTable(id);
      t.uuid(); // read the metadata while the catalog is open
      return t;
    } finally {
      if (catalog instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogs")
  void ensureTableIsIdempotent(Function<Path, CatalogConfig> factory) throws Exception {
    CatalogConfig config = factory.apply(dir);
    ensureBoth(config);
    Table first = load(config, TableSchemas.WORKLOAD_WINDOWS);
    ensureBoth(config);
    ensureBoth(config);
    Table again = load(config, TableSchemas.WORKLOAD_WINDOWS);
    assertThat(again.uuid()).isEqualTo(first.uuid());
    assertThat(again.location()).isEqualTo(first.location());
    assertThat(again.schema().sameSchema(TableSchemas.WORKLOAD_WINDOWS_SCHEMA)).isTrue();

    Catalog catalog = IcebergTables.catalogLoader(config).loadCatalog();
    try {
      assertThat(((SupportsNamespaces) catalog).listNamespaces())
          .containsExactly(TableSchemas.NAMESPACE);
      assertThat(catalog.listTables(TableSchemas.NAMESPACE)).hasSize(2);
      assertThat(catalog.loadTable(TableSchemas.WORKLOAD_WINDOWS).history())
          .as("no commits from a second ensureTable")
          .isEmpty();
    } finally {
      if (catalog instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogs")
  void tableLoaderOpensTheSameTable(Function<Path, CatalogConfig> factory) throws Exception {
    CatalogConfig config = factory.apply(dir);
    IcebergTables.ensureTable(
        config,
        TableSchemas.COST_ALLOCATIONS,
        TableSchemas.COST_ALLOCATIONS_SCHEMA,
        TableSchemas.COST_ALLOCATIONS_SPEC);
    java.util.UUID uuid = load(config, TableSchemas.COST_ALLOCATIONS).uuid();
    try (var loader = IcebergTables.tableLoader(config, TableSchemas.COST_ALLOCATIONS)) {
      loader.open();
      Table t = loader.loadTable();
      assertThat(t.uuid()).isEqualTo(uuid);
      // the loader keeps its catalog open: the table refreshes
      t.refresh();
      assertThat(t.currentSnapshot()).isNull();
    }
  }
}
