package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.testing.PostgresServer;
import io.burnrate.connectors.testing.RestCatalogServer;
import io.burnrate.connectors.testing.S3ProxyServer;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.demo.SqlRunner;
import io.burnrate.tools.lake.LakeQueries;
import io.burnrate.tools.simulator.FleetSimulator;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The job writes its lake where users keep it, configured by the job's own options and read back by
 * {@code ./burnrate sql} ({@link SqlRunner}) with the same answers as the job's Kafka output: (a) a
 * JDBC catalog on a real PostgreSQL server with a local warehouse, (b) an Iceberg REST catalog with
 * the warehouse on S3 (S3Proxy on loopback) through Iceberg's S3FileIO. The simulated fleet goes
 * through the in-process Kafka broker and the MiniCluster; credentials (PostgreSQL password, S3
 * secret key) reach the clients and appear in no log line.
 */
class LakeCatalogsITCase {
  private static final Instant START = Instant.parse("2026-02-02T08:00:00Z");

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;

  private final StringWriter log = new StringWriter();
  private WriterAppender appender;
  private final Map<String, Level> saved = new HashMap<>();
  private final List<String> added = new ArrayList<>();

  @BeforeAll
  static void fleet() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    FleetSimulator sim =
        new FleetSimulator(
            new FleetSimulator.Config(
                11, START, Duration.ofMinutes(90), 4, "it", Duration.ofSeconds(15), true));
    IntegrationEnv.publish(kafka, sim);
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * Everything the clients log at INFO, to check that no credential appears in it (the console
   * still shows only warnings and errors).
   */
  @BeforeEach
  void captureLogs() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    org.apache.logging.log4j.core.config.Configuration conf = ctx.getConfiguration();
    appender =
        WriterAppender.createAppender(
            PatternLayout.newBuilder().withPattern("%p %c %m%n").build(),
            null,
            log,
            "lake-capture",
            false,
            true);
    appender.start();
    Appender console = conf.getAppender("console");
    for (String name : CAPTURED) {
      LoggerConfig lc = conf.getLoggers().get(name);
      if (lc == null) {
        lc = new LoggerConfig(name, conf.getRootLogger().getLevel(), true);
        conf.addLogger(name, lc);
        added.add(name);
      }
      saved.put(name, lc.getLevel());
      if (console != null) {
        lc.addAppender(console, lc.getLevel(), null); // the console as before
      }
      lc.addAppender(appender, Level.INFO, null);
      lc.setLevel(Level.INFO);
      lc.setAdditive(false);
    }
    ctx.updateLoggers();
  }

  @AfterEach
  void releaseLogs() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    org.apache.logging.log4j.core.config.Configuration conf = ctx.getConfiguration();
    saved.forEach(
        (name, level) -> {
          LoggerConfig lc = conf.getLoggers().get(name);
          lc.removeAppender("lake-capture");
          lc.removeAppender("console");
          lc.setLevel(level);
          lc.setAdditive(true);
        });
    added.forEach(conf::removeLogger);
    ctx.updateLoggers();
    appender.stop();
  }

  /** The loggers whose INFO lines are captured; the ones log4j2-test.properties silences. */
  private static final List<String> CAPTURED =
      List.of(
          "org.apache.iceberg",
          "org.apache.flink",
          "org.apache.hadoop",
          "io.burnrate",
          "software.amazon",
          "org.postgresql",
          "org.eclipse.jetty");

  private record Run(JobConfig cfg, Map<TopicPartition, Long> from) {}

  /** Runs the job over the fleet's topics into the catalog of {@code catalog}'s options. */
  private static Run run(String group, Configuration catalog) throws Exception {
    Map<TopicPartition, Long> from =
        Landed.endOffsets(kafka, List.of(Topics.COST_WINDOWS, Topics.COST_ALLOCATIONS));
    Configuration c = IntegrationEnv.jobSettings(kafka, tmp.resolve(group), group);
    c.addAll(catalog);
    JobConfig cfg = JobConfig.from(c);
    IntegrationEnv.runBounded(cfg, "burnrate-it-" + group);
    return new Run(cfg, from);
  }

  @Test
  void jdbcCatalogOnPostgresql() throws Exception {
    PostgresServer.assumeInstalled();
    try (PostgresServer pg = new PostgresServer()) {
      Configuration c = new Configuration();
      c.set(BurnrateOptions.ICEBERG_CATALOG_TYPE, "jdbc");
      c.set(BurnrateOptions.ICEBERG_URI, pg.jdbcUrl());
      c.set(BurnrateOptions.ICEBERG_WAREHOUSE, tmp.resolve("pg-warehouse").toString());
      c.setString("iceberg.properties.jdbc.user", pg.user());
      c.setString("iceberg.properties.jdbc.password", pg.password());
      Run run = run("lake-pg", c);

      assertSqlAnswersMatchKafka(run);
      // the catalog lives in PostgreSQL, scoped by the catalog name
      List<String> tables = new ArrayList<>();
      try (Connection db = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
          ResultSet rs =
              db.createStatement()
                  .executeQuery(
                      "SELECT table_name FROM iceberg_tables WHERE catalog_name = 'burnrate'"
                          + " AND table_namespace = 'burnrate'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertThat(tables).contains("workload_windows", "cost_allocations", "alerts");

      // ./burnrate sql with the job's YAML (the password from a file reference) answers the same
      Path secret = tmp.resolve("pg-password");
      Files.writeString(secret, pg.password() + "\n");
      Path yaml = tmp.resolve("burnrate.yaml");
      Files.writeString(
          yaml,
          "kafka.bootstrap-servers: 127.0.0.1:9\n"
              + "iceberg:\n"
              + "  catalog-type: jdbc\n"
              + "  uri: "
              + pg.jdbcUrl()
              + "\n  warehouse: "
              + tmp.resolve("pg-warehouse")
              + "\n  properties:\n"
              + "    jdbc.user: "
              + pg.user()
              + "\n    jdbc.password: \"${file:"
              + secret
              + "}\"\n");
      String query = LakeQueries.QUERIES.get("windows by kind");
      List<String> cli = new ArrayList<>();
      for (String line : cli("sql", "--config", yaml.toString(), "--json", query).split("\n")) {
        JsonNode row = IntegrationEnv.MAPPER.readTree(line);
        cli.add("kind=" + row.get("kind").asText() + " windows=" + row.get("windows").asLong());
      }
      try (SqlRunner sql = new SqlRunner(run.cfg().iceberg)) {
        assertThat(cli).containsExactlyInAnyOrderElementsOf(LakeQueries.lines(sql.query(query)));
      }
      assertThat(log.toString()).contains("org.apache.iceberg").doesNotContain(pg.password());
    }
  }

  @Test
  void restCatalogWithTheWarehouseOnS3() throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer(Files.createDirectories(tmp.resolve("s3")));
        S3Client client = s3.settings().client()) {
      client.createBucket(b -> b.bucket("lake"));
      String warehouse = "s3://lake/burnrate";
      try (RestCatalogServer rest =
          RestCatalogServer.overSqlite(
              tmp.resolve("rest-catalog.db"), warehouse, s3.icebergProperties())) {
        Configuration c = new Configuration();
        c.set(BurnrateOptions.ICEBERG_CATALOG_TYPE, "rest");
        c.set(BurnrateOptions.ICEBERG_URI, rest.uri());
        c.set(BurnrateOptions.ICEBERG_WAREHOUSE, warehouse);
        c.set(BurnrateOptions.ICEBERG_S3_ENDPOINT, s3.endpoint());
        c.set(BurnrateOptions.ICEBERG_S3_REGION, "us-east-1");
        c.set(BurnrateOptions.ICEBERG_S3_ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY);
        c.set(BurnrateOptions.ICEBERG_S3_SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        Run run = run("lake-rest", c);
        assertThat(run.cfg().iceberg.type()).isEqualTo(CatalogConfig.Type.REST);

        assertSqlAnswersMatchKafka(run);
      }
      // the data files went to the bucket through S3FileIO, none to the local disk
      List<String> keys =
          client
              .listObjectsV2Paginator(b -> b.bucket("lake").prefix("burnrate/"))
              .contents()
              .stream()
              .map(o -> o.key())
              .toList();
      assertThat(keys)
          .anyMatch(k -> k.matches("burnrate/burnrate/workload_windows/data/.*\\.parquet"))
          .anyMatch(k -> k.matches("burnrate/burnrate/cost_allocations/metadata/.*\\.json"));
      try (var files = Files.walk(tmp)) {
        assertThat(
                files
                    .filter(f -> f.toString().endsWith(".parquet"))
                    .filter(
                        f ->
                            !f.startsWith(tmp.resolve("s3"))
                                && !f.startsWith(tmp.resolve("pg-warehouse")))
                    .toList())
            .as("data files outside the S3 store's own folder")
            .isEmpty();
      }
      assertThat(log.toString())
          .contains("org.apache.iceberg")
          .doesNotContain(S3ProxyServer.SECRET_KEY);
    }
  }

  /**
   * {@code ./burnrate sql} over the catalog answers what the job published to Kafka in the same
   * run: windows per kind, cost per team and the fleet's total to the micro-dollar, and the current
   * allocations; and every shared query runs.
   */
  private static void assertSqlAnswersMatchKafka(Run run) throws Exception {
    List<JsonNode> windows = Landed.committed(kafka, Topics.COST_WINDOWS, run.from());
    List<JsonNode> allocations = Landed.committed(kafka, Topics.COST_ALLOCATIONS, run.from());
    assertThat(windows).hasSizeGreaterThan(300);

    Map<String, Long> kinds = new TreeMap<>();
    Map<String, BigDecimal> teams = new TreeMap<>();
    BigDecimal total = BigDecimal.ZERO;
    for (JsonNode w : windows) {
      kinds.merge(w.get("kind").asText(), 1L, Long::sum);
      BigDecimal cost = micro(w.get("cost"));
      total = total.add(cost);
      if (w.get("kind").asText().equals("workload")) {
        teams.merge(Objects.toString(text(w.get("team"))), cost, BigDecimal::add);
      }
    }
    Map<String, BigDecimal> current = new HashMap<>();
    Map<String, Long> versions = new HashMap<>();
    for (JsonNode a : allocations) {
      String id = a.get("id").asText();
      long v = a.get("version").asLong();
      if (versions.getOrDefault(id, -1L) < v) {
        versions.put(id, v);
        current.put(id, Landed.money(a.get("cost")));
      }
    }
    BigDecimal allocated = current.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);

    try (SqlRunner sql = new SqlRunner(run.cfg().iceberg)) {
      Map<String, Long> sqlKinds = new TreeMap<>();
      for (var row : sql.query(LakeQueries.QUERIES.get("windows by kind")).rows()) {
        sqlKinds.put((String) row.getField(0), ((Number) row.getField(1)).longValue());
      }
      assertThat(sqlKinds).isEqualTo(kinds);

      Map<String, BigDecimal> sqlTeams = new TreeMap<>();
      for (var row : sql.query(LakeQueries.QUERIES.get("cost by team")).rows()) {
        sqlTeams.put(Objects.toString(row.getField(0)), (BigDecimal) row.getField(1));
      }
      assertThat(sqlTeams).containsOnlyKeys(teams.keySet());
      teams.forEach((team, usd) -> assertThat(sqlTeams.get(team)).isEqualByComparingTo(usd));

      var totalRow = sql.query(LakeQueries.QUERIES.get("fleet total to the cent")).rows().get(0);
      assertThat((BigDecimal) totalRow.getField(0))
          .isEqualByComparingTo(total.setScale(2, RoundingMode.HALF_UP));

      BigDecimal sqlAllocated = BigDecimal.ZERO;
      long sqlCurrent = 0;
      for (var row : sql.query(LakeQueries.QUERIES.get("current allocations by basis")).rows()) {
        sqlCurrent += ((Number) row.getField(1)).longValue();
        sqlAllocated = sqlAllocated.add((BigDecimal) row.getField(2));
      }
      assertThat(sqlCurrent).isEqualTo(current.size());
      assertThat(sqlAllocated).isEqualByComparingTo(allocated);

      var residuals = sql.query(LakeQueries.QUERIES.get("conservation by node-hour")).rows();
      assertThat(((Number) residuals.get(0).getField(0)).longValue()).isZero();
      assertThat(sql.query(LakeQueries.QUERIES.get("alerts by rule")).rows()).isNotEmpty();
    }
  }

  /** What {@code ./burnrate ARGS} prints on standard output; fails unless it exits with 0. */
  private static String cli(String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    int code;
    try {
      System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
      code = new picocli.CommandLine(new io.burnrate.tools.cli.BurnrateCli()).execute(args);
    } finally {
      System.setOut(stdout);
    }
    assertThat(code).as("exit code of ./burnrate %s", args[0]).isZero();
    return out.toString(StandardCharsets.UTF_8).trim();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  /** A cost as the lake queries cast it: to the micro-dollar, half up; null (unpriced) is 0. */
  private static BigDecimal micro(JsonNode n) {
    return Landed.money(n).setScale(6, RoundingMode.HALF_UP);
  }
}
