package io.burnrate.tools.cli;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.CatalogOptions;
import io.burnrate.jobs.config.RunConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The catalog options of the commands that read the warehouse ({@code sql}, {@code export-focus}):
 * {@code --warehouse}, {@code --catalog-uri}, {@code --config}, {@code --set}.
 */
final class WarehouseOptions {
  @Option(
      names = "--warehouse",
      description =
          "Warehouse folder (a 'hadoop' catalog), or the data location for --catalog-uri;"
              + " overrides iceberg.warehouse of --config.")
  String warehouse;

  @Option(
      names = "--catalog-uri",
      description =
          "JDBC catalog URI (e.g. jdbc:sqlite:FILE); default: the warehouse is a folder catalog.")
  String catalogUri;

  @Option(
      names = "--config",
      description =
          "The job's YAML configuration: its iceberg.* keys name the catalog (jdbc on"
              + " PostgreSQL, rest, s3:// warehouses; docs/deployment.md).")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "An iceberg.* option over --config, e.g. --set iceberg.catalog-type=rest.")
  List<String> sets = new ArrayList<>();

  /**
   * The catalog of --config and --set, with --warehouse and --catalog-uri over them; null when none
   * names a warehouse.
   *
   * @throws IllegalArgumentException when an option is not valid
   */
  CatalogConfig catalog() {
    org.apache.flink.configuration.Configuration conf = RunConfig.load(config, sets);
    if (warehouse != null) {
      conf.set(BurnrateOptions.ICEBERG_WAREHOUSE, warehouse);
    }
    if (catalogUri != null) {
      conf.set(BurnrateOptions.ICEBERG_URI, catalogUri);
      if (!conf.contains(BurnrateOptions.ICEBERG_CATALOG_TYPE)) {
        conf.set(BurnrateOptions.ICEBERG_CATALOG_TYPE, "jdbc");
      }
    }
    return CatalogOptions.from(conf);
  }

  /** Why the catalog cannot be read, or null: a folder warehouse that is not a folder. */
  static String missingFolder(CatalogConfig catalog) {
    if (catalog.type() == CatalogConfig.Type.HADOOP
        && catalog.warehouse().startsWith("file:")
        && !java.nio.file.Files.isDirectory(Path.of(java.net.URI.create(catalog.warehouse())))) {
      return "warehouse " + catalog.warehouse() + " is not a folder";
    }
    return null;
  }
}
