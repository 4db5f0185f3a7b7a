package io.burnrate.tools.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.config.RunConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a real standalone Flink session cluster, as an operator runs it
 * (docs/deployment.md): a JobManager and a TaskManager in JVMs of their own, started from the
 * {@code lib/} that {@code -Pflink-cluster} assembles from Flink's Maven artifacts; the {@code
 * -Pjob-jar} jar uploaded and run through the REST API with {@code --config burnrate.yaml} against
 * the in-process Kafka broker, Iceberg in a folder.
 *
 * <p>The first half of a simulated fleet is on the broker when the job starts. Once the job is
 * RUNNING and its cost windows are committed in Kafka, a savepoint is taken and the job cancelled
 * ({@code POST /jobs/:id/savepoints} with {@code cancel-job}); the second half is published while
 * no job runs; the jar is run again from the savepoint, and once every input is consumed the job is
 * stopped with a draining savepoint (every window closes, as at the end of bounded input). The
 * output topics (read_committed) and Iceberg tables must then hold exactly what a run without the
 * interruption (the same job on a MiniCluster in this JVM, same input, same configuration) wrote:
 * same ids, no duplicates, totals equal to the cent.
 *
 * <p>Runs in {@code mvn verify -Pjob-jar,flink-cluster} (failsafe, after the jar is packaged; the
 * {@code .ci/run} command); {@code burnrate.job.jar} and {@code burnrate.flink.lib} name the jar
 * and the lib folder.
 */
class StandaloneClusterITCase {
  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private static final Duration SPAN = Duration.ofMinutes(120);
  private static final Duration WAIT = Duration.ofMinutes(4);

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static FlinkSessionCluster cluster;

  static List<Long> clusterPids;
  static String firstState;
  static int windowsBeforeSavepoint;
  static long checkpointsBeforeSavepoint;
  static String savepoint;
  static String stateAfterSavepoint;
  static JsonNode restoredFrom;
  static String finalState;
  static Landed onCluster;
  static Landed reference;
  static Map<String, Double> seconds = new LinkedHashMap<>();

  @BeforeAll
  static void run() throws Exception {
    String jar = System.getProperty("burnrate.job.jar");
    String lib = System.getProperty("burnrate.flink.lib");
    Assumptions.assumeTrue(
        jar != null && lib != null && Files.isRegularFile(Path.of(jar)),
        "needs the job jar and the cluster lib: mvn verify -Pjob-jar,flink-cluster");
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    FleetSimulator sim =
        new FleetSimulator(
            new FleetSimulator.Config(5, START, SPAN, 4, "it", Duration.ofSeconds(10), true));
    long half = sim.startMillis() + SPAN.toMillis() / 2;

    long t0 = System.nanoTime();
    cluster =
        FlinkSessionCluster.start(Path.of(lib), tmp.resolve("flink"), 2, Duration.ofMinutes(2));
    seconds.put("cluster start (JobManager + TaskManager registered)", since(t0));
    clusterPids = cluster.pids();
    try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
      publish(p, sim, sim.startMillis(), half);

      Path config = writeConfig("cluster", tmp.resolve("warehouse-cluster"));
      long t1 = System.nanoTime();
      String jarId = cluster.uploadJar(Path.of(jar));
      seconds.put("jar upload", since(t1));
      List<String> args = List.of("--config", config.toString());
      Map<TopicPartition, Long> before = Landed.endOffsets(kafka, Landed.TOPICS);

      // (1) submitted through the REST API: RUNNING, checkpointing, and producing cost windows
      long t2 = System.nanoTime();
      String job = cluster.runJar(jarId, args, 2, null);
      firstState = cluster.awaitState(job, WAIT, s -> !s.equals("CREATED"));
      cluster.await(
          "cost windows committed in Kafka and a completed checkpoint",
          WAIT,
          () -> {
            windowsBeforeSavepoint = Landed.committed(kafka, Topics.COST_WINDOWS, before).size();
            checkpointsBeforeSavepoint = cluster.checkpoints(job).at("/counts/completed").asLong();
            return windowsBeforeSavepoint > 0 && checkpointsBeforeSavepoint > 0;
          });
      seconds.put("submit to first committed windows", since(t2));

      // (2) savepoint, cancel
      long t3 = System.nanoTime();
      savepoint = cluster.savepointAndCancel(job, tmp.resolve("savepoints"), WAIT);
      stateAfterSavepoint = cluster.awaitState(job, WAIT, s -> isTerminal(s));
      seconds.put("savepoint and cancel", since(t3));

      // (3) the rest of the fleet arrives while no job runs; restore from the savepoint
      publish(p, sim, half, sim.endMillis());
      long t4 = System.nanoTime();
      String restored = cluster.runJar(jarId, args, 2, savepoint);
      cluster.awaitState(restored, WAIT, s -> s.equals("RUNNING"));
      cluster.await(
          "the restore in the checkpoint statistics",
          WAIT,
          () -> !cluster.checkpoints(restored).at("/latest/restored").isMissingNode());
      restoredFrom = cluster.checkpoints(restored).at("/latest/restored");
      IntegrationEnv.awaitConsumed(kafka, "it-cluster", WAIT);
      seconds.put("restore to every input consumed", since(t4));

      // (4) drain and stop: every window closes, as at the end of bounded input
      long t5 = System.nanoTime();
      cluster.stopWithDrain(restored, tmp.resolve("savepoints"), WAIT);
      finalState = cluster.awaitState(restored, WAIT, s -> isTerminal(s));
      seconds.put("stop with drain", since(t5));
      onCluster =
          Landed.read(CatalogConfig.hadoop(tmp.resolve("warehouse-cluster")), kafka, before);
    } catch (Exception | AssertionError e) {
      System.err.println(cluster.logTail());
      throw e;
    } finally {
      cluster.close();
    }

