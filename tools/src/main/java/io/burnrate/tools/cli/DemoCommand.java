package io.burnrate.tools.cli;

import io.burnrate.tools.demo.DemoRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline locally: a real Kafka broker (KRaft) on loopback, the analytics job"
          + " on a Flink MiniCluster with web UI, a local Iceberg warehouse, and the fleet simulator"
          + " with injected incidents. Prints a live view, stops by itself, then runs SQL over the"
          + " warehouse."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--minutes",
      defaultValue = "3",
      description = "Wall-clock minutes to run (default ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--speedup",
      defaultValue = "60",
      description = "Simulated seconds per wall second (default ${DEFAULT-VALUE}).")
  double speedup;

  @Option(
      names = "--nodes",
      defaultValue = "12",
      description = "GPU nodes in the simulated fleet (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Simulator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--dir",
      defaultValue = "burnrate-demo",
      description =
          "Working folder: broker data, checkpoints, warehouse (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Flink parallelism (default ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--no-web-ui", description = "Do not start the Flink web UI.")
  boolean noWebUi;

  @Option(
      names = "--status-every",
      defaultValue = "10",
      description = "Seconds between live-view prints (default ${DEFAULT-VALUE}).")
  int statusEvery;

  @Option(
      names = "--rate-card",
      description =
          "A CSV rate card whose rows replace or add to the bundled one (docs/rate-card.md).")
  Path rateCard;

  @Override
  public Integer call() throws Exception {
    if (minutes <= 0 || speedup <= 0 || nodes < 1 || parallelism < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--minutes, --speedup, --nodes and --parallelism must be positive");
    }
    new DemoRunner(
            new DemoRunner.Options(
                dir,
                Duration.ofMillis((long) (minutes * 60_000)),
                speedup,
                nodes,
                seed,
                parallelism,
                !noWebUi,
                Duration.ofSeconds(Math.max(1, statusEvery)),
                rateCard),
            System.out)
        .run();
    return 0;
  }
}
