package io.burnrate.tools.cli;

import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.tools.backtest.Backtest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the production anomaly detector over a recorded series: a CSV with a 'timestamp'"
          + " column (ISO-8601, 'yyyy-MM-dd HH:mm:ss' or epoch seconds/millis) and a 'value'"
          + " column at any, possibly irregular, interval. Writes timestamp,value,anomaly_score,"
          + "alert (plus expected_low,expected_high,reason unless --no-explain).",
      "Choosing a threshold: docs/anomaly-detection.md."
    })
final class BacktestCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "Input CSV.")
  Path input;

  @Option(names = "--output", required = true, description = "Output CSV.")
  Path output;

  @Option(
      names = "--threshold",
      description = "Alert threshold on the score, in (0, 1) (default: the detector's, 0.8).")
  Double threshold;

  @Option(
      names = "--warmup",
      description = "Points before the detector may alert (default: the detector's, 100).")
  Integer warmup;

  @Option(
      names = "--zone",
      defaultValue = "UTC",
      description =
          "Time zone of the daily and weekly rhythms, and of timestamps without an offset"
              + " (default ${DEFAULT-VALUE}).")
  String zone;

  @Option(names = "--no-explain", description = "Write only the four required columns.")
  boolean noExplain;

  @Option(names = "--json", description = "Print the summary as one JSON line on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String invalid = invalidOption();
    if (invalid != null) {
      System.err.println("burnrate backtest: " + invalid);
      return 2;
    }
    DetectorConfig cfg = DetectorConfig.defaults().withZone(zone);
    if (threshold != null) {
      cfg = cfg.withAlertThreshold(threshold);
    }
    if (warmup != null) {
      cfg = cfg.withWarmupPoints(warmup);
    }
    Backtest.Summary s;
    try {
      s = Backtest.run(input, output, cfg, !noExplain);
    } catch (Backtest.BacktestException e) {
      System.err.println("burnrate backtest: " + input + ": " + e.getMessage());
      return 2;
    } catch (java.nio.file.NoSuchFileException e) {
      System.err.println("burnrate backtest: no such file: " + e.getFile());
      return 2;
    }
    System.err.println(s.describe());
    if (json) {
      System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s));
    }
    return 0;
  }

  /** What is wrong with the options, in one line naming the option; null when nothing is. */
  String invalidOption() throws java.io.IOException {
    if (threshold != null && !(threshold > 0 && threshold < 1)) {
      return "--threshold must be between 0 and 1 (exclusive), got " + threshold;
    }
    if (warmup != null && warmup < 0) {
      return "--warmup must be 0 or more points, got " + warmup;
    }
    try {
      java.time.ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      return "--zone: not a time zone: '" + zone + "' (e.g. UTC, Europe/Berlin)";
    }
    if (!java.nio.file.Files.exists(input)) {
      return "--input: no such file: " + input;
    }
    if (!java.nio.file.Files.isRegularFile(input)) {
      return "--input: not a file: " + input;
    }
    Path dir = output.toAbsolutePath().getParent();
    if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
      return "--output: no such folder: " + dir;
    }
    if (java.nio.file.Files.isDirectory(output)) {
      return "--output: is a folder: " + output;
    }
    if (java.nio.file.Files.exists(output) && java.nio.file.Files.isSameFile(input, output)) {
      return "--output is the input file (" + output + "): choose another output";
    }
    return null;
  }
}