    // the same input and configuration without the interruption, on a MiniCluster in this JVM
    long t6 = System.nanoTime();
    Map<TopicPartition, Long> before = Landed.endOffsets(kafka, Landed.TOPICS);
    Path refConfig = writeConfig("reference", tmp.resolve("warehouse-reference"));
    Configuration conf = RunConfig.load(refConfig, List.of());
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            Configuration.fromMap(Map.of("pipeline.generic-types", "false")));
    env.setParallelism(2);
    BurnrateJob.addTo(env, JobConfig.from(conf), false);
    JobClient ref = env.executeAsync("burnrate-reference");
    IntegrationEnv.awaitConsumed(kafka, "it-reference", WAIT);
    ref.stopWithSavepoint(
            true, tmp.resolve("savepoints-ref").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ref.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    reference =
        Landed.read(CatalogConfig.hadoop(tmp.resolve("warehouse-reference")), kafka, before);
    seconds.put("reference run (MiniCluster)", since(t6));
    print();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** The job configuration as a user writes it: nested YAML, one file per run. */
  private static Path writeConfig(String name, Path warehouse) throws Exception {
    Path f = tmp.resolve(name + ".yaml");
    Files.writeString(
        f,
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + kafka.bootstrapServers(),
            "  group-id: it-" + name,
            "  transactional-id-prefix: it-" + name,
            "cluster:",
            "  default-name: it",
            "checkpoint:",
            "  interval: 1s",
            "iceberg:",
            "  warehouse: " + warehouse,
            "pipeline:",
            "  auto-watermark-interval: 20 ms",
            ""),
        UTF_8);
    return f;
  }

  private static void publish(
      KafkaProducer<byte[], byte[]> p, FleetSimulator sim, long from, long to) {
    for (long t = from; t < to; t += sim.stepMillis()) {
      sim.runStep(
          t,
          r ->
              IntegrationEnv.send(
                  p, r.topic(), r.timestamp(), r.key(), new String(r.value(), UTF_8)));
    }
    p.flush();
  }

  private static boolean isTerminal(String state) {
    return List.of("CANCELED", "FINISHED", "FAILED").contains(state);
  }

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void print() {
    System.out.printf(
        "standalone cluster: JVMs %s; savepoint %s; restored %s%n",
        clusterPids, savepoint, restoredFrom);
    System.out.printf(
        "standalone cluster: %d cost windows committed before the savepoint (%d checkpoints)%n",
        windowsBeforeSavepoint, checkpointsBeforeSavepoint);
    seconds.forEach((k, v) -> System.out.printf("standalone cluster: %-55s %6.1f s%n", k, v));
    System.out.printf(
        "%-36s %10s %10s %8s %18s %18s%n",
        "table/topic", "rows ref", "rows clust", "dups", "total ref", "total cluster");
    for (Map.Entry<String, Landed.Figures> e : reference.byName.entrySet()) {
      Landed.Figures r = e.getValue();
      Landed.Figures c = onCluster.byName.get(e.getKey());
      System.out.printf(
          "%-36s %10d %10d %8d %18s %18s%n",
          e.getKey(), r.rows(), c.rows(), c.duplicates(), cents(r.total()), cents(c.total()));
    }
  }

  private static BigDecimal cents(BigDecimal v) {
    return v.setScale(2, RoundingMode.HALF_EVEN);
  }

  @Test
  void theJobRanOnTheClusterAndProducedBeforeTheSavepoint() {
    assertThat(clusterPids).hasSize(2).doesNotContain(ProcessHandle.current().pid());
    assertThat(firstState).isIn("RUNNING", "INITIALIZING");
    assertThat(windowsBeforeSavepoint)
        .as("cost windows committed before the savepoint")
        .isPositive();
    assertThat(checkpointsBeforeSavepoint).isPositive();
    assertThat(savepoint).as("savepoint location").startsWith("file:");
    assertThat(stateAfterSavepoint).isEqualTo("CANCELED");
  }

  @Test
  void theSecondRunRestoredFromTheSavepoint() {
    assertThat(restoredFrom.path("is_savepoint").asBoolean()).isTrue();
    assertThat(restoredFrom.path("external_path").asText()).isEqualTo(savepoint);
    assertThat(finalState).isEqualTo("FINISHED");
  }

  /** Nothing lost, nothing twice: Kafka and Iceberg equal the uninterrupted run's. */
  @Test
  void everyOutputEqualsTheRunWithoutInterruption() {
    assertThat(reference.byName.get("kafka " + Topics.COST_WINDOWS).rows()).isGreaterThan(200);
    assertThat(reference.byName.get("iceberg workload_windows").rows()).isGreaterThan(200);
    for (Map.Entry<String, Landed.Figures> e : reference.byName.entrySet()) {
      Landed.Figures r = e.getValue();
      Landed.Figures c = onCluster.byName.get(e.getKey());
      assertThat(r.duplicates()).as("%s: duplicates in the reference", e.getKey()).isZero();
      assertThat(c.duplicates()).as("%s: duplicates on the cluster", e.getKey()).isZero();
      assertThat(Landed.comparableIds(e.getKey(), c))
          .as("%s: the same ids", e.getKey())
          .isEqualTo(Landed.comparableIds(e.getKey(), r));
      assertThat(cents(c.total()))
          .as("%s: the same total to the cent", e.getKey())
          .isEqualByComparingTo(cents(r.total()));
    }
  }
}
