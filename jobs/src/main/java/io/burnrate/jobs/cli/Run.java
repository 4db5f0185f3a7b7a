package io.burnrate.jobs.cli;

import io.burnrate.jobs.RunJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./burnrate run}: the analytics job against your Kafka, configured by a YAML file plus
 * flags, on a local Flink MiniCluster (for a Flink cluster, submit the job jar with the same
 * arguments: docs/deployment.md).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Runs the job against your Kafka (and Iceberg) on a local Flink MiniCluster: the whole"
            + " job, or with job.mode analytics or history one of the two speeds (docs/deployment.md),"
            + " configured by a YAML file plus --set flags (flag over file over default; every key"
            + " in docs/configuration.md). Bad configuration stops it at start-up, naming the key.")
final class Run implements Callable<Integer> {
  @Option(names = "--config", description = "YAML configuration (docs/examples/burnrate.yaml).")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one key of the file (repeatable).")
  List<String> set = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>();
    if (config != null) {
      args.add("--config");
      args.add(config.toString());
    }
    for (String s : set) {
      args.add("--set");
      args.add(s);
    }
    try {
      RunJob.main(args.toArray(new String[0]));
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("burnrate run: " + e.getMessage());
      return 2;
    }
  }
}
