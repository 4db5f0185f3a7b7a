package io.burnrate.tools.cli;

import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.tools.backtest.Backtest;
import io.burnrate.tools.backtest.NabEvaluation;
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
      "Choosing a threshold: docs/anomaly-detection.md.",
      "With --nab DIR (a checkout of github.com/numenta/NAB): runs the detector over the whole"
          + " Numenta Anomaly Benchmark, writes NAB result files under --output-dir and prints NAB's"
          + " scores (standard, low FP, low FN). With --score-results, scores another detector's"
          + " NAB result files instead."
    })
final class BacktestCommand implements Callable<Integer> {
  @Option(names = "--input", description = "Input CSV.")
  Path input;

  @Option(names = "--output", description = "Output CSV.")
  Path output;

  @Option(
      names = "--nab",
      description = "A checkout of the Numenta Anomaly Benchmark: evaluate over its corpus.")
  Path nab;

  @Option(
      names = "--output-dir",
      description = "With --nab: folder for the NAB result files (default: a temporary folder).")
  Path outputDir;

  @Option(
      names = "--score-results",
      paramLabel = "DIR",
      description =
          "With --nab: score NAB result files in DIR (e.g. NAB/results/numenta) instead of running"
              + " the detector; the detector's name is DIR's last segment.")
  Path scoreResults;

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
    if (nab != null) {
      return nab(cfg);
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

  private int nab(DetectorConfig cfg) throws java.io.IOException {
    NabEvaluation.Report report;
    try {
      if (scoreResults != null) {
        Path dir = scoreResults.toAbsolutePath().normalize();
        report = NabEvaluation.scoreResults(nab, dir, dir.getFileName().toString());
      } else {
        Path out =
            outputDir != null
                ? outputDir
                : java.nio.file.Files.createTempDirectory("burnrate-nab-");
        System.err.println("result files: " + out);
        report = NabEvaluation.run(nab, out, cfg, json ? null : System.err);
      }
    } catch (Backtest.BacktestException e) {
      System.err.println("burnrate backtest: " + e.getMessage());
      return 2;
    } catch (java.io.IOException | IllegalArgumentException e) {
      System.err.println("burnrate backtest: " + e.getMessage());
      return 2;
    }
    if (json) {
      System.out.println(
          new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(report));
    } else {
      report.print(System.out);
    }
    return 0;
  }

  /** What is wrong with the options, in one line naming the option; null when nothing is. */
  String invalidOption() throws java.io.IOException {
    if (nab != null) {
      if (input != null || output != null) {
        return "--nab evaluates over the NAB corpus: give either --nab or --input/--output";
      }
      if (!java.nio.file.Files.isRegularFile(nab.resolve("labels/combined_windows.json"))) {
        return "--nab: not a NAB checkout (no labels/combined_windows.json): " + nab;
      }
      if (scoreResults != null && !java.nio.file.Files.isDirectory(scoreResults)) {
        return "--score-results: no such folder: " + scoreResults;
      }
      if (outputDir != null && java.nio.file.Files.isRegularFile(outputDir)) {
        return "--output-dir: is a file: " + outputDir;
      }
      return null;
    }
    if (outputDir != null || scoreResults != null) {
      return "--output-dir and --score-results go with --nab";
    }
    if (input == null || output == null) {
      return "give --input and --output (or --nab DIR to evaluate over NAB)";
    }
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
