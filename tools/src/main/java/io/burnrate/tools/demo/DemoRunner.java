package io.burnrate.tools.demo;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.metrics.PrometheusMetrics;
import io.burnrate.jobs.metrics.PrometheusReporter;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimulatorPublisher;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole pipeline on one machine: a real Kafka broker (KRaft) on loopback, the analytics job on
 * a Flink MiniCluster with its web UI, a local Iceberg warehouse, and the fleet simulator as the
 * load. Prints a live view while it runs, stops by itself, then answers SQL over the warehouse.
 */
public final class DemoRunner {

  /** Demo settings. */
  public record Options(
      Path dir,
      Duration wallTime,
      double speedup,
      int nodes,
      long seed,
      int parallelism,
      boolean webUi,
      Duration statusEvery,
      Path rateCard) {}

  /** Where the demo serves Prometheus metrics: the first free port of these. */
  static final String DEMO_METRICS_PORTS = "9249-9259";

  private final Options o;
  private final PrintStream out;

  public DemoRunner(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  public void run() throws Exception {
    long t0 = System.nanoTime();
    Path dir = o.dir().toAbsolutePath();
    Path warehouse = dir.resolve("warehouse");
    deleteRecursively(warehouse);
    deleteRecursively(dir.resolve("kafka"));
    deleteRecursively(dir.resolve("checkpoints"));
    Files.createDirectories(dir);
    Duration simSpan = Duration.ofSeconds((long) (o.wallTime().toSeconds() * o.speedup()));
    Instant simStart = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(simSpan.plusHours(1));
    out.printf(
        "Burnrate demo: %d nodes, seed %d, %s of simulated fleet time in ~%s (x%.0f)%n",
        o.nodes(), o.seed(), human(simSpan), human(o.wallTime()), o.speedup());

    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      kafka.createTopics(o.parallelism());
      out.println("Kafka (KRaft) broker on " + kafka.bootstrapServers());

      int uiPort = freePort();
      Configuration flink = new Configuration();
      flink.setString("rest.bind-address", "127.0.0.1");
      flink.setString("rest.address", "127.0.0.1");
      flink.setString("rest.port", Integer.toString(uiPort));
      flink.setString("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
      flink.setString(
          "execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
      flink.setString("pipeline.generic-types", "false");
      flink.setString("taskmanager.memory.network.fraction", "0.05");
      PrometheusMetrics.enable(flink, DEMO_METRICS_PORTS);
      StreamExecutionEnvironment env =
          o.webUi()
              ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink)
              : StreamExecutionEnvironment.createLocalEnvironment(o.parallelism(), flink);
      env.setParallelism(o.parallelism());

      Configuration job = new Configuration();
      job.set(BurnrateOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
      job.set(BurnrateOptions.CLUSTER, "sim-cluster");
      job.set(BurnrateOptions.ICEBERG_WAREHOUSE, warehouse.toString());
      job.set(BurnrateOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(5));
      job.set(BurnrateOptions.SOURCE_IDLENESS, Duration.ofSeconds(5));
      if (o.rateCard() != null) {
        job.set(BurnrateOptions.RATE_CARD, o.rateCard().toAbsolutePath().toString());
      }
      // the simulator's owned site: its tariff and hardware (docs/onprem.md)
      Path sitesFile = dir.resolve("sites.json");
      try (var in = DemoRunner.class.getResourceAsStream("sites.json")) {
        Files.copy(in, sitesFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      job.set(BurnrateOptions.SITES_FILE, sitesFile.toString());
      JobConfig cfg = JobConfig.from(job);
      BurnrateJob.addTo(env, cfg, false);
      JobClient client = env.executeAsync("burnrate-analytics");
      out.println(
          "Flink MiniCluster running job "
              + client.getJobID()
              + (o.webUi() ? " - web UI http://127.0.0.1:" + uiPort : ""));
      out.println("Iceberg warehouse " + warehouse);
      for (int port : PrometheusReporter.boundPorts()) {
        out.println("Prometheus metrics http://127.0.0.1:" + port + "/metrics (docs/metrics.md)");
      }

      FleetSimulator sim =
          new FleetSimulator(
              new FleetSimulator.Config(
                      o.seed(),
                      simStart,
                      simSpan,
                      o.nodes(),
                      "sim-cluster",
                      Duration.ofSeconds(10),
                      true)
                  .withOwnedSite());
      out.printf(
          "Simulated fleet: %d GPUs from %s; injected incidents:%n", sim.gpuCount(), simStart);
      for (FleetSimulator.Incident i : sim.incidents()) {
        out.printf("  - %-24s %s: %s%n", i.kind(), i.target(), i.detail());
      }
      SimulatorPublisher publisher = new SimulatorPublisher(kafka.clientProperties());
      Thread simThread = new Thread(() -> publisher.publish(sim, o.speedup(), null), "simulator");
      simThread.setDaemon(true);
      simThread.start();
      LiveView view = new LiveView(kafka.clientProperties());
      Thread viewThread = new Thread(view, "live-view");
      viewThread.setDaemon(true);
      viewThread.start();

      long deadline = System.nanoTime() + o.wallTime().toNanos();
      while (System.nanoTime() < deadline && simThread.isAlive()) {
        Thread.sleep(
            Math.min(
                o.statusEvery().toMillis(),
                Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        long simNow = publisher.simulatedTime();
        out.printf(
            "%n[%s elapsed] simulated time %s, %,d events published%n",
            human(Duration.ofNanos(System.nanoTime() - t0)),
            simNow == Long.MIN_VALUE ? "-" : Instant.ofEpochMilli(simNow),
            publisher.published());
        view.print(out, 8);
      }
      publisher.stop();
      simThread.join(TimeUnit.SECONDS.toMillis(30));
      publisher.close();
      out.printf("%nStopping: draining the job (final windows, final hour) and committing...%n");
      String savepoint =
          client
              .stopWithSavepoint(
                  true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
              .get(3, TimeUnit.MINUTES);
      out.println("Job stopped with savepoint " + savepoint);
      Thread.sleep(1500); // let the live view read the last committed records
      view.print(out, 8);
      view.close();
      viewThread.join(10_000);

      out.printf(
          "%nSQL over the Iceberg warehouse (Flink SQL, catalog 'burnrate', database 'burnrate'):%n");
      try (SqlRunner sql =
          new SqlRunner(
              CatalogConfig.hadoop(warehouse),
              io.burnrate.jobs.allocation.SharedCost.Policy.WEIGHTED,
              io.burnrate.jobs.onprem.Sites.fromFile(sitesFile))) {
        for (String q : DemoQueries.ALL) {
          out.println();
          out.println(q);
          sql.print(q);
        }
      }
      out.printf(
          "%nDone in %s. Warehouse: %s%nQuery it again with:%n  ./burnrate sql --warehouse %s \"SELECT team, SUM(cost) FROM workload_windows GROUP BY team\"%n",
          human(Duration.ofNanos(System.nanoTime() - t0)), warehouse, warehouse);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s >= 3600) {
      return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
    }
    if (s >= 60) {
      return String.format("%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
