package io.burnrate.tools.cli;

import io.burnrate.tools.bench.Benchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measures end-to-end throughput of the analytics job through Kafka against the bare"
            + " consume-and-parse ceiling of the same events on the same machine.")
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--hours",
      defaultValue = "4",
      description = "Simulated hours of load (default ${DEFAULT-VALUE}).")
  double hours;

  @Option(
      names = "--nodes",
      defaultValue = "96",
      description = "Simulated GPU nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--parallelism", defaultValue = "2")
  int parallelism;

  @Option(names = "--dir", defaultValue = "target/bench")
  Path dir;

  @Option(names = "--json", description = "Also print the result as one JSON line.")
  boolean json;

  @Option(
      names = "--alert-latency",
      description =
          "Measure alert latency instead: the simulator in real time (event time = now), p50/p99"
              + " of receive time (read_committed) - window end of memory-pressure alerts.")
  boolean alertLatency;

  @Option(
      names = "--minutes",
      defaultValue = "5",
      description = "With --alert-latency: real minutes of load (default ${DEFAULT-VALUE}).")
  int minutes;

  @Option(
      names = "--scrape",
      defaultValue = "1s",
      description = "With --alert-latency: scrape interval (default ${DEFAULT-VALUE}).")
  String scrape;

  @Option(
      names = "--out-of-orderness",
      defaultValue = "20s",
      description = "With --alert-latency: time.max-out-of-orderness (default ${DEFAULT-VALUE}).")
  String outOfOrderness;

  @Option(
      names = "--checkpoint",
      defaultValue = "1s",
      description = "Checkpoint interval of the job (default ${DEFAULT-VALUE}).")
  String checkpoint;

  @Option(
      names = "--iceberg",
      description =
          "Also land the history in an Iceberg folder warehouse and report rows per second and"
              + " data files per commit.")
  boolean iceberg;

  @Option(
      names = "--alert-delivery",
      defaultValue = "exactly-once",
      description =
          "With --alert-latency: alerts.delivery, exactly-once or at-least-once (default"
              + " ${DEFAULT-VALUE}).")
  String alertDelivery;

  @Option(
      names = "--gpu-encoding",
      defaultValue = "json",
      description =
          "How GPU telemetry is published: json (one record per GPU and scrape), otlp_proto or"
              + " otlp_json (one OTLP request per node scrape, as the OpenTelemetry Collector's kafka"
              + " exporter writes it) (default ${DEFAULT-VALUE}).")
  String gpuEncoding;

  @Override
  public Integer call() throws Exception {
    io.burnrate.tools.simulator.OtlpScrapes.Encoding encoding =
        switch (gpuEncoding) {
          case "json" -> io.burnrate.tools.simulator.OtlpScrapes.Encoding.JSON;
          case "otlp_proto" -> io.burnrate.tools.simulator.OtlpScrapes.Encoding.OTLP_PROTO;
          case "otlp_json" -> io.burnrate.tools.simulator.OtlpScrapes.Encoding.OTLP_JSON;
          default ->
              throw new picocli.CommandLine.ParameterException(
                  new picocli.CommandLine(this),
                  "--gpu-encoding: must be json, otlp_proto or otlp_json, got '"
                      + gpuEncoding
                      + "'");
        };
    if (alertLatency) {
      if (!alertDelivery.equals("at-least-once") && !alertDelivery.equals("exactly-once")) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this),
            "--alert-delivery: must be 'exactly-once' or 'at-least-once', got '"
                + alertDelivery
                + "'");
      }
      new io.burnrate.tools.bench.AlertLatencyBench(
              dir,
              Duration.ofMinutes(minutes),
              nodes,
              org.apache.flink.util.TimeUtils.parseDuration(scrape),
              org.apache.flink.util.TimeUtils.parseDuration(outOfOrderness),
              org.apache.flink.util.TimeUtils.parseDuration(checkpoint),
              parallelism,
              alertDelivery.equals("at-least-once"),
              json,
              System.out)
          .run();
      return 0;
    }
    new Benchmark(
            dir,
            hours,
            nodes,
            parallelism,
            org.apache.flink.util.TimeUtils.parseDuration(checkpoint),
            json,
            System.out)
        .withIceberg(iceberg)
        .withGpuEncoding(encoding)
        .run();
    return 0;
  }
}
