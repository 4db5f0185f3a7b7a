package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.RunJob;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate run} as a user runs it, on documented defaults (no time.* option, no checkpoint
 * storage set): the job on its own local MiniCluster against a real KRaft broker, in drain mode
 * ({@code --until-end}) over a simulated fleet whose state outgrows the JobManager's 5 MiB memory
 * storage. Asserts on the console's JSON lines (read from the MiniCluster's REST API): checkpoints
 * above 5 MiB completed, no failed checkpoint, no restart; the missing output topics were created;
 * a second run resumes from the retained checkpoint and adds no duplicate output.
 */
class RunCommandITCase {
  private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
  private static final int NODES = Integer.getInteger("burnrate.it.run.nodes", 320);
  private static final int SCRAPE_SECONDS = Integer.getInteger("burnrate.it.run.scrape", 60);
  private static final double HOURS =
      Double.parseDouble(System.getProperty("burnrate.it.run.hours", "6"));

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;

  @AfterAll
  static void close() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void drainsOnDefaultsWithStateBeyondFiveMibThenResumes() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 4);
    // the inputs exist (a producer needs them); the outputs and configuration topics are left to
    // `run` to create
    List<String> leftToRun = new ArrayList<>(Topics.OUTPUTS);
    leftToRun.addAll(Topics.CONFIG);
    try (Admin a = Admin.create(kafka.clientProperties())) {
      a.deleteTopics(leftToRun).all().get();
      while (a.listTopics().names().get().stream().anyMatch(leftToRun::contains)) {
        Thread.sleep(100);
      }
    }
    FleetSimulator sim =
        new FleetSimulator(
            new FleetSimulator.Config(
                11,
                START,
                Duration.ofMinutes((long) (HOURS * 60)),
                NODES,
                "default",
                Duration.ofSeconds(SCRAPE_SECONDS),
                true));
    long t0 = System.nanoTime();
    try (var p = IntegrationEnv.producer(kafka)) {
      sim.run(
          r -> {
            if (!Topics.CONFIG.contains(r.topic())) { // budgets: no topic before `run`
              IntegrationEnv.send(
                  p,
                  r.topic(),
                  r.timestamp(),
                  r.key(),
                  new String(r.value(), StandardCharsets.UTF_8));
            }
          });
      p.flush();
    }
    System.out.printf(
        "RunCommandITCase: published %d nodes x %.1f h in %.1f s%n",
        NODES, HOURS, (System.nanoTime() - t0) / 1e9);

    Path state = tmp.resolve("state");
    List<String> common =
        List.of(
            "--json",
            "--set",
            "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "--set",
            "run.state-dir=" + state,
            "--set",
            "iceberg.warehouse=" + tmp.resolve("warehouse"),
            "--set",
            "parallelism.default=2",
            "--set",
            "run.status-interval=2s");

    // 1. `run` as left running: stopped (cancelled in the web UI / REST API) once a checkpoint
    // beyond 5 MiB completed
    java.util.concurrent.atomic.AtomicReference<String> cancelled =
        new java.util.concurrent.atomic.AtomicReference<>();
    Run first =
        run(
            common.toArray(new String[0]),
            line -> {
              if (cancelled.get() == null
                  && "status".equals(line.path("event").asText())
                  && (line.path("max_checkpoint_bytes").asLong() > 5L * 1024 * 1024
                      || line.path("elapsed_s").asLong() > 75)) { // (then the size check fails)
                cancelled.set(line.path("last_checkpoint").asText());
                return true; // cancel the job
              }
              return false;
            });
    assertThat(first.code).as("exit code after a cancel").isZero();
    JsonNode summary = first.last("summary");
    System.out.println("RunCommandITCase: first run summary " + summary);
    assertThat(summary.path("status").asText()).isEqualTo("CANCELED");
    assertThat(first.all("topics_created").get(0).path("topics").toString())
        .contains(Topics.COST_WINDOWS, Topics.DLQ, Topics.CONFIG_BUDGETS);
    assertThat(first.last("resume").path("checkpoint").asText()).isEqualTo("none");
    assertThat(summary.path("restarts").asLong()).isZero();
    assertCheckpointsNeverFailedOnSize(first);
    assertThat(summary.path("checkpoints_completed").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(summary.path("max_checkpoint_bytes").asLong())
        .as("largest checkpoint: beyond the JobManager memory storage's 5 MiB")
        .isGreaterThan(5L * 1024 * 1024);
    assertThat(first.all("failure")).isEmpty();

    // 2. `run --until-end` resumes from the checkpoint the cancelled run kept, drains the rest
    List<String> drain = new ArrayList<>(common);
    drain.add("--until-end");
    Run second = run(drain.toArray(new String[0]), line -> false);
    JsonNode summary2 = second.last("summary");
    System.out.println("RunCommandITCase: second run summary " + summary2);
    assertThat(second.code).as("exit code of the drain").isZero();
    String resumed = second.last("resume").path("checkpoint").asText();
    String firstJob = first.last("job").path("job_id").asText();
    assertThat(resumed)
        .startsWith(state.resolve("checkpoints").resolve(firstJob).toString())
        .contains("chk-");
    assertThat(summary2.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(summary2.path("restarts").asLong()).isZero();
    assertCheckpointsNeverFailedOnSize(second);
    assertThat(second.all("failure")).isEmpty();
    // exactly once across the two runs: what the first wrote after its last checkpoint was
    // aborted, the resumed run wrote it again
    List<JsonNode> windows = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
    assertThat(windows).isNotEmpty();
    Map<String, Long> counts =
        windows.stream().collect(Collectors.groupingBy(JsonNode::toString, Collectors.counting()));
    assertThat(counts.values()).as("no cost window twice").allMatch(c -> c == 1);
    System.out.printf(
        "RunCommandITCase: %d cost windows, checkpoint resumed %s%n", windows.size(), resumed);

    // 3. a drain consumed that checkpoint: the next drain neither resumes it nor re-reads the
    // drained records (their end offsets are committed), so it adds nothing
    Run third = run(drain.toArray(new String[0]), line -> false);
    assertThat(third.code).isZero();
    assertThat(third.last("resume").path("checkpoint").asText()).isEqualTo("none");
    assertThat(third.last("resume").path("ignored").asText()).isEqualTo(resumed);
    List<JsonNode> again = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
    assertThat(again).as("cost windows after a third run").hasSameSizeAs(windows);
  }

  /**
   * A checkpoint may race a task that is deploying or has just finished its bounded input
   * ("checkpoint request for unknown task"); none may fail on its size, as the JobManager storage's
   * would ("larger than the maximum permitted memory-backed state").
   */
  private static void assertCheckpointsNeverFailedOnSize(Run run) {
    for (JsonNode f : run.all("checkpoint_failed")) {
      assertThat(f.path("cause").asText()).doesNotContain("maximum permitted", "maxSize");
    }
  }

  /** The exit code and console lines of one {@code run}. */
  record Run(int code, List<JsonNode> lines) {
    JsonNode last(String event) {
      List<JsonNode> l = all(event);
      assertThat(l).as("a '%s' line", event).isNotEmpty();
      return l.get(l.size() - 1);
    }

    List<JsonNode> all(String event) {
      return lines.stream().filter(n -> event.equals(n.path("event").asText())).toList();
    }
  }

  /**
   * Runs {@code ./burnrate run args} in this JVM; {@code cancelWhen} sees each JSON line and, when
   * it answers true, the job is cancelled through the REST API (as from the web UI).
   */
  static Run run(String[] args, java.util.function.Predicate<JsonNode> cancelWhen)
      throws Exception {
    List<JsonNode> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    String[] rest = new String[2];
    OutputStream listener =
        new OutputStream() {
          private final ByteArrayOutputStream line = new ByteArrayOutputStream();

          @Override
          public void write(int c) {
            if (c != '\n') {
              line.write(c);
              return;
            }
            String l = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (!l.startsWith("{")) {
              return;
            }
            try {
              JsonNode n = IntegrationEnv.MAPPER.readTree(l);
              lines.add(n);
              switch (n.path("event").asText()) {
                case "web_ui" -> rest[0] = n.path("url").asText();
                case "job" -> rest[1] = n.path("job_id").asText();
                default -> {}
              }
              if (cancelWhen.test(n)) {
                java.net.http.HttpClient.newHttpClient()
                    .send(
                        java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(rest[0] + "/jobs/" + rest[1] + "?mode=cancel"))
                            .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody())
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        };
    PrintStream tee = new PrintStream(new Tee(listener, System.out), true, StandardCharsets.UTF_8);
    int code = RunJob.run(args, tee);
    return new Run(code, List.copyOf(lines));
  }

  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
