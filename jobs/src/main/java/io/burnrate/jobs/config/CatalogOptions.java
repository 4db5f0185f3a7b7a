package io.burnrate.jobs.config;

import io.burnrate.connectors.iceberg.CatalogConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * The Iceberg catalog of a configuration: the one factory that every Burnrate entry point uses (the
 * analytics job, {@code ./burnrate sql}, and any job that reads or maintains the warehouse), so
 * that they all reach the same tables the same way.
 *
 * <pre>{@code
 * Configuration conf = RunConfig.load(Path.of("burnrate.yaml"), List.of());
 * CatalogConfig catalog = CatalogOptions.from(conf); // null: no iceberg.warehouse, no Iceberg
 * Catalog iceberg = IcebergTables.catalogLoader(catalog).loadCatalog();
 * }</pre>
 *
 * <p>Keys: {@code iceberg.catalog-type} ({@code hadoop}, {@code jdbc}, {@code rest}), {@code
 * iceberg.warehouse} (a folder, {@code file:} URI or {@code s3://bucket/prefix}), {@code
 * iceberg.uri}, {@code iceberg.catalog-name}, {@code iceberg.s3.*} (endpoint, path-style access,
 * region, credentials) and {@code iceberg.properties.*}, passed to the Iceberg catalog unchanged
 * (for example {@code iceberg.properties.jdbc.user}, {@code iceberg.properties.jdbc.password},
 * {@code iceberg.properties.credential} for a REST catalog's OAuth2 client credentials). Problems
 * are reported naming the key, never the value of a secret.
 */
public final class CatalogOptions {
  /** Keys under this prefix are Iceberg catalog properties, passed unchanged. */
  public static final String PROPERTIES_PREFIX = "iceberg.properties.";

  private CatalogOptions() {}

  /**
   * The validated catalog, or null when {@code iceberg.warehouse} is not set.
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public static CatalogConfig from(Configuration c) {
    String warehouse = c.get(BurnrateOptions.ICEBERG_WAREHOUSE);
    if (warehouse == null || warehouse.isBlank()) {
      return null;
    }
    CatalogConfig.Type t =
        JobConfig.choice(c, BurnrateOptions.ICEBERG_CATALOG_TYPE, CatalogConfig.Type.class);
    // a REST catalog's warehouse is the server's business (a location, or a warehouse's name in
    // Polaris or Lakekeeper): passed as written; others: a folder becomes a file: URI
    String wh =
        t == CatalogConfig.Type.REST || warehouse.contains("://") || warehouse.startsWith("file:")
            ? warehouse
            : Path.of(warehouse).toAbsolutePath().toUri().toString();
    Map<String, String> props = new HashMap<>();
    for (Map.Entry<String, String> e : c.toMap().entrySet()) {
      if (e.getKey().startsWith(PROPERTIES_PREFIX)) {
        props.put(e.getKey().substring(PROPERTIES_PREFIX.length()), e.getValue());
      }
    }
    String endpoint = c.get(BurnrateOptions.ICEBERG_S3_ENDPOINT);
    if (endpoint != null) {
      if (!(endpoint.startsWith("http://") || endpoint.startsWith("https://"))) {
        throw new IllegalArgumentException(
            BurnrateOptions.ICEBERG_S3_ENDPOINT.key()
                + ": must be an http:// or https:// URL, got '"
                + endpoint
                + "'");
      }
      props.put("s3.endpoint", endpoint);
    }
    Boolean pathStyle = c.get(BurnrateOptions.ICEBERG_S3_PATH_STYLE);
    if (pathStyle != null || endpoint != null) {
      props.put("s3.path-style-access", Boolean.toString(pathStyle != null ? pathStyle : true));
    }
    String region = c.get(BurnrateOptions.ICEBERG_S3_REGION);
    if (region != null && !region.isBlank()) {
      props.put("client.region", region.trim());
    }
    String keyId = c.get(BurnrateOptions.ICEBERG_S3_ACCESS_KEY_ID);
    String secret = c.get(BurnrateOptions.ICEBERG_S3_SECRET_ACCESS_KEY);
    if ((keyId == null) != (secret == null)) {
      throw new IllegalArgumentException(
          BurnrateOptions.ICEBERG_S3_ACCESS_KEY_ID.key()
              + ", "
              + BurnrateOptions.ICEBERG_S3_SECRET_ACCESS_KEY.key()
              + ": set both or neither (neither: the AWS SDK's default credentials chain)");
    }
    if (keyId != null) {
      props.put("s3.access-key-id", keyId);
      props.put("s3.secret-access-key", secret);
    }
    return new CatalogConfig(
        c.get(BurnrateOptions.ICEBERG_CATALOG_NAME),
        t,
        wh,
        c.get(BurnrateOptions.ICEBERG_URI),
        props);
  }
}
