package io.burnrate.tools.cli;

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
    description = {
      "Runs the job against your Kafka (and Iceberg) on a local Flink MiniCluster: the whole"
          + " job, or with job.mode analytics or history one of the two speeds (docs/deployment.md),"
          + " configured by a YAML file plus --set flags (flag over file over default; every key"
          + " in docs/configuration.md). Bad configuration stops it at start-up, naming the key.",
      "State: checkpoints go to files under run.state-dir (default"
          + " burnrate-state/<pipeline.name>), are kept when the job stops, and a restarted run"
          + " resumes from the newest one (--fresh starts over). Missing topics are created"
          + " (run.create-topics, run.topic-partitions).",
      "Console: the job id, the web UI / REST address (127.0.0.1), the metrics address, the state"
          + " directory, a status line every run.status-interval (checkpoints, sizes, restarts,"
          + " records in), one line per failed checkpoint and per job failure with its root cause,"
          + " and a summary. Exit code 0 when drained or stopped, 1 when the job failed, 2 when it"
          + " could not start."
    })
final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML configuration (docs/examples/burnrate.yaml).")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one key of the file (repeatable).")
  List<String> set = new ArrayList<>();

  @Option(
      names = "--until-end",
      description =
          "Drain mode for replays and backfills: read every input topic up to its end offsets at"
              + " start, then stop cleanly (final checkpoint: the last Kafka transaction and"
              + " Iceberg commit) with exit code 0 and a summary.")
  boolean untilEnd;

  @Option(
      names = "--fresh",
      description =
          "Start with empty state instead of resuming from the newest checkpoint in the state"
              + " directory (Kafka offsets then come from the consumer groups' commits).")
  boolean fresh;

  @Option(names = "--json", description = "Print the console lines as JSON objects.")
  boolean json;

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
    if (untilEnd) {
      args.add("--until-end");
    }
    if (fresh) {
      args.add("--fresh");
    }
    if (json) {
      args.add("--json");
    }
    try {
      return RunJob.run(args.toArray(new String[0]), System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("burnrate run: " + e.getMessage());
      return 2;
    }
  }
}
