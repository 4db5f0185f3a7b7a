package io.burnrate.jobs.anomalies.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the candidate detectors on generated labelled series (always; offline, deterministic)
 * and on NAB if a checkout is given. Prints Markdown tables (docs/anomaly-detection.md).
 *
 * <pre>
 * mvn -q -B -pl jobs -Dspotless.check.skip=true test-compile \
 *     dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp jobs/target/test-classes:jobs/target/classes:$(cat /tmp/cp.txt) \
 *     io.burnrate.jobs.anomalies.eval.Evaluate [--nab /path/to/NAB] [--seed 1] [--no-rcf]
 * </pre>
 *
 * Not a test (so {@code mvn verify} does not run it).
 */
public final class Evaluate {

  private Evaluate() {}

  public static void main(String[] args) throws Exception {
    Path nab = null;
    long seed = 1;
    boolean rcf = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--nab" -> nab = Path.of(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--no-rcf" -> rcf = false;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    List<Series> generated = Generators.all(seed);
    List<Series> nabSeries = new ArrayList<>();
    if (nab != null && Files.isDirectory(nab)) {
      nabSeries = Nab.load(nab);
    }
    List<Methods.Method> methods = new ArrayList<>(Methods.all());
    if (!rcf) {
      methods.removeIf(m -> m instanceof Methods.Rcf);
    }
    System.out.printf(
        Locale.ROOT,
        "generated: %d series, %d points; NAB: %d series, %d points%n%n",
        generated.size(),
        points(generated),
        nabSeries.size(),
        points(nabSeries));
    evaluate("Generated (seed " + seed + ")", generated, methods);
    if (!nabSeries.isEmpty()) {
      evaluate("NAB", nabSeries, methods);
    }
    if (Methods.lastStateBytes != 0) {
      System.out.printf(
          Locale.ROOT,
          "RCF state of one series (Java-serialised ThresholdedRandomCutForestState): %d bytes%n",
          Methods.lastStateBytes);
    }
  }

  private static long points(List<Series> l) {
    return l.stream().mapToLong(s -> s.v().length).sum();
  }

  private static void evaluate(String title, List<Series> all, List<Methods.Method> methods) {
    Map<String, List<Series>> byDataset = new LinkedHashMap<>();
    for (Series s : all) {
      byDataset.computeIfAbsent(s.dataset(), k -> new ArrayList<>()).add(s);
    }
    double[] grid = new double[70];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = 0.30 + 0.01 * i;
    }
    System.out.println("### " + title);
    System.out.println();
    System.out.println(
        "| data set | method | P | R | F1 | alerts | false/10k pts | median delay (pts) |"
            + " best thr | best F1 |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    Map<String, Metrics.Counts> totals = new LinkedHashMap<>();
    Map<String, Metrics.Counts[]> totalsSweep = new LinkedHashMap<>();
    Map<String, Double> nanosPerPoint = new LinkedHashMap<>();
    for (Methods.Method m : methods) {
      Metrics.Counts total = Metrics.Counts.zero();
      Metrics.Counts[] sweepTotal = new Metrics.Counts[grid.length];
      for (int g = 0; g < grid.length; g++) {
        sweepTotal[g] = Metrics.Counts.zero();
      }
      long nanos = 0;
      long pts = 0;
      for (Map.Entry<String, List<Series>> ds : byDataset.entrySet()) {
        Metrics.Counts c = Metrics.Counts.zero();
        Metrics.Counts[] sweep = new Metrics.Counts[grid.length];
        for (int g = 0; g < grid.length; g++) {
          sweep[g] = Metrics.Counts.zero();
        }
        for (Series s : ds.getValue()) {
          long t0 = System.nanoTime();
          Methods.Scored sc = m.run(s);
          nanos += System.nanoTime() - t0;
          pts += s.v().length;
          c = c.plus(Metrics.count(s, sc.alert()));
          for (int g = 0; g < grid.length; g++) {
            sweep[g] = sweep[g].plus(Metrics.count(s, Methods.thresholded(sc.score(), grid[g])));
          }
        }
        int best = bestIndex(sweep);
        row(ds.getKey(), m.name(), c, grid[best], sweep[best].f1());
        total = total.plus(c);
        for (int g = 0; g < grid.length; g++) {
          sweepTotal[g] = sweepTotal[g].plus(sweep[g]);
        }
      }
      totals.put(m.name(), total);
      totalsSweep.put(m.name(), sweepTotal);
      nanosPerPoint.put(m.name(), nanos / (double) pts);
    }
    for (Methods.Method m : methods) {
      Metrics.Counts[] sw = totalsSweep.get(m.name());
      int best = bestIndex(sw);
      row("**all**", m.name(), totals.get(m.name()), grid[best], sw[best].f1());
    }
    System.out.println();
    System.out.println("| method | time per point (µs, incl. JIT warm-up) |");
    System.out.println("|---|---|");
    nanosPerPoint.forEach(
        (k, v) -> System.out.printf(Locale.ROOT, "| %s | %.2f |%n", k, v / 1000.0));
    System.out.println();
    Methods.Method prod = methods.get(0);
    Metrics.Counts[] sw = totalsSweep.get(prod.name());
    System.out.println(
        "Threshold sensitivity of " + prod.name() + " (all data sets, no hysteresis):");
    System.out.println();
    System.out.println("| threshold | abs z | P | R | F1 | false/10k pts |");
    System.out.println("|---|---|---|---|---|---|");
    for (double thr : new double[] {0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}) {
      int g = (int) Math.round((thr - 0.30) / 0.01);
      Metrics.Counts c = sw[g];
      System.out.printf(
          Locale.ROOT,
          "| %.2f | %.1f | %.3f | %.3f | %.3f | %.2f |%n",
          thr,
          io.burnrate.jobs.anomalies.DetectorConfig.defaults().zOf(thr),
          c.precision(),
          c.recall(),
          c.f1(),
          c.falseRate());
    }
    System.out.println();
  }

  private static int bestIndex(Metrics.Counts[] sweep) {
    int best = 0;
    for (int g = 1; g < sweep.length; g++) {
      if (sweep[g].f1() > sweep[best].f1()) {
        best = g;
      }
    }
    return best;
  }

  private static void row(String ds, String method, Metrics.Counts c, double thr, double f1) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %.3f | %.3f | %.3f | %d | %.2f | %s | %.2f | %.3f |%n",
        ds,
        method,
        c.precision(),
        c.recall(),
        c.f1(),
        c.events(),
        c.falseRate(),
        Double.isNaN(c.medianDelay()) ? "-" : String.format(Locale.ROOT, "%.0f", c.medianDelay()),
        thr,
        f1);
    System.out.flush();
  }
}
