package io.burnrate.tools.backtest;

import io.burnrate.jobs.anomalies.DetectorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The anomaly detector over the whole Numenta Anomaly Benchmark, the way NAB evaluates a detector:
 * every data file through {@link Backtest#run} (the streaming job's code and defaults), the scores
 * written as NAB result files ({@code <out>/<category>/burnrate_<file>.csv}), then {@link
 * NabScorer} for the three profiles at the threshold NAB's optimiser would choose and at the
 * detector's own default threshold.
 *
 * <p>{@link #scoreResults} scores result files another detector wrote (NAB's own {@code
 * results/<detector>/} folders), which is how the scorer is checked against NAB's published table.
 */
public final class NabEvaluation {

  /** The scores of one evaluation. */
  public record Report(
      String detector,
      int files,
      long points,
      List<NabScorer.Result> optimised,
      List<NabScorer.Result> atDefault,
      Map<String, NabScorer.Result> byCategory,
      double microsPerPoint) {

    /** A table for a terminal. */
    public void print(PrintStream out) {
      out.printf(Locale.ROOT, "NAB: %s over %d files, %d points%n", detector, files, points);
      if (microsPerPoint > 0) {
        out.printf(Locale.ROOT, "  %.2f us per point (detector and CSV I/O)%n", microsPerPoint);
      }
      out.println("  at the threshold NAB's optimiser chooses:");
      for (NabScorer.Result r : optimised) {
        out.println("    " + r.describe());
      }
      if (!atDefault.isEmpty()) {
        out.println("  at the detector's default alert threshold:");
        for (NabScorer.Result r : atDefault) {
          out.println("    " + r.describe());
        }
      }
      out.println("  standard profile by category (at the optimised threshold):");
      byCategory.forEach(
          (k, r) ->
              out.printf(
                  Locale.ROOT,
                  "    %-22s %7.2f  (%d of %d windows, %d false positive points)%n",
                  k,
                  r.normalised(),
                  r.detectedWindows(),
                  r.windows(),
                  r.falsePositives()));
    }
  }

  private NabEvaluation() {}

  /**
   * Runs the detector with {@code cfg} over every file of the NAB checkout {@code nab}, writing the
   * result files under {@code out}. {@code progress} gets one line per file.
   */
  public static Report run(Path nab, Path out, DetectorConfig cfg, PrintStream progress)
      throws IOException {
    List<NabCorpus.DataFile> files = NabCorpus.load(nab);
    List<NabScorer.Scored> scored = new ArrayList<>();
    long points = 0;
    long started = System.nanoTime();
    int done = 0;
    for (NabCorpus.DataFile f : files) {
      Path result = resultPath(out, "burnrate", f.name());
      Files.createDirectories(result.getParent());
      Backtest.run(f.path(), result, cfg, false);
      int rows = f.timestamps().length;
      scored.add(
          new NabScorer.Scored(
              f.name(), f.timestamps(), NabCorpus.scores(result, rows), f.windows()));
      points += rows;
      done++;
      if (progress != null) {
        progress.printf(
            Locale.ROOT, "[%2d/%d] %s (%d points)%n", done, files.size(), f.name(), rows);
      }
    }
    double micros = (System.nanoTime() - started) / 1e3 / Math.max(1, points);
    return report("burnrate", scored, points, cfg.alertThreshold(), micros);
  }

  /**
   * Scores NAB-format result files of {@code detector} in {@code resultsDir} (no detector runs).
   */
  public static Report scoreResults(Path nab, Path resultsDir, String detector) throws IOException {
    List<NabCorpus.DataFile> files = NabCorpus.load(nab);
    List<NabScorer.Scored> scored = new ArrayList<>();
    long points = 0;
    for (NabCorpus.DataFile f : files) {
      Path result = resultPath(resultsDir, detector, f.name());
      if (!Files.isRegularFile(result)) {
        throw new IOException("no result file " + result + " for " + f.name());
      }
      int rows = f.timestamps().length;
      scored.add(
          new NabScorer.Scored(
              f.name(), f.timestamps(), NabCorpus.scores(result, rows), f.windows()));
      points += rows;
    }
    return report(detector, scored, points, Double.NaN, 0);
  }

  /** {@code <dir>/<category>/<detector>_<file>.csv}, NAB's layout of result files. */
  static Path resultPath(Path dir, String detector, String dataFile) {
    int slash = dataFile.indexOf('/');
    return dir.resolve(dataFile.substring(0, slash))
        .resolve(detector + "_" + dataFile.substring(slash + 1));
  }

  private static Report report(
      String detector, List<NabScorer.Scored> scored, long points, double dflt, double micros) {
    List<NabScorer.Result> optimised = new ArrayList<>();
    List<NabScorer.Result> atDefault = new ArrayList<>();
    for (NabScorer.Profile p : NabScorer.Profile.all()) {
      optimised.add(NabScorer.score(scored, p));
      if (!Double.isNaN(dflt)) {
        atDefault.add(NabScorer.scoreAt(scored, p, dflt));
      }
    }
    double thr = optimised.get(0).threshold();
    Map<String, List<NabScorer.Scored>> byCat = new LinkedHashMap<>();
    for (NabScorer.Scored s : scored) {
      byCat
          .computeIfAbsent(s.name().substring(0, s.name().indexOf('/')), k -> new ArrayList<>())
          .add(s);
    }
    Map<String, NabScorer.Result> byCategory = new LinkedHashMap<>();
    byCat.forEach(
        (k, l) -> {
          if (l.stream().anyMatch(s -> !s.windows().isEmpty())) {
            byCategory.put(k, NabScorer.scoreAt(l, NabScorer.Profile.STANDARD, thr));
          }
        });
    return new Report(detector, scored.size(), points, optimised, atDefault, byCategory, micros);
  }
}
