package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.metrics.GrafanaDashboard;
import io.burnrate.jobs.metrics.PrometheusMetrics;
import io.burnrate.jobs.metrics.PrometheusReporter;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimulatorPublisher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (the Debian package, installed by {@code .ci/run}) scrapes the job's
 * reporter while the pipeline runs on a MiniCluster against the in-process Kafka broker fed by the
 * fleet simulator; PromQL queries through Prometheus' HTTP API return pipeline and business series,
 * and every metric the Grafana dashboard uses is among the scraped series.
 */
class PrometheusScrapeITCase {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path tmp;

  @Test
  void prometheusScrapesPipelineAndBusinessMetrics() throws Exception {
    Path prometheus = prometheusBinary();
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (prometheus == null && !ci) {
      Assumptions.abort(
          "prometheus binary not found (apt-get install prometheus, as .ci/run does):"
              + " skipping the scrape test on this developer machine");
    }
    assertThat(prometheus)
        .as("CI must have the prometheus binary (.ci/run installs it)")
        .isNotNull();
    long t0 = System.nanoTime();

    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2)) {
      Configuration flink = new Configuration();
      flink.setString("pipeline.generic-types", "false");
      flink.setString("taskmanager.memory.network.fraction", "0.05");
      PrometheusMetrics.enable(flink, "0");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
      Configuration settings =
          IntegrationEnv.jobSettings(kafka, tmp.resolve("warehouse"), "it-prometheus");
      settings.set(BurnrateOptions.CLUSTER, "sim-cluster");
      BurnrateJob.addTo(env, JobConfig.from(settings), false);
      Set<Integer> before = new HashSet<>(PrometheusReporter.boundPorts());
      JobClient job = env.executeAsync("burnrate-it-prometheus");
      try {
        Set<Integer> ports = new HashSet<>(PrometheusReporter.boundPorts());
        ports.removeAll(before);
        assertThat(ports).as("the job's reporter serves on a port").hasSize(1);
        int metricsPort = ports.iterator().next();

        FleetSimulator sim =
            new FleetSimulator(
                new FleetSimulator.Config(
                    7,
                    Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2)),
                    Duration.ofMinutes(90),
                    3,
                    "sim-cluster",
                    Duration.ofSeconds(10),
                    true));
        // one malformed telemetry record: a dead letter, so the DLQ series exists
        try (var p = IntegrationEnv.producer(kafka)) {
          IntegrationEnv.send(
              p,
              io.burnrate.schemas.Topics.TELEMETRY_GPU,
              System.currentTimeMillis(),
              "x",
              "{oops");
        }
        try (SimulatorPublisher publisher = new SimulatorPublisher(kafka.clientProperties())) {
          publisher.publish(sim, 0, null);
        }

        int promPort = freePort();
        Path config = tmp.resolve("prometheus.yml");
        Files.writeString(
            config,
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n  - job_name: burnrate\n    static_configs:\n"
                + "      - targets: ['127.0.0.1:"
                + metricsPort
                + "']\n");
        Process server =
            new ProcessBuilder(
                    prometheus.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + Files.createDirectories(tmp.resolve("tsdb")),
                    "--web.listen-address=127.0.0.1:" + promPort,
                    "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("prometheus.log").toFile())
                .start();
        try {
          String api = "http://127.0.0.1:" + promPort;
          // business: cost per hour by team and cluster, idle dollars per hour, budget used %
          JsonNode cost =
              await(
                  api,
                  "sum by (team, cluster) (burnrate_cost_per_hour) > 0",
                  Duration.ofMinutes(3));
          assertThat(labels(cost, "cluster")).contains("sim-cluster");
          assertThat(labels(cost, "team")).isNotEmpty();
          // the simulated fleet leaves GPUs idle: idle dollars are a positive figure, not just
          // present
          assertThat(
                  value(await(api, "sum(burnrate_idle_cost_per_hour) > 0", Duration.ofMinutes(2))))
              .isGreaterThan(0);
          JsonNode budget =
              await(api, "max by (budget) (burnrate_budget_used_percent)", Duration.ofMinutes(2));
          assertThat(value(budget)).isGreaterThan(0);
          // pipeline health: throughput, lag, checkpoints, DLQ, conservation
          assertThat(
                  value(
                      await(
                          api,
                          "sum(burnrate_num_records_in{scope=~\".*operator\"})",
                          Duration.ofMinutes(1))))
              .isGreaterThan(0);
          await(api, "burnrate_num_records_in_per_second", Duration.ofMinutes(1));
          await(api, "max(burnrate_pending_records)", Duration.ofMinutes(1));
          assertThat(
                  value(
                      await(
                          api,
                          "max(burnrate_number_of_completed_checkpoints)",
                          Duration.ofMinutes(1))))
              .isGreaterThanOrEqualTo(1);
          await(api, "max(burnrate_conservation_residual_max)", Duration.ofMinutes(1));
          double checkpointAge =
              value(
                  await(
                      api,
                      "time() - max(burnrate_last_checkpoint_completed_timestamp) / 1000",
                      Duration.ofMinutes(1)));
          assertThat(checkpointAge).as("seconds since the last checkpoint").isBetween(-5.0, 60.0);
          assertThat(
                  value(
                      await(
                          api,
                          "max(burnrate_elapsed_seconds_since_last_successful_commit)",
                          Duration.ofMinutes(1))))
              .as("seconds since the last Iceberg commit")
              .isBetween(0.0, 120.0);
          assertThat(
                  value(
                      await(
                          api, "sum(burnrate_dead_letters{reason!=\"\"})", Duration.ofMinutes(1))))
              .as("the malformed record is a dead letter")
              .isGreaterThanOrEqualTo(1);

          // the dashboard uses only metrics Prometheus has actually scraped from the job
          Set<String> scraped = new HashSet<>();
          for (JsonNode n : get(api + "/api/v1/label/__name__/values").path("data")) {
            scraped.add(n.asText());
          }
          Set<String> used = GrafanaDashboard.metricNames(GrafanaDashboard.load(dashboard()));
          assertThat(used).isNotEmpty();
          Files.write(
              Path.of("target", "prometheus-scraped-names.txt"), new java.util.TreeSet<>(scraped));
          assertThat(scraped).as("scraped series names").containsAll(used);
          // the reporter's cost is at scrape time: measure one scrape of the endpoint
          long s0 = System.nanoTime();
          HttpResponse<String> body =
              HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          double scrapeMs = (System.nanoTime() - s0) / 1e6;
          System.out.printf(
              "PrometheusScrapeITCase: %d series names scraped, dashboard uses %d; one scrape %.1f"
                  + " ms, %d samples, %d bytes; %.1f s in all%n",
              scraped.size(),
              used.size(),
              scrapeMs,
              body.body().lines().filter(l -> !l.startsWith("#")).count(),
              body.body().length(),
              (System.nanoTime() - t0) / 1e9);
        } finally {
          server.destroy();
          server.waitFor();
        }
      } finally {
        job.cancel().get();
      }
    }
  }

  static Path dashboard() {
    return Path.of("..", "docker", "grafana", "dashboards", "burnrate.json");
  }

  private static Path prometheusBinary() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "prometheus");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Polls an instant PromQL query until it returns at least one series. */
  private static JsonNode await(String api, String promql, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      try {
        last =
            get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (last.path("data").path("result").size() > 0) {
          return last.path("data").path("result");
        }
      } catch (IOException notYetUp) {
        last = null;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("no series for " + promql + " within " + timeout + ": " + last);
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return IntegrationEnv.MAPPER.readTree(r.body());
  }

  private static double value(JsonNode result) {
    return result.get(0).path("value").get(1).asDouble();
  }

  private static List<String> labels(JsonNode result, String label) {
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode s : result) {
      out.add(s.path("metric").path(label).asText());
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
