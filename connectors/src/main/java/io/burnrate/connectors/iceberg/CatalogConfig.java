package io.burnrate.connectors.iceberg;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Which Iceberg catalog the pipeline writes to. Supported: {@code hadoop} (a folder catalog: the
 * warehouse directory is the catalog) and {@code jdbc} (e.g. SQLite {@code jdbc:sqlite:FILE} or
 * PostgreSQL), with table data under {@code warehouse}. Every engine that reads the tables must use
 * the same catalog name (the JDBC catalog scopes tables by it).
 */
public final class CatalogConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_NAME = "burnrate";

  public enum Type {
    HADOOP,
    JDBC
  }

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

  /** Catalog properties as Iceberg's Flink catalog factory expects them (also for SQL DDL). */
  public Map<String, String> catalogProperties() {
    Map<String, String> p = new HashMap<>(properties);
    p.put("warehouse", warehouse);
    if (type == Type.HADOOP) {
      p.put("catalog-type", "hadoop");
    } else {
      p.put("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
      p.put("uri", uri);
      p.putIfAbsent("jdbc.schema-version", "V1");
    }
    return p;
  }

  /** {@code CREATE CATALOG} statement for Flink SQL over the same tables. */
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
