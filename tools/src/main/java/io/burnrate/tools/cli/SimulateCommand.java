package io.burnrate.tools.cli;

import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimulatorPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description =
        "Publishes the fleet simulator to a Kafka cluster (creates the topics if missing), or"
            + " with --output-dir writes it as NDJSON files, one per topic, for ./burnrate"
            + " publish.")
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", description = "Kafka to publish to.")
  String bootstrap;

  @Option(
      names = "--output-dir",
      description =
          "Write <topic>.ndjson files into this folder instead of publishing (./burnrate"
              + " publish DIR publishes the same records).")
  Path outputDir;

  @Option(names = "--gzip", description = "With --output-dir: write <topic>.ndjson.gz.")
  boolean gzip;

  @Option(
      names = "--hours",
      defaultValue = "1",
      description = "Simulated hours (default ${DEFAULT-VALUE}).")
  double hours;

  @Option(
      names = "--speedup",
      defaultValue = "0",
      description = "Simulated seconds per wall second; 0 = as fast as possible (default).")
  double speedup;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Maximum events per second; 0 = no limit (default).")
  double rate;

  @Option(names = "--nodes", defaultValue = "12")
  int nodes;

  @Option(names = "--seed", defaultValue = "42")
  long seed;

  @Option(
      names = "--start",
      description = "Simulated start (ISO-8601); default: now minus --hours, on the hour.")
  Instant start;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of topics it creates.")
  int partitions;

  @Override
  public Integer call() throws Exception {
    Duration span = Duration.ofSeconds((long) (hours * 3600));
    Instant s =
        start != null
            ? start
            : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(span);
    if ((bootstrap == null) == (outputDir == null)) {
      System.err.println("burnrate simulate: give --bootstrap-servers or --output-dir (one)");
      return 2;
    }
    FleetSimulator sim =
        new FleetSimulator(
            new FleetSimulator.Config(
                seed, s, span, nodes, "sim-cluster", Duration.ofSeconds(10), true));
    if (outputDir != null) {
      long t0 = System.nanoTime();
      Map<String, Long> n = io.burnrate.tools.simulator.NdjsonWriter.write(sim, outputDir, gzip);
      System.out.printf(
          "wrote %,d records (%s to %s) to %s in %.1fs: %s%n",
          n.values().stream().mapToLong(Long::longValue).sum(),
          s,
          s.plus(span),
          outputDir,
          (System.nanoTime() - t0) / 1e9,
          n);
      return 0;
    }
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    EmbeddedKafka.createTopics(p, partitions);
    long t0 = System.nanoTime();
    try (SimulatorPublisher pub = new SimulatorPublisher(p)) {
      long[] lastPrint = {System.nanoTime()};
      long n =
          pub.publish(
              sim,
              speedup,
              rate,
              simNow -> {
                if (System.nanoTime() - lastPrint[0] > 5_000_000_000L) {
                  lastPrint[0] = System.nanoTime();
                  System.out.printf(
                      "simulated %s, %,d records%n", Instant.ofEpochMilli(simNow), pub.published());
                }
              });
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "published %,d records (%s to %s) in %.1fs (%,.0f records/s)%n",
          n, s, s.plus(span), secs, n / secs);
    }
    return 0;
  }
}
