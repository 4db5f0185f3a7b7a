package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.lake.Landings;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.jobs.pipeline.HistoryJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two speeds (docs/deployment.md): the analytics job publishes to Kafka on short checkpoints
 * while the history job ({@code job.mode: history}) lands the output topics in Iceberg on its own
 * checkpoint interval, with Iceberg's table maintenance (compaction and snapshot expiry every 2
 * commits keeping 3 snapshots, orphan clean-up) running in it. Both run at once on one MiniCluster,
 * as in production. The analytics job here runs in {@code all} mode, so that it also writes its own
 * copy of every table: the history job's tables must hold exactly the same rows, column for column
 * (no row lost, none twice, nothing changed by the JSON round trip or by compaction), in fewer data
 * files, with the rewrites and the expiry visible in the table's snapshots.
 */
class TwoSpeedITCase {
  private static final Instant START = Instant.parse("2026-04-06T06:00:00Z");
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final List<TableIdentifier> TABLES =
      List.of(
          TableSchemas.WORKLOAD_WINDOWS,
          TableSchemas.COST_ALLOCATIONS,
          TableSchemas.ALERTS,
          TableSchemas.ACTIONS,
          TableSchemas.BUDGET_STATUS);

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static CatalogConfig direct;
  static CatalogConfig history;
  static Map<String, Double> seconds = new LinkedHashMap<>();

  @BeforeAll
  static void run() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    IntegrationEnv.publish(
        kafka,
        new FleetSimulator(
            new FleetSimulator.Config(
                21, START, Duration.ofMinutes(180), 5, "it", Duration.ofSeconds(10), true)));
    Path whDirect = tmp.resolve("warehouse-direct");
    Path whHistory = tmp.resolve("warehouse-history");
    direct = CatalogConfig.hadoop(whDirect);
    history = CatalogConfig.hadoop(whHistory);

    Configuration cluster = new Configuration();
    try (ClusterRun flink = new ClusterRun(1, 4, 1, cluster)) {
      // the history job, unbounded, maintenance on; its checkpoints here are short so that the
      // maintenance schedule (every 2 commits) comes round several times within the test
      Configuration h = IntegrationEnv.jobSettings(kafka, whHistory, "it-history");
      h.set(BurnrateOptions.JOB_MODE, "history");
      h.set(BurnrateOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(300));
      h.set(BurnrateOptions.LAKE_COMPACT_EVERY_COMMITS, 2);
      h.set(BurnrateOptions.LAKE_COMPACT_MIN_FILES, 2);
      h.set(BurnrateOptions.LAKE_MAINTENANCE_MIN_INTERVAL, Duration.ofSeconds(1));
      h.set(BurnrateOptions.LAKE_SNAPSHOTS_RETAIN_LAST, 3);
      h.set(BurnrateOptions.LAKE_SNAPSHOT_MAX_AGE, Duration.ZERO);
      JobConfig historyCfg = JobConfig.from(h);
      StreamExecutionEnvironment historyEnv = flink.env(0);
      HistoryJob.addTo(historyEnv, historyCfg, false);
      JobClient historyJob = historyEnv.executeAsync("burnrate-history");

      // the fast speed: the analytics job (all mode: also its own copy of the tables), 500 ms
      long t0 = System.nanoTime();
      StreamExecutionEnvironment analyticsEnv = flink.env(0);
      analyticsEnv.setParallelism(2);
      BurnrateJob.addTo(
          analyticsEnv, IntegrationEnv.jobConfig(kafka, whDirect, "it-analytics"), true);
      analyticsEnv.execute("burnrate-analytics");
      seconds.put("analytics job (bounded)", (System.nanoTime() - t0) / 1e9);

      // the history job catches up with every committed output, then stops (no drain needed)
      long t1 = System.nanoTime();
      // (its consumer commits the offset after its last record, short of the transaction
      // marker that ends a topic written exactly once: so compare rows with committed records)
      awaitLanded();
      // maintenance runs after the commits that trigger it (at most every second here): let the
      // last one finish before the job stops, however fast the landing went on this machine
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (files(history, TableSchemas.WORKLOAD_WINDOWS).rewritesEver() == 0
          && System.nanoTime() < until) {
        Thread.sleep(1000);
      }
      try {
        historyJob
            .stopWithSavepoint(
                false, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        // the stop failed: show why the job failed, not only that it did
        historyJob.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        throw e;
      }
      historyJob.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      seconds.put("history job: caught up and stopped", (System.nanoTime() - t1) / 1e9);
    }
    print();
  }

