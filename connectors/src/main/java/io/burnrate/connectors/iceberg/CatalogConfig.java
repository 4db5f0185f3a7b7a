package io.burnrate.connectors.iceberg;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Which Iceberg catalog the pipeline writes to. Supported: {@code hadoop} (a folder catalog: the
 * warehouse directory is the catalog), {@code jdbc} (SQLite {@code jdbc:sqlite:FILE} or PostgreSQL
 * {@code jdbc:postgresql://HOST:PORT/DB}) and {@code rest} (an Iceberg REST catalog at {@code
 * http(s)://...}), with table data under {@code warehouse}: a folder, or {@code s3://bucket/prefix}
 * read and written by Iceberg's {@code S3FileIO} (AWS SDK v2). Every engine that reads the tables
 * must use the same catalog name (the JDBC catalog scopes tables by it).
 *
 * <p>{@code properties} are Iceberg catalog properties passed unchanged ({@code jdbc.user}, {@code
 * jdbc.password}, {@code s3.endpoint}, {@code credential}, ...); they may hold secrets and are
 * never printed by {@link #toString}.
 */
public final class CatalogConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_NAME = "burnrate";

  public enum Type {
    HADOOP,
    JDBC,
    REST
  }

  /** Iceberg's file IO for S3 (AWS SDK v2), used for {@code s3://} warehouses. */
  public static final String S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO";

  private final String name;
  private final Type type;
  private final String warehouse;
  private final String uri;
  private final HashMap<String, String> properties;

  public CatalogConfig(
      String name, Type type, String warehouse, String uri, Map<String, String> properties) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("iceberg.catalog-name: must be set");
    }
    if (warehouse == null || warehouse.isBlank()) {
      throw new IllegalArgumentException("iceberg.warehouse: must be set (a folder or URI)");
    }
    if (type == Type.JDBC && (uri == null || !uri.startsWith("jdbc:"))) {
      throw new IllegalArgumentException(
          "iceberg.uri: a jdbc: URI is required for catalog type jdbc, got '" + uri + "'");
    }
    if (type == Type.REST
        && (uri == null || !(uri.startsWith("http://") || uri.startsWith("https://")))) {
      throw new IllegalArgumentException(
          "iceberg.uri: an http:// or https:// URI is required for catalog type rest, got '"
              + uri
              + "'");
    }
    if (type == Type.HADOOP && isS3(warehouse)) {
      throw new IllegalArgumentException(
          "iceberg.warehouse: "
              + warehouse
              + " is on S3, which a 'hadoop' folder catalog cannot use (it needs atomic renames):"
              + " use catalog type jdbc or rest");
    }
    this.name = name;
    this.type = type;
    this.warehouse = warehouse;
    this.uri = uri;
    this.properties = new HashMap<>(properties);
  }

  /** A folder catalog in {@code dir}. */
  public static CatalogConfig hadoop(Path dir) {
    return new CatalogConfig(
        DEFAULT_NAME, Type.HADOOP, dir.toAbsolutePath().toUri().toString(), null, Map.of());
  }

  /** A JDBC catalog on SQLite in {@code dir/catalog.db}, data in {@code dir}. */
  public static CatalogConfig sqlite(Path dir) {
    Path db = dir.toAbsolutePath().resolve("catalog.db");
    return new CatalogConfig(
        DEFAULT_NAME,
        Type.JDBC,
        dir.toAbsolutePath().toUri().toString(),
        "jdbc:sqlite:" + db,
        Map.of());
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  public String warehouse() {
    return warehouse;
  }

  public String uri() {
    return uri;
  }

  /** Whether {@code location} is on S3 ({@code s3://}, {@code s3a://}, {@code s3n://}). */
  public static boolean isS3(String location) {
    return location != null && location.matches("(?i)s3[an]?://.*");
  }

  /**
   * Catalog properties as Iceberg's Flink catalog factory expects them (also for SQL DDL and for
   * other engines, e.g. Spark's {@code spark.sql.catalog.<name>.*}). May hold secrets: never log.
   */
  public Map<String, String> catalogProperties() {
    Map<String, String> p = new HashMap<>(properties);
    p.put("warehouse", warehouse);
    switch (type) {
      case HADOOP -> p.put("catalog-type", "hadoop");
      case JDBC -> {
        p.put("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
        p.put("uri", uri);
        p.putIfAbsent("jdbc.schema-version", "V1");
      }
      case REST -> {
        p.put("catalog-impl", "org.apache.iceberg.rest.RESTCatalog");
        p.put("uri", uri);
      }
    }
    if (isS3(warehouse)) {
      p.putIfAbsent("io-impl", S3_FILE_IO);
    }
    return p;
  }

  /**
   * {@code CREATE CATALOG} statement for Flink SQL over the same tables. It holds every property,
   * secrets included: for a catalog with credentials prefer {@link IcebergTables#flinkCatalog},
   * which keeps them out of SQL text and error messages.
   */
  public String createCatalogSql() {
    StringBuilder sb = new StringBuilder("CREATE CATALOG `").append(name).append("` WITH (");
    sb.append("'type'='iceberg'");
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(catalogProperties()).entrySet()) {
      sb.append(", '")
          .append(e.getKey().replace("'", "''"))
          .append("'='")
          .append(e.getValue().replace("'", "''"))
          .append("'");
    }
    return sb.append(")").toString();
  }

  @Override
  public String toString() {
    return name
        + " ("
        + type.name().toLowerCase()
        + ", warehouse "
        + warehouse
        + (uri != null ? ", " + uri : "")
        + ")";
  }
}
