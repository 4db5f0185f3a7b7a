package io.burnrate.jobs.anomalies.eval;

import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import io.burnrate.jobs.anomalies.AnomalyDetector;
import io.burnrate.jobs.anomalies.AnomalyResult;
import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.jobs.anomalies.DetectorState;
import java.util.Arrays;
import java.util.List;

/** The candidate detectors, each behind one small interface. */
final class Methods {

  private Methods() {}

  /** One series' scores: a score in [0, 1] per point, and the method's own default alert flags. */
  record Scored(double[] score, boolean[] alert) {}

  interface Method {
    String name();

    /** Scores one series from scratch. */
    Scored run(Series s);
  }

  static List<Method> all() {
    return List.of(
        new Production("burnrate (robust seasonal)", DetectorConfig.defaults()),
        new RollingRobustZ(288),
        new EwmaZ(0.05),
        new Rcf(8, 50, 256));
  }

  private static final DetectorConfig SCORE_MAP = DetectorConfig.defaults();
  private static final int WARMUP = SCORE_MAP.warmupPoints();

  /** The production detector; default alert = its own alert flag (threshold and hysteresis). */
  record Production(String name, DetectorConfig cfg) implements Method {
    @Override
    public Scored run(Series s) {
      AnomalyDetector d = new AnomalyDetector(cfg);
      DetectorState st = new DetectorState();
      double[] sc = new double[s.v().length];
      boolean[] al = new boolean[sc.length];
      for (int i = 0; i < sc.length; i++) {
        AnomalyResult r = d.score(st, s.ts()[i], s.v()[i]);
        sc[i] = r.score();
        al[i] = r.alert();
      }
      return new Scored(sc, al);
    }
  }

  /**
   * Baseline: robust z-score against the median and MAD of the previous {@code window} points
   * (Hampel identifier), same z-to-score mapping and threshold as production.
   */
  record RollingRobustZ(int window) implements Method {
    @Override
    public String name() {
      return "rolling median/MAD z (" + window + " pts)";
    }

    @Override
    public Scored run(Series s) {
      double[] v = s.v();
      double[] sc = new double[v.length];
      double[] buf = new double[window];
      double[] tmp = new double[window];
      for (int i = 0; i < v.length; i++) {
        int n = Math.min(i, window);
        if (i >= WARMUP && n > 2) {
          System.arraycopy(buf, 0, tmp, 0, n);
          Arrays.sort(tmp, 0, n);
          double med = median(tmp, n);
          for (int k = 0; k < n; k++) {
            tmp[k] = Math.abs(tmp[k] - med);
          }
          Arrays.sort(tmp, 0, n);
          double mad = 1.4826 * median(tmp, n);
          double floor = 1e-3 * Math.abs(med) + Double.MIN_NORMAL;
          sc[i] = SCORE_MAP.scoreOf(Math.abs(v[i] - med) / Math.max(mad, floor));
        }
        buf[i % window] = v[i];
      }
      return new Scored(sc, thresholded(sc, SCORE_MAP.alertThreshold()));
    }

    private static double median(double[] a, int n) {
      return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
    }
  }

  /** Baseline: EWMA mean and EW variance (Roberts' EWMA chart), z-score, same mapping. */
  record EwmaZ(double alpha) implements Method {
    @Override
    public String name() {
      return "EWMA z (alpha " + alpha + ")";
    }

    @Override
    public Scored run(Series s) {
      double[] v = s.v();
      double[] sc = new double[v.length];
      double mean = v[0];
      double var = 0;
      for (int i = 1; i < v.length; i++) {
        double e = v[i] - mean;
        double sd = Math.sqrt(var);
        double floor = 1e-3 * Math.abs(mean) + Double.MIN_NORMAL;
        if (i >= WARMUP) {
          sc[i] = SCORE_MAP.scoreOf(Math.abs(e) / Math.max(sd, floor));
        }
        double w = Math.max(alpha, 1.0 / (i + 1));
        mean += w * e;
        var = (1 - w) * (var + w * e * e);
      }
      return new Scored(sc, thresholded(sc, SCORE_MAP.alertThreshold()));
    }
  }

  /**
   * Random Cut Forest (Guha et al. 2016) as AWS publishes it for Java: {@code
   * ThresholdedRandomCutForest} from randomcutforest-parkservices 4.2.0, internal shingling, the
   * library's NORMALIZE transform and its own adaptive threshold. Default alert = anomaly grade >
   * 0; the score for threshold sweeps is {@code rcfScore / (rcfScore + 1)} (monotone in the
   * library's score).
   */
  record Rcf(int shingle, int trees, int sampleSize) implements Method {
    @Override
    public String name() {
      return "RCF (parkservices 4.2.0, shingle " + shingle + ", " + trees + " trees)";
    }

    @Override
    public Scored run(Series s) {
      ThresholdedRandomCutForest f =
          ThresholdedRandomCutForest.builder()
              .dimensions(shingle)
              .shingleSize(shingle)
              .internalShinglingEnabled(true)
              .numberOfTrees(trees)
              .sampleSize(sampleSize)
              .transformMethod(TransformMethod.NORMALIZE)
              .randomSeed(42)
              .build();
      double[] v = s.v();
      double[] sc = new double[v.length];
      boolean[] al = new boolean[v.length];
      for (int i = 0; i < v.length; i++) {
        AnomalyDescriptor d = f.process(new double[] {v[i]}, s.ts()[i] / 1000);
        double raw = d.getRCFScore();
        sc[i] = raw > 0 ? raw / (raw + 1) : 0;
        al[i] = d.getAnomalyGrade() > 0;
      }
      if (lastStateBytes == 0) {
        lastStateBytes = stateBytes(f);
      }
      return new Scored(sc, al);
    }
  }

  /** Java-serialised size of one trained forest's state (parkservices' own state mapper). */
  static volatile long lastStateBytes;

  static long stateBytes(ThresholdedRandomCutForest f) {
    try {
      var state =
          new com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper()
              .toState(f);
      var bytes = new java.io.ByteArrayOutputStream();
      try (var out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(state);
      }
      return bytes.size();
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  static boolean[] thresholded(double[] sc, double thr) {
    boolean[] a = new boolean[sc.length];
    for (int i = 0; i < sc.length; i++) {
      a[i] = sc[i] >= thr;
    }
    return a;
  }
}