  /** Waits until every history table holds as many rows as its topic has committed records. */
  private static void awaitLanded() throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String missing = "";
    while (System.nanoTime() < deadline) {
      missing = "";
      for (Landings.Landing l : Landings.ALL) {
        int records = Landed.committed(kafka, l.topic(), Map.of()).size();
        int rows = IntegrationEnv.readTable(history, l.table()).size();
        if (rows != records) {
          missing += " " + l.table().name() + " " + rows + "/" + records;
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      Thread.sleep(2000);
    }
    List<String> unfit = new ArrayList<>();
    for (var n : Landed.committed(kafka, Topics.DLQ, Map.of())) {
      unfit.add(n.path("source_topic").asText() + ": " + n.path("detail").asText());
    }
    throw new AssertionError(
        "the history job did not land every record within "
            + WAIT
            + ":"
            + missing
            + "; dead letters: "
            + unfit.stream().distinct().limit(10).toList());
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * Figures of one table: over every snapshot it ever had (from the metadata log, so expired
   * snapshots count too) and as it is now.
   */
  record Figures(
      int commitsEver, long filesAddedEver, int rewritesEver, int snapshotsNow, int liveFiles) {}

  static Figures files(CatalogConfig warehouse, TableIdentifier id) throws Exception {
    Catalog c = IcebergTables.catalogLoader(warehouse).loadCatalog();
    Table t = c.loadTable(id);
    org.apache.iceberg.TableMetadata current =
        ((org.apache.iceberg.HasTableOperations) t).operations().current();
    Map<Long, Snapshot> ever = new LinkedHashMap<>();
    for (var entry : current.previousFiles()) {
      for (Snapshot s :
          org.apache.iceberg.TableMetadataParser.read(t.io(), entry.file()).snapshots()) {
        ever.put(s.snapshotId(), s);
      }
    }
    int snapshotsNow = 0;
    for (Snapshot s : current.snapshots()) {
      ever.put(s.snapshotId(), s);
      snapshotsNow++;
    }
    int commits = 0;
    int rewrites = 0;
    long added = 0;
    for (Snapshot s : ever.values()) {
      if (DataOperations.APPEND.equals(s.operation())) {
        commits++;
        added += Long.parseLong(s.summary().getOrDefault("added-data-files", "0"));
      } else if (DataOperations.REPLACE.equals(s.operation())) {
        rewrites++;
      }
    }
    int live = 0;
    if (t.currentSnapshot() != null) {
      try (var tasks = t.newScan().planFiles()) {
        for (var ignored : tasks) {
          live++;
        }
      }
    }
    return new Figures(commits, added, rewrites, snapshotsNow, live);
  }

  private static void print() throws Exception {
    seconds.forEach((k, v) -> System.out.printf("two speeds: %-40s %6.1f s%n", k, v));
    System.out.printf(
        "%-18s | %-32s | %s%n", "", "direct: 500 ms checkpoints", "history: 300 ms, maintenance");
    System.out.printf(
        "%-18s | %7s %7s %7s %8s | %7s %7s %7s %8s %5s%n",
        "table",
        "commits",
        "files",
        "live",
        "files/c",
        "commits",
        "files",
        "live",
        "rewrites",
        "snaps");
    for (TableIdentifier id : TABLES) {
      Figures d = files(direct, id);
      Figures h = files(history, id);
      System.out.printf(
          "%-18s | %7d %7d %7d %8.2f | %7d %7d %7d %8d %5d%n",
          id.name(),
          d.commitsEver(),
          d.filesAddedEver(),
          d.liveFiles(),
          d.filesAddedEver() / (double) Math.max(1, d.commitsEver()),
          h.commitsEver(),
          h.filesAddedEver(),
          h.liveFiles(),
          h.rewritesEver(),
          h.snapshotsNow());
    }
  }

  private static List<Record> sorted(CatalogConfig warehouse, TableIdentifier id) throws Exception {
    List<Record> rows = new ArrayList<>(IntegrationEnv.readTable(warehouse, id));
    rows.sort(Comparator.comparing(Record::toString));
    return rows;
  }

  /** Nothing lost, nothing twice, nothing changed: the landed tables equal the direct ones. */
  @Test
  void theHistoryJobLandsExactlyWhatTheAnalyticsJobWrote() throws Exception {
    assertThat(sorted(direct, TableSchemas.WORKLOAD_WINDOWS)).hasSizeGreaterThan(500);
    assertThat(sorted(direct, TableSchemas.ALERTS)).isNotEmpty();
    assertThat(sorted(direct, TableSchemas.BUDGET_STATUS)).isNotEmpty();
    for (TableIdentifier id : TABLES) {
      List<Record> d = sorted(direct, id);
      List<Record> h = sorted(history, id);
      assertThat(h).as("%s: rows landed by the history job", id.name()).hasSameSizeAs(d);
      for (int i = 0; i < d.size(); i++) {
        assertThat(h.get(i))
            .as("%s: row %s", id.name(), d.get(i).getField("id"))
            .isEqualTo(d.get(i));
      }
    }
  }

  /** Compaction ran and left fewer live files than were written; expiry dropped snapshots. */
  @Test
  void maintenanceCompactsAndExpires() throws Exception {
    Figures h = files(history, TableSchemas.WORKLOAD_WINDOWS);
    // compaction is due every 2 commits: how many more the history job made while landing
    // depends on the machine's speed, so only what maintenance needs is asserted
    assertThat(h.commitsEver()).as("history job commits").isGreaterThanOrEqualTo(2);
    assertThat(h.rewritesEver()).as("rewrite (compaction) commits").isPositive();
    assertThat(h.liveFiles())
        .as("live data files after compaction")
        .isLessThan((int) h.filesAddedEver());
    assertThat(h.snapshotsNow())
        .as("snapshots left after expiry")
        .isLessThan(h.commitsEver() + h.rewritesEver());
  }

  /** Nothing the history job read went to the dead-letter topic. */
  @Test
  void noOutputRecordWasUnfitForItsTable() throws Exception {
    assertThat(Landed.committed(kafka, Topics.DLQ, Map.of()))
        .noneMatch(n -> n.path("detail").asText().contains("required"))
        .noneMatch(n -> n.path("source_topic").asText().startsWith("burnrate.cost"));
  }
}
