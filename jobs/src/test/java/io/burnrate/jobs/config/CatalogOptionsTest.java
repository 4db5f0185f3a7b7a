package io.burnrate.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.connectors.iceberg.CatalogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogOptionsTest {
  private static final String SECRET = "s3-secret-never-printed-41";

  @TempDir Path dir;

  private static CatalogConfig from(Map<String, String> m) {
    return CatalogOptions.from(Configuration.fromMap(m));
  }

  @Test
  void noWarehouseMeansNoIceberg() {
    assertThat(from(Map.of())).isNull();
    assertThat(from(Map.of("iceberg.catalog-type", "rest"))).isNull();
  }

  @Test
  void aFolderIsAHadoopCatalogByDefault() {
    CatalogConfig c = from(Map.of("iceberg.warehouse", dir.toString()));
    assertThat(c.type()).isEqualTo(CatalogConfig.Type.HADOOP);
    assertThat(c.warehouse()).isEqualTo(dir.toUri().toString());
    assertThat(c.name()).isEqualTo("burnrate");
  }

  @Test
  void postgresqlJdbcCatalogWithCredentialsPassedThrough() {
    CatalogConfig c =
        from(
            Map.of(
                "iceberg.catalog-type", "JDBC",
                "iceberg.uri", "jdbc:postgresql://db.internal:5432/lake",
                "iceberg.warehouse", "/data/lake",
                "iceberg.properties.jdbc.user", "burnrate",
                "iceberg.properties.jdbc.password", SECRET));
    assertThat(c.type()).isEqualTo(CatalogConfig.Type.JDBC);
    assertThat(c.catalogProperties())
        .containsEntry("uri", "jdbc:postgresql://db.internal:5432/lake")
        .containsEntry("jdbc.user", "burnrate")
        .containsEntry("jdbc.password", SECRET)
        .containsEntry("warehouse", "file:///data/lake");
    assertThat(c.toString()).doesNotContain(SECRET);
  }

  @Test
  void aRestCatalogsWarehouseNameIsPassedAsWritten() {
    CatalogConfig c =
        from(
            Map.of(
                "iceberg.catalog-type", "rest",
                "iceberg.uri", "https://polaris.example:8181/api/catalog",
                "iceberg.warehouse", "burnrate"));
    assertThat(c.warehouse()).isEqualTo("burnrate");
    assertThat(from(Map.of("iceberg.warehouse", "burnrate")).warehouse())
        .as("a hadoop catalog's folder is still a file: URI")
        .startsWith("file:/")
        .endsWith("/burnrate");
  }

  @Test
  void restCatalogOnS3MapsTheS3OptionsToS3FileIo() {
    CatalogConfig c =
        from(
            Map.of(
                "iceberg.catalog-type", "rest",
                "iceberg.uri", "http://127.0.0.1:8181",
                "iceberg.warehouse", "s3://lake/burnrate",
                "iceberg.s3.endpoint", "http://127.0.0.1:9000",
                "iceberg.s3.region", "eu-west-1",
                "iceberg.s3.access-key-id", "AKIDEXAMPLE",
                "iceberg.s3.secret-access-key", SECRET));
    assertThat(c.type()).isEqualTo(CatalogConfig.Type.REST);
    assertThat(c.catalogProperties())
        .containsEntry("catalog-impl", "org.apache.iceberg.rest.RESTCatalog")
        .containsEntry("warehouse", "s3://lake/burnrate")
        .containsEntry("io-impl", CatalogConfig.S3_FILE_IO)
        .containsEntry("s3.endpoint", "http://127.0.0.1:9000")
        .containsEntry("s3.path-style-access", "true")
        .containsEntry("client.region", "eu-west-1")
        .containsEntry("s3.access-key-id", "AKIDEXAMPLE")
        .containsEntry("s3.secret-access-key", SECRET);
  }

  @Test
  void onAwsPathStyleIsOffAndCredentialsComeFromTheSdkChain() {
    CatalogConfig c =
        from(
            Map.of(
                "iceberg.catalog-type", "jdbc",
                "iceberg.uri", "jdbc:postgresql://db:5432/lake",
                "iceberg.warehouse", "s3://lake/burnrate"));
    assertThat(c.catalogProperties())
        .containsEntry("io-impl", CatalogConfig.S3_FILE_IO)
        .doesNotContainKeys("s3.endpoint", "s3.path-style-access", "s3.access-key-id");
  }

  @Test
  void problemsNameTheKeyAndNeverTheSecret() {
    assertThatThrownBy(
            () -> from(Map.of("iceberg.warehouse", "/w", "iceberg.catalog-type", "glue")))
        .hasMessage("iceberg.catalog-type: must be 'hadoop', 'jdbc' or 'rest', got 'glue'");
    assertThatThrownBy(
            () ->
                from(
                    Map.of(
                        "iceberg.warehouse", "s3://lake/w",
                        "iceberg.catalog-type", "rest",
                        "iceberg.uri", "127.0.0.1:8181")))
        .hasMessageStartingWith("iceberg.uri: an http:// or https:// URI is required");
    assertThatThrownBy(
            () ->
                from(
                    Map.of(
                        "iceberg.warehouse", "s3://lake/w",
                        "iceberg.catalog-type", "jdbc",
                        "iceberg.uri", "jdbc:sqlite:/tmp/c.db",
                        "iceberg.s3.endpoint", "127.0.0.1:9000")))
        .hasMessageStartingWith("iceberg.s3.endpoint: must be an http:// or https:// URL");
    assertThatThrownBy(() -> from(Map.of("iceberg.warehouse", "s3://lake/w")))
        .hasMessageStartingWith("iceberg.warehouse: s3://lake/w is on S3");
    assertThatThrownBy(
            () ->
                from(
                    Map.of(
                        "iceberg.warehouse", "s3://lake/w",
                        "iceberg.catalog-type", "rest",
                        "iceberg.uri", "http://127.0.0.1:8181",
                        "iceberg.s3.secret-access-key", SECRET)))
        .hasMessageStartingWith(
            "iceberg.s3.access-key-id, iceberg.s3.secret-access-key: set both or neither")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void theRunModeAcceptsCatalogPropertiesResolvesSecretsAndRedactsThem() throws Exception {
    Path yaml = dir.resolve("burnrate.yaml");
    Files.writeString(
        yaml,
        "kafka:\n"
            + "  bootstrap-servers: 127.0.0.1:9092\n"
            + "iceberg:\n"
            + "  catalog-type: jdbc\n"
            + "  uri: jdbc:postgresql://127.0.0.1:5432/lake\n"
            + "  warehouse: s3://lake/burnrate\n"
            + "  s3:\n"
            + "    endpoint: http://127.0.0.1:9000\n"
            + "    access-key-id: AKIDEXAMPLE\n"
            + "    secret-access-key: ${env:LAKE_S3_SECRET}\n"
            + "  properties:\n"
            + "    jdbc.user: burnrate\n"
            + "    jdbc.password: ${env:LAKE_PG_PASSWORD}\n");
    Map<String, String> env = Map.of("LAKE_S3_SECRET", SECRET, "LAKE_PG_PASSWORD", "pg-pass-93");
    Configuration conf = RunConfig.load(yaml, List.of(), env::get);
    JobConfig job = JobConfig.from(conf);
    assertThat(job.iceberg.catalogProperties())
        .containsEntry("s3.secret-access-key", SECRET)
        .containsEntry("jdbc.password", "pg-pass-93")
        .containsEntry("jdbc.user", "burnrate");
    assertThat(RunConfig.summary(conf))
        .doesNotContain(SECRET)
        .doesNotContain("pg-pass-93")
        .doesNotContain("AKIDEXAMPLE")
        .contains("iceberg.properties.jdbc.user: burnrate");
  }
}
