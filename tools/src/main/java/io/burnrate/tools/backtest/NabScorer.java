package io.burnrate.tools.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Numenta Anomaly Benchmark's scoring (Lavin and Ahmad, "Evaluating Real-time Anomaly Detection
 * Algorithms — the Numenta Anomaly Benchmark", 2015; {@code nab/sweeper.py} and {@code
 * nab/runner.py} of github.com/numenta/NAB), written from its definition:
 *
 * <ul>
 *   <li>a point is a detection when its anomaly score is at or above the threshold; the first 15%
 *       of each file (at most 750 points) is probationary and never counts;
 *   <li>a labelled window is worth {@code tpWeight * S(p) / S(-1)} for its earliest detection,
 *       where {@code p = -(right - i + 1) / width} is the detection's relative position ({@code -1}
 *       at the left edge, 0 at the right) and {@code S(p) = 2 / (1 + e^(5p)) - 1}; a window without
 *       a detection costs {@code fnWeight};
 *   <li>every detection outside a window costs {@code fpWeight * S(d)}, where {@code d} is its
 *       distance after the previous window's right edge over that window's width minus one (a
 *       detection with no window before it, or with {@code d > 3}, costs the full {@code
 *       fpWeight});
 *   <li>the threshold is the one that maximises the corpus score (one threshold for all files);
 *   <li>the reported score is normalised: {@code 100 * (raw - null) / (perfect - null)}, where
 *       {@code null} is the raw score of a detector that never detects and {@code perfect =
 *       tpWeight * windows}.
 * </ul>
 *
 * <p>Checked against NAB's published result files in {@code NabScorerTest} and in the evaluation
 * command of docs/anomaly-detection.md.
 */
public final class NabScorer {

