package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.publish.NdjsonPublisher;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real stream shapes on the default settings (no {@code time.*} override): a simulated fleet of
 * three hours on topics of four partitions, read at parallelism 2, in which one node's telemetry
 * falls silent for 20 minutes (no Kubernetes event about it either) and then resumes.
 *
 * <ul>
 *   <li><b>Backlog</b>: everything is on the broker before the job starts (a job started after its
 *       data, or catching up after downtime); a bounded run reads it all. Nothing may be late: the
 *       partitions are read at different speeds, and event time is per partition.
 *   <li><b>Silence</b>: the same fleet, live: the first 100 minutes, then every input silent for
 *       {@link #PAUSE} (far beyond {@code time.source-idleness}), then the rest; stopped with a
 *       drain once everything is consumed. Its windows and allocations must equal the backlog
 *       run's, id for id and to the cent.
 *   <li><b>A silent node</b> keeps its pods and is costed again when it is back, with no allocation
 *       id twice.
 * </ul>
 */
class RealStreamsITCase {
  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private static final Duration RUN = Duration.ofMinutes(180);
  private static final long SILENT_FROM = START.plus(Duration.ofMinutes(70)).toEpochMilli();
  private static final long SILENT_TO = START.plus(Duration.ofMinutes(90)).toEpochMilli();
  private static final long RESUME_AT = START.plus(Duration.ofMinutes(100)).toEpochMilli();
  private static final Duration PAUSE = Duration.ofMinutes(3);
  private static final Duration WAIT = Duration.ofMinutes(4);

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static List<SimRecord> fleet;
  static String silentNode;
  static Outputs backlog;
  static Outputs paused;

  /** What one run published: records of the output topics by id. */
  record Outputs(
      Map<String, JsonNode> windows, Map<String, JsonNode> allocations, List<JsonNode> dlq) {}

  @BeforeAll
  static void runBoth() throws Exception {
    List<SimRecord> all = new ArrayList<>();
    new FleetSimulator(
            new FleetSimulator.Config(23, START, RUN, 6, "it", Duration.ofSeconds(10), true))
        .run(all::add);
    silentNode = quietNode(all);
    // the node is unreachable for 20 minutes: no telemetry, no Node heartbeat
    String prefix = "it/" + silentNode + "/";
    fleet =
        all.stream()
            .filter(
                r ->
                    !((r.topic().equals(Topics.TELEMETRY_GPU) && r.key().startsWith(prefix)
                            || r.topic().equals(Topics.K8S_EVENTS)
                                && r.key().equals("Node/" + silentNode))
                        && r.timestamp() >= SILENT_FROM
                        && r.timestamp() < SILENT_TO))
            .toList();
    assertThat(fleet.size()).as("the node's samples were dropped").isLessThan(all.size());

    long t0 = System.nanoTime();
    backlog = runBacklog();
    long t1 = System.nanoTime();
    paused = runWithPause();
    long t2 = System.nanoTime();
    System.out.printf(
        "real streams: %d input records, node %s silent 20 min; backlog run %.1f s, paused run"
            + " %.1f s (pause %d s); %d windows, %d allocations%n",
        fleet.size(),
        silentNode,
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        PAUSE.toSeconds(),
        backlog.windows().size(),
        backlog.allocations().size());
  }

  /**
   * A node that runs from the first to the last simulated minute and that no Pod event concerns
   * around the silent window (the simulator decides the events).
   */
  private static String quietNode(List<SimRecord> all) throws Exception {
    long first = START.plus(Duration.ofMinutes(2)).toEpochMilli();
    long last = START.plus(RUN).minus(Duration.ofMinutes(2)).toEpochMilli();
    java.util.Set<String> early = new java.util.HashSet<>();
    java.util.Set<String> late = new java.util.HashSet<>();
    for (SimRecord r : all) {
      if (r.topic().equals(Topics.TELEMETRY_GPU)) {
        String node = r.key().split("/")[1];
        if (r.timestamp() < first) {
          early.add(node);
        } else if (r.timestamp() > last) {
          late.add(node);
        }
      }
    }
    List<String> nodes = early.stream().filter(late::contains).sorted().toList();
    for (String node : nodes) {
      boolean touched = false;
      for (SimRecord r : all) {
        if (r.topic().equals(Topics.K8S_EVENTS)
            && r.timestamp() >= SILENT_FROM - 60_000
            && r.timestamp() < SILENT_TO + 60_000) {
          JsonNode o = IntegrationEnv.MAPPER.readTree(r.value()).path("object");
          touched |= node.equals(o.at("/spec/nodeName").asText());
        }
      }
      if (!touched) {
        return node;
      }
    }
    throw new AssertionError("every node has Pod events in the silent window");
  }

  private static Outputs runBacklog() throws Exception {
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka-backlog"), 4)) {
      publish(kafka, r -> true);
      JobConfig cfg = defaults(kafka, "backlog");
      IntegrationEnv.runBounded(cfg, "burnrate-it-backlog");
      return read(kafka);
    }
  }

  private static Outputs runWithPause() throws Exception {
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka-paused"), 4)) {
      JobConfig cfg = defaults(kafka, "paused");
      publish(kafka, r -> r.timestamp() < RESUME_AT);
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.getExecutionEnvironment(
              Configuration.fromMap(Map.of("pipeline.generic-types", "false")));
      env.setParallelism(2);
      BurnrateJob.addTo(env, cfg, false);
      JobClient job = env.executeAsync("burnrate-it-paused");
      IntegrationEnv.awaitConsumed(kafka, cfg.groupId, WAIT);
      // every input falls silent, far longer than time.source-idleness
      Thread.sleep(PAUSE.toMillis());
      // the fleet resumes live: in event-time order at 120x (80 minutes in 40 s). Published as one
      // burst after a silence, Kubernetes events may be read after the telemetry they precede
      // (docs/fault-tolerance.md, known limits)
      publish(kafka, r -> r.timestamp() >= RESUME_AT, 120);
      IntegrationEnv.awaitConsumed(kafka, cfg.groupId, WAIT);
      job.stopWithSavepoint(
              true, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      job.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return read(kafka);
    }
  }

  /**
   * Publishes the records {@code which} selects as a recorded fleet is fed: written as NDJSON files
   * (one per topic) and published with {@code ./burnrate publish}'s publisher (keys and timestamps
   * derived from the records).
   */
  /**
   * The job's configuration as a user gets it: only where Kafka and the warehouse are; the time and
   * checkpoint settings (10 s checkpoints) are the defaults.
   */
  private static JobConfig defaults(EmbeddedKafka kafka, String run) {
    Configuration c = IntegrationEnv.jobSettings(kafka, tmp.resolve("wh-" + run), "it-" + run);
    c.removeConfig(io.burnrate.jobs.config.BurnrateOptions.CHECKPOINT_INTERVAL);
    return JobConfig.from(c);
  }

  private static void publish(EmbeddedKafka kafka, Predicate<SimRecord> which) throws Exception {
    publish(kafka, which, 0);
  }

  private static void publish(EmbeddedKafka kafka, Predicate<SimRecord> which, double speedup)
      throws Exception {
    Path dir = java.nio.file.Files.createTempDirectory(tmp, "ndjson");
    Map<String, java.io.Writer> files = new TreeMap<>();
    try {
      for (SimRecord r : fleet) {
        if (which.test(r)) {
          java.io.Writer w = files.get(r.topic());
          if (w == null) {
            w =
                java.nio.file.Files.newBufferedWriter(
                    dir.resolve(r.topic() + ".ndjson"), StandardCharsets.UTF_8);
            files.put(r.topic(), w);
          }
          w.write(new String(r.value(), StandardCharsets.UTF_8));
          w.write('\n');
        }
      }
    } finally {
      for (java.io.Writer w : files.values()) {
        w.close();
      }
    }
    try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
      NdjsonPublisher.Summary sum =
          new NdjsonPublisher("it", speedup, 0)
              .publish(NdjsonPublisher.inputs(List.of(dir), null), p, s -> {});
      p.flush();
      assertThat(sum.rejected).as("rejected lines").isZero();
    }
  }

  private static Outputs read(EmbeddedKafka kafka) throws Exception {
    List<JsonNode> windows = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
    List<JsonNode> allocations = IntegrationEnv.readCommitted(kafka, Topics.COST_ALLOCATIONS);
    Map<String, JsonNode> w = new TreeMap<>();
    for (JsonNode n : windows) {
      assertThat(w.put(n.path("id").asText(), n)).as("window %s twice", n.path("id")).isNull();
    }
    // allocations by id, at their latest version: how many corrections an hour gets depends on
    // when its billing arrives (before or after the estimate), where it ends does not
    Map<String, JsonNode> a = new TreeMap<>();
    java.util.Set<String> versions = new java.util.HashSet<>();
    for (JsonNode n : allocations) {
      String id = n.path("id").asText();
      assertThat(versions.add(id + "/v" + n.path("version").asText()))
          .as("allocation %s version %s twice", id, n.path("version"))
          .isTrue();
      JsonNode had = a.get(id);
      if (had == null || had.path("version").asInt() < n.path("version").asInt()) {
        a.put(id, n);
      }
    }
    return new Outputs(w, a, IntegrationEnv.readCommitted(kafka, Topics.DLQ));
  }

  @AfterAll
  static void done() {
    fleet = null;
  }

  @Test
  void aBacklogOnFourPartitionsLosesNothingAsLate() {
    Map<String, Long> reasons =
        backlog.dlq().stream()
            .collect(Collectors.groupingBy(d -> d.path("reason").asText(), Collectors.counting()));
    System.out.println("real streams: dead letters of the backlog run " + reasons);
    System.out.println(
        "real streams: dead letters of the paused run "
            + paused.dlq().stream()
                .collect(
                    Collectors.groupingBy(d -> d.path("reason").asText(), Collectors.counting())));
    for (Outputs o : List.of(backlog, paused)) {
      System.out.println(
          "real streams: windows by hour "
              + o.windows().values().stream()
                  .collect(
                      Collectors.groupingBy(
                          w -> w.path("window_start").asText().substring(11, 13),
                          TreeMap::new,
                          Collectors.counting())));
    }
    assertThat(reasons).doesNotContainKey("late");
    assertThat(paused.dlq().stream().map(d -> d.path("reason").asText())).doesNotContain("late");
    assertThat(backlog.windows()).hasSizeGreaterThan(1000);
  }

  @Test
  void aSilentNodeKeepsItsPodsAndNoHourIsAllocatedTwice() {
    List<JsonNode> node =
        backlog.allocations().values().stream()
            .filter(a -> silentNode.equals(a.path("node").asText()))
            .toList();
    assertThat(node).isNotEmpty();
    // (read() fails on any allocation id published twice at the same version)
    // the hour of the silence: every minute costed but those silent for longer than
    // cost.node-staleness (15 min by default): 20 - 15 = 5 minutes; the hour after it in full
    long silentHour = SILENT_FROM - SILENT_FROM % 3_600_000L;
    double during = nodeGpuSeconds(node, silentHour);
    double after = nodeGpuSeconds(node, silentHour + 3_600_000L);
    assertThat(after)
        .as("node GPU-seconds of %s the hour after its silence", silentNode)
        .isPositive();
    long silentMinutes = (SILENT_TO - SILENT_FROM) / 60_000 - 15;
    assertThat(during)
        .as("node GPU-seconds of %s in the hour of its silence", silentNode)
        .isCloseTo(after * (60 - silentMinutes) / 60, within(1e-6));
  }

  @Test
  void minutesOfSilenceOnEveryInputChangeNoWindowAndNoAllocation() {
    assertThat(difference(backlog.windows(), paused.windows()))
        .as("windows of the backlog run missing after the pause")
        .isEmpty();
    assertThat(difference(paused.windows(), backlog.windows()))
        .as("windows after the pause that the backlog run does not have")
        .isEmpty();
    assertThat(difference(backlog.allocations(), paused.allocations()))
        .as("allocations of the backlog run missing after the pause")
        .isEmpty();
    assertThat(difference(paused.allocations(), backlog.allocations()))
        .as("allocations after the pause that the backlog run does not have")
        .isEmpty();
    // windows carry doubles summed in arrival order: equal to 1e-9 (allocations are exact decimals)
    for (Map.Entry<String, JsonNode> e : backlog.windows().entrySet()) {
      JsonNode p = paused.windows().get(e.getKey());
      assertThat(p.path("cost").asDouble())
          .as("cost of window %s", e.getKey())
          .isCloseTo(e.getValue().path("cost").asDouble(), within(1e-9));
      assertThat(p.path("gpu_seconds").asDouble())
          .as("GPU-seconds of window %s", e.getKey())
          .isCloseTo(e.getValue().path("gpu_seconds").asDouble(), within(1e-9));
    }
    for (Map.Entry<String, JsonNode> e : backlog.allocations().entrySet()) {
      JsonNode p = paused.allocations().get(e.getKey());
      assertThat(money(p.path("cost")))
          .as("cost of allocation %s", e.getKey())
          .isEqualByComparingTo(money(e.getValue().path("cost")));
      assertThat(p.path("cost_basis").asText())
          .as("cost basis of allocation %s", e.getKey())
          .isEqualTo(e.getValue().path("cost_basis").asText());
    }
  }

  private static double nodeGpuSeconds(List<JsonNode> rows, long hourStart) {
    return rows.stream()
        .filter(a -> millis(a.path("hour_start")) == hourStart)
        .mapToDouble(a -> a.path("node_gpu_seconds").asDouble())
        .max()
        .orElse(0);
  }

  /** Ids of {@code a} that {@code b} lacks. */
  private static List<String> difference(Map<String, JsonNode> a, Map<String, JsonNode> b) {
    return a.keySet().stream().filter(k -> !b.containsKey(k)).toList();
  }

  private static BigDecimal money(JsonNode v) {
    return v.isMissingNode() || v.isNull() ? BigDecimal.ZERO : new BigDecimal(v.asText());
  }

  private static long millis(JsonNode iso) {
    return Instant.parse(iso.asText()).toEpochMilli();
  }
}
