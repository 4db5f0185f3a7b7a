package io.burnrate.connectors.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogConfigTest {
  @TempDir Path dir;

  @Test
  void hadoopFactory() {
    CatalogConfig c = CatalogConfig.hadoop(dir);
    assertThat(c.name()).isEqualTo(CatalogConfig.DEFAULT_NAME).isEqualTo("burnrate");
    assertThat(c.type()).isEqualTo(CatalogConfig.Type.HADOOP);
    assertThat(c.warehouse())
        .startsWith("file:")
        .isEqualTo(dir.toAbsolutePath().toUri().toString());
    assertThat(c.uri()).isNull();
    assertThat(c.catalogProperties())
        .containsEntry("catalog-type", "hadoop")
        .containsEntry("warehouse", c.warehouse())
        .doesNotContainKeys("uri", "catalog-impl");
    assertThat(c.toString()).contains("hadoop").contains(c.warehouse());
  }

  @Test
  void sqliteFactory() {
    CatalogConfig c = CatalogConfig.sqlite(dir);
    assertThat(c.name()).isEqualTo("burnrate");
    assertThat(c.type()).isEqualTo(CatalogConfig.Type.JDBC);
    assertThat(c.uri()).isEqualTo("jdbc:sqlite:" + dir.toAbsolutePath().resolve("catalog.db"));
    assertThat(c.warehouse()).isEqualTo(dir.toAbsolutePath().toUri().toString());
    assertThat(c.catalogProperties())
        .containsEntry("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog")
        .containsEntry("uri", c.uri())
        .containsEntry("warehouse", c.warehouse())
        .containsEntry("jdbc.schema-version", "V1")
        .doesNotContainKey("catalog-type");
  }

  @Test
  void jdbcSchemaVersionCanBeOverridden() {
    CatalogConfig c =
        new CatalogConfig(
            "lake",
            CatalogConfig.Type.JDBC,
            "/data/lake",
            "jdbc:postgresql://127.0.0.1:5432/iceberg",
            Map.of("jdbc.schema-version", "V0", "jdbc.user", "iceberg"));
    assertThat(c.catalogProperties())
        .containsEntry("jdbc.schema-version", "V0")
        .containsEntry("jdbc.user", "iceberg");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "postgresql://127.0.0.1/iceberg", "sqlite:/tmp/x.db"})
  void jdbcWithoutAJdbcUriFailsNamingTheKey(String uri) {
    assertThatThrownBy(
            () -> new CatalogConfig("burnrate", CatalogConfig.Type.JDBC, "/w", uri, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("iceberg.uri");
  }

  @Test
  void blankNameOrWarehouseFailNamingTheKey() {
    assertThatThrownBy(
            () -> new CatalogConfig(" ", CatalogConfig.Type.HADOOP, "/w", null, Map.of()))
        .hasMessageContaining("iceberg.catalog-name");
    assertThatThrownBy(
            () -> new CatalogConfig("burnrate", CatalogConfig.Type.HADOOP, "", null, Map.of()))
        .hasMessageContaining("iceberg.warehouse");
  }

  @Test
  void createCatalogSqlQuotesValues() {
    CatalogConfig c =
        new CatalogConfig(
            "burnrate",
            CatalogConfig.Type.JDBC,
            "/data/o'brien",
            "jdbc:postgresql://127.0.0.1:5432/iceberg",
            Map.of("jdbc.password", "it's'secret"));
    String sql = c.createCatalogSql();
    assertThat(sql)
        .startsWith("CREATE CATALOG `burnrate` WITH (")
        .endsWith(")")
        .contains("'type'='iceberg'")
        .contains("'warehouse'='/data/o''brien'")
        .contains("'jdbc.password'='it''s''secret'")
        .contains("'uri'='jdbc:postgresql://127.0.0.1:5432/iceberg'")
        .contains("'catalog-impl'='org.apache.iceberg.jdbc.JdbcCatalog'");
    // every quote is paired: no value escapes its literal
    String inner = sql.substring(sql.indexOf('(') + 1, sql.length() - 1).replace("''", "");
    assertThat(inner.chars().filter(ch -> ch == '\'').count() % 2).isZero();
  }

  @Test
  void createCatalogSqlForHadoop() {
    String sql = CatalogConfig.hadoop(dir).createCatalogSql();
    assertThat(sql)
        .contains("'type'='iceberg'")
        .contains("'catalog-type'='hadoop'")
        .contains("'warehouse'='" + dir.toAbsolutePath().toUri() + "'");
  }

  @Test
  void isSerializable() throws Exception {
    CatalogConfig c = CatalogConfig.sqlite(dir);
    CatalogConfig back = InstantiationUtil.clone(c, CatalogConfigTest.class.getClassLoader());
    assertThat(back.catalogProperties()).isEqualTo(c.catalogProperties());
    assertThat(back.type()).isEqualTo(CatalogConfig.Type.JDBC);
  }

  @Test
  void restCatalogWithAnS3WarehouseUsesS3FileIo() {
    CatalogConfig c =
        new CatalogConfig(
            "burnrate",
            CatalogConfig.Type.REST,
            "s3://lake/warehouse",
            "https://catalog.example.com/api",
            Map.of("s3.endpoint", "http://127.0.0.1:9000", "s3.path-style-access", "true"));
    assertThat(c.catalogProperties())
        .containsEntry("catalog-impl", "org.apache.iceberg.rest.RESTCatalog")
        .containsEntry("uri", "https://catalog.example.com/api")
        .containsEntry("warehouse", "s3://lake/warehouse")
        .containsEntry("io-impl", CatalogConfig.S3_FILE_IO)
        .containsEntry("s3.endpoint", "http://127.0.0.1:9000")
        .doesNotContainKey("jdbc.schema-version");
  }

  @Test
  void jdbcCatalogWithAnS3WarehouseUsesS3FileIoUnlessOverridden() {
    String pg = "jdbc:postgresql://127.0.0.1:5432/iceberg";
    assertThat(
            new CatalogConfig("burnrate", CatalogConfig.Type.JDBC, "s3a://lake/w", pg, Map.of())
                .catalogProperties())
        .containsEntry("io-impl", CatalogConfig.S3_FILE_IO);
    assertThat(
            new CatalogConfig(
                    "burnrate",
                    CatalogConfig.Type.JDBC,
                    "s3://lake/w",
                    pg,
                    Map.of("io-impl", "org.apache.iceberg.io.ResolvingFileIO"))
                .catalogProperties())
        .containsEntry("io-impl", "org.apache.iceberg.io.ResolvingFileIO");
    assertThat(CatalogConfig.sqlite(dir).catalogProperties()).doesNotContainKey("io-impl");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "jdbc:sqlite:/tmp/x.db", "127.0.0.1:8181"})
  void restWithoutAnHttpUriFailsNamingTheKey(String uri) {
    assertThatThrownBy(
            () ->
                new CatalogConfig(
                    "burnrate", CatalogConfig.Type.REST, "s3://lake/w", uri, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("iceberg.uri: an http:// or https:// URI is required");
  }

  @Test
  void aFolderCatalogOnS3FailsNamingTheKey() {
    assertThatThrownBy(
            () ->
                new CatalogConfig(
                    "burnrate", CatalogConfig.Type.HADOOP, "s3://lake/w", null, Map.of()))
        .hasMessageStartingWith("iceberg.warehouse: s3://lake/w is on S3")
        .hasMessageContaining("jdbc or rest");
  }

  @Test
  void toStringNeverPrintsProperties() {
    CatalogConfig c =
        new CatalogConfig(
            "burnrate",
            CatalogConfig.Type.JDBC,
            "s3://lake/w",
            "jdbc:postgresql://127.0.0.1:5432/iceberg",
            Map.of("jdbc.password", "pg-pass-77", "s3.secret-access-key", "s3-secret-88"));
    assertThat(c.toString()).doesNotContain("pg-pass-77").doesNotContain("s3-secret-88");
    assertThat(IcebergTables.catalogLoader(c).toString())
        .doesNotContain("pg-pass-77")
        .doesNotContain("s3-secret-88");
  }
}