  /** NAB's application profiles ({@code config/profiles.json}). */
  public record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {
    public static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);
    public static final Profile LOW_FP = new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    public static final Profile LOW_FN = new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0);

    public static List<Profile> all() {
      return List.of(STANDARD, LOW_FP, LOW_FN);
    }
  }

  /** One file's labelled series and the detector's scores for it. */
  public record Scored(String name, long[] timestamps, double[] scores, List<long[]> windows) {}

  /** The best threshold of a profile over a corpus, and what it gives. */
  public record Result(
      Profile profile,
      double threshold,
      double raw,
      double normalised,
      int windows,
      int detectedWindows,
      int falsePositives) {
    public String describe() {
      return String.format(
          Locale.ROOT,
          "%-18s %6.2f  (threshold %.4f, raw %.2f, %d of %d windows detected, %d false positive"
              + " points)",
          profile.name(),
          normalised,
          threshold,
          raw,
          detectedWindows,
          windows,
          falsePositives);
    }
  }

  private static final double PROBATION_PERCENT = 0.15;

  private NabScorer() {}

  static double scaledSigmoid(double position) {
    if (position > 3.0) {
      return -1.0;
    }
    return 2.0 / (1.0 + Math.exp(5.0 * position)) - 1.0;
  }

  static int probationaryLength(int rows) {
    return (int) Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
  }

  /** A scorable point: its anomaly score, its weighted score and its window (-1: none). */
  private record Point(double score, double weighted, int window) {}

  /**
   * Scores a corpus for one profile at its best threshold. The null and perfect scores are those of
   * the same corpus, as NAB normalises.
   */
  public static Result score(List<Scored> corpus, Profile p) {
    return best(points(corpus, p), countWindows(corpus), p);
  }

  /** Scores a corpus for one profile at a given threshold (detection: score >= threshold). */
  public static Result scoreAt(List<Scored> corpus, Profile p, double threshold) {
    List<Point> pts = points(corpus, p);
    int windows = countWindows(corpus);
    double[] scoreParts = new double[windows];
    Arrays.fill(scoreParts, Double.NaN);
    boolean[] scorable = scorableWindows(pts, windows);
    double fp = 0;
    int fpCount = 0;
    for (Point x : pts) {
      if (x.score < threshold) {
        continue;
      }
      if (x.window < 0) {
        fp += x.weighted;
        fpCount++;
      } else if (Double.isNaN(scoreParts[x.window]) || x.weighted > scoreParts[x.window]) {
        scoreParts[x.window] = x.weighted;
      }
    }
    double raw = fp;
    int detected = 0;
    for (int w = 0; w < windows; w++) {
      if (!scorable[w]) {
        continue;
      }
      if (Double.isNaN(scoreParts[w])) {
        raw -= p.fnWeight();
      } else {
        raw += Math.max(-p.fnWeight(), scoreParts[w]);
        detected++;
      }
    }
    return result(p, threshold, raw, scorable, windows, detected, fpCount);
  }

  private static int countWindows(List<Scored> corpus) {
    int n = 0;
    for (Scored s : corpus) {
      n += s.windows().size();
    }
    return n;
  }

  private static boolean[] scorableWindows(List<Point> pts, int windows) {
    boolean[] scorable = new boolean[windows];
    for (Point x : pts) {
      if (x.window >= 0) {
        scorable[x.window] = true;
      }
    }
    return scorable;
  }

  private static Result result(
      Profile p,
      double threshold,
      double raw,
      boolean[] scorable,
      int windows,
      int detected,
      int fpCount) {
    int counted = 0;
    for (boolean b : scorable) {
      counted += b ? 1 : 0;
    }
    double nullScore = -p.fnWeight() * counted;
    double perfect = p.tpWeight() * windows;
    double normalised = 100.0 * (raw - nullScore) / (perfect - nullScore);
    return new Result(p, threshold, raw, normalised, windows, detected, fpCount);
  }

  /** Every non-probationary point of the corpus with its weighted score, windows numbered. */
  private static List<Point> points(List<Scored> corpus, Profile p) {
    List<Point> out = new ArrayList<>();
    int windowBase = 0;
    double maxTp = scaledSigmoid(-1.0);
    for (Scored s : corpus) {
      long[] ts = s.timestamps();
      double[] sc = s.scores();
      if (ts.length != sc.length) {
        throw new IllegalArgumentException(
            s.name() + ": " + ts.length + " timestamps but " + sc.length + " scores");
      }
      int probation = probationaryLength(ts.length);
      List<long[]> windows = s.windows();
      int next = 0;
      int cur = -1;
      int curRight = -1;
      double curWidth = 0;
      int prevRight = -1;
      double prevWidth = 0;
      for (int i = 0; i < ts.length; i++) {
        if (cur < 0 && next < windows.size() && ts[i] == windows.get(next)[0]) {
          cur = next++;
          curRight = indexOf(ts, windows.get(cur)[1], i, s.name());
          curWidth = curRight - i + 1;
        }
        double weighted;
        if (cur >= 0) {
          double position = -(curRight - i + 1) / curWidth;
          weighted = scaledSigmoid(position) * p.tpWeight() / maxTp;
        } else if (prevRight < 0) {
          weighted = -1.0 * p.fpWeight();
        } else {
          double past = Math.abs(prevRight - i) / (prevWidth - 1);
          weighted = scaledSigmoid(past) * p.fpWeight();
        }
        if (i >= probation) {
          out.add(new Point(sc[i], weighted, cur >= 0 ? windowBase + cur : -1));
        }
        if (cur >= 0 && i == curRight) {
          prevRight = i;
          prevWidth = curWidth;
          cur = -1;
        }
      }
      if (next != windows.size()) {
        throw new IllegalArgumentException(
            s.name() + ": window starting at " + windows.get(next)[0] + " is not a row's time");
      }
      windowBase += windows.size();
    }
    return out;
  }

  private static int indexOf(long[] ts, long t, int from, String name) {
    for (int i = from; i < ts.length; i++) {
      if (ts[i] == t) {
        return i;
      }
    }
    throw new IllegalArgumentException(name + ": window ending at " + t + " is not a row's time");
  }

  /**
   * NAB's threshold sweep: every distinct score is a candidate threshold, from the highest down.
   */
  private static Result best(List<Point> pts, int windows, Profile p) {
    Point[] sorted = pts.toArray(new Point[0]);
    Arrays.sort(sorted, (a, b) -> Double.compare(b.score, a.score));
    boolean[] scorable = scorableWindows(pts, windows);
    double[] parts = new double[windows];
    int counted = 0;
    for (int w = 0; w < windows; w++) {
      if (scorable[w]) {
        parts[w] = -p.fnWeight();
        counted++;
      }
    }
    boolean[] hit = new boolean[windows];
    double windowSum = -p.fnWeight() * counted;
    double fp = 0;
    int fpCount = 0;
    int detected = 0;
    double bestScore = windowSum;
    double bestThreshold = 1.1;
    int bestDetected = 0;
    int bestFp = 0;
    int i = 0;
    while (i < sorted.length) {
      double thr = sorted[i].score;
      while (i < sorted.length && sorted[i].score == thr) {
        Point x = sorted[i++];
        if (x.window < 0) {
          fp += x.weighted;
          fpCount++;
        } else {
          if (!hit[x.window]) {
            hit[x.window] = true;
            detected++;
          }
          if (x.weighted > parts[x.window]) {
            windowSum += x.weighted - parts[x.window];
            parts[x.window] = x.weighted;
          }
        }
      }
      double score = windowSum + fp;
      if (score > bestScore) {
        bestScore = score;
        bestThreshold = thr;
        bestDetected = detected;
        bestFp = fpCount;
      }
    }
    return result(p, bestThreshold, bestScore, scorable, windows, bestDetected, bestFp);
  }
}
