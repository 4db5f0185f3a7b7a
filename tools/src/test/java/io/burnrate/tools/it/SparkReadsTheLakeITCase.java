package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.connectors.testing.PostgresServer;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.demo.SqlRunner;
import io.burnrate.tools.lake.LakeQueries;
import io.burnrate.tools.simulator.FleetSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, independent SQL engine reads the lake the pipeline wrote and gets the same answers as
 * {@code ./burnrate sql}: the job writes the simulated fleet's history to a JDBC catalog on a real
 * PostgreSQL server; then Spark SQL 4.0 in local mode with Iceberg's Spark runtime, in its own JVM
 * (engines/spark's classpath: its Jackson, Scala and Hadoop would clash with Flink's), opens the
 * same catalog under the same name and runs {@link LakeQueries} and the {@code
 * cost_allocations_current} view's SQL. Runs with {@code -Pspark} (skipped without it).
 */
class SparkReadsTheLakeITCase {
  private static final Instant START = Instant.parse("2026-02-09T06:00:00Z");

  /** What Spark 4 opens on Java 17 (its launcher's module options). */
  private static final List<String> SPARK_JAVA_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;

  @Test
  void sparkSqlGetsTheSameAnswersAsBurnrateSql() throws Exception {
    String classpathFile = System.getProperty("burnrate.spark.classpath");
    Assumptions.assumeTrue(
        classpathFile != null,
        "Spark is not on this build: run with -Pspark (mvn -B verify -Pspark) to read the lake"
            + " with Spark SQL");
    Path classpath = Path.of(classpathFile);
    assertThat(classpath).as("engines/spark's classpath file (built first by -Pspark)").exists();
    PostgresServer.assumeInstalled();

    try (PostgresServer pg = new PostgresServer();
        EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2)) {
      IntegrationEnv.publish(
          kafka,
          new FleetSimulator(
              new FleetSimulator.Config(
                  5, START, Duration.ofMinutes(90), 4, "it", Duration.ofSeconds(15), true)));
      Configuration c = IntegrationEnv.jobSettings(kafka, tmp.resolve("warehouse"), "it-spark");
      c.set(BurnrateOptions.ICEBERG_CATALOG_TYPE, "jdbc");
      c.set(BurnrateOptions.ICEBERG_URI, pg.jdbcUrl());
      c.setString("iceberg.properties.jdbc.user", pg.user());
      c.setString("iceberg.properties.jdbc.password", pg.password());
      JobConfig cfg = JobConfig.from(c);
      IntegrationEnv.runBounded(cfg, "burnrate-it-spark");

      Map<String, List<String>> flink = new TreeMap<>();
      try (SqlRunner sql = new SqlRunner(cfg.iceberg)) {
        for (var q : LakeQueries.QUERIES.entrySet()) {
          flink.put(q.getKey(), LakeQueries.lines(sql.query(q.getValue())));
        }
      }
      assertThat(flink.get("cost by team")).hasSizeGreaterThan(2);
      assertThat(flink.get("current allocations by basis")).isNotEmpty();

      long t0 = System.nanoTime();
      JsonNode answers = spark(classpath, cfg, Files.createDirectories(tmp.resolve("spark")));
      long sparkMillis = (System.nanoTime() - t0) / 1_000_000;
      Map<String, List<String>> spark = new TreeMap<>();
      for (String name : LakeQueries.QUERIES.keySet()) {
        JsonNode a = answers.get(name);
        List<String> columns = new ArrayList<>();
        a.get("columns").forEach(col -> columns.add(col.asText()));
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode r : a.get("rows")) {
          List<Object> values = new ArrayList<>();
          r.forEach(
              v -> values.add(v.isNull() ? null : v.isNumber() ? v.decimalValue() : v.asText()));
          rows.add(values);
        }
        spark.put(name, LakeQueries.lines(columns, rows));
      }
      System.out.printf(
          "Spark SQL: JVM start to answers %d ms (session %d ms); answers %s%n",
          sparkMillis, answers.get("session_millis").asLong(), spark);
      assertThat(spark).isEqualTo(flink);
    }
  }

  /** Runs engines/spark's SparkQueries in a JVM of its own over the catalog of {@code cfg}. */
  private static JsonNode spark(Path classpathFile, JobConfig cfg, Path dir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode request = json.createObjectNode();
    request.put("catalog", cfg.iceberg.name());
    request.put("namespace", "burnrate");
    ObjectNode props = request.putObject("properties");
    cfg.iceberg.catalogProperties().forEach(props::put);
    ObjectNode views = request.putObject("views");
    LakeQueries.VIEWS.forEach(views::put);
    ObjectNode queries = request.putObject("queries");
    LakeQueries.QUERIES.forEach(queries::put);
    // the request holds the catalog's password: readable by its owner only
    Path req = dir.resolve("request.json");
    Files.createFile(
        req, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(req, json.writeValueAsBytes(request));
    Path answers = dir.resolve("answers.json");
    Path log = dir.resolve("spark.log");

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")));
    cmd.addAll(SPARK_JAVA_OPTIONS);
    cmd.add("-cp");
    cmd.add(
        System.getProperty("burnrate.spark.classes")
            + java.io.File.pathSeparator
            + Files.readString(classpathFile).trim());
    cmd.add("io.burnrate.engines.spark.SparkQueries");
    cmd.add(req.toString());
    cmd.add(answers.toString());
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("Spark did not finish in 5 minutes; its log: " + log);
    }
    assertThat(p.exitValue()).as("Spark's exit code; its log: %s", tail(log)).isZero();
    return json.reader()
        .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .readTree(Files.readAllBytes(answers));
  }

  private static String tail(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
