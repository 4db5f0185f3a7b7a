package io.burnrate.jobs.anomalies;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * Streaming, unsupervised anomaly detector for one numeric series at a time: a robust, seasonal
 * exponential-smoothing forecaster (in the spirit of Gelper, Fried and Croux's robust Holt-Winters)
 * whose one-step error, divided by a robust scale, gives the anomaly score.
 *
 * <p>The detector itself is stateless and thread-safe; everything it learns about a series lives in
 * a {@link DetectorState} (a Flink POJO of fixed size) that the caller keeps, e.g. in keyed {@code
 * ValueState}. The same code runs in the Flink job and in {@code ./burnrate backtest}.
 *
 * <pre>{@code
 * AnomalyDetector detector = new AnomalyDetector(DetectorConfig.defaults());
 * DetectorState state = new DetectorState();          // one per series
 * AnomalyResult r = detector.score(state, timestampMillis, value);
 * if (r.alertStarted()) {
 *   log.warn("{}: {}", seriesId, r.reason());
 *   // "observed 412 above expected range 120.3-180.9 for Tuesday 14:00 (seasonal baseline),
 *   //  score 0.93"
 * }
 * }</pre>
 *
 * <p>Per observation {@code y} at time {@code t}:
 *
 * <ol>
 *   <li>four candidate baselines forecast {@code y}: a fast and a smooth local level, and the same
 *       two on the deseasonalised series plus a seasonal profile {@code S(t)} (quarter-hour-of-day
 *       offset plus hour-of-week offset, each shrunk towards 0 while it has little data);
 *   <li>the baseline with the lowest long-run mean absolute error (half-life one day) is used: on a
 *       series without rhythm the recent level wins, on one with daily/weekly rhythm the seasonal
 *       one does;
 *   <li>{@code z = (y - forecast) / (1.2533 * MAE * tail)}, where {@code tail >= 1} widens the
 *       range of series whose recent errors are heavier-tailed than Gaussian (99.5th percentile of
 *       |z| over its Gaussian value); the score is {@code 1 / (1 + (4 / |z|)^4)} (0.5 at |z| = 4,
 *       0.8 at |z| = 5.7);
 *   <li>all levels and profiles are then updated with Huber-clipped errors (at most {@code huberK}
 *       robust standard deviations per observation), so outliers do not poison them; after {@code
 *       shiftPoints} consecutive out-of-range points on the same side the new level is accepted.
 * </ol>
 *
 * <p>Timestamps may be irregular: the level weights grow with the gap since the previous point, the
 * profiles learn in proportion to the time each point covers. An observation older than the newest
 * one seen is scored and learned from but does not move time back.
 */
public final class AnomalyDetector implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final long HOUR_MS = 3_600_000L;
  private static final long DAY_MS = 86_400_000L;
  private static final long SLOT_MS = DAY_MS / DetectorState.DAILY_SLOTS;

  /** E|X| = sigma * sqrt(2/pi) for a normal X, so sigma = MAE * sqrt(pi/2). */
  private static final double MAE_TO_SIGMA = Math.sqrt(Math.PI / 2);

  /** Errors are clipped at this many sigmas before they update a scale. */
  private static final double SCALE_CLIP = 4.0;

  /** Points after which updates become robust (clipped). */
  private static final int ROBUST_AFTER = 10;

  /**
   * What one observation may teach the slow statistics (the mean absolute value behind the scale
   * floor, the long-run errors that choose the baseline), in robust standard deviations around the
   * forecast. A single absurd value (1e9 in a series of ~50, 1e308) is scored as what it is but
   * moves them by a bounded amount, so the detector is not blinded afterwards.
   */
  private static final double LEARN_CLIP = 100.0;

  /**
   * Values are learned from at most this magnitude: above it sums and squares of a few values could
   * overflow to infinity, and no measurement is that large.
   */
  private static final double MAX_LEARNED = 1e150;

  /**
   * Points the sequence half learns from before its novelty counts: its range settles (it widens by
   * at most half its width per point) and its memory fills with the series' ordinary sequences.
   */
  static final int SEQUENCE_WARMUP_POINTS = 400;

  private static final int FAST = 0;
  private static final int SMOOTH = 1;
  private static final int SEASONAL_FAST = 2;
  private static final int SEASONAL_SMOOTH = 3;

  private final DetectorConfig config;
  private final double alertZ;
  private final ContextDetector sequences;
  private transient ZoneRules rules;

  public AnomalyDetector(DetectorConfig config) {
    this.config = config;
    this.alertZ = config.zOf(config.alertThreshold());
    ContextDetector d = ContextDetector.defaults();
    this.sequences =
        new ContextDetector(
            d.levels(),
            d.order(),
            d.growth(),
            d.forget(),
            d.restPeriod(),
            config.alertThreshold()); // the rest follows a detection at the alert threshold
  }

  public DetectorConfig config() {
    return config;
  }

  /**
   * Points a run seeded from its predecessor's model ({@link #seed}) only learns from before it may
   * alert: long enough for a new level to be accepted (see {@link DetectorConfig#shiftPoints()}),
   * short enough that a 40-minute job is watched for most of its life.
   */
  public static final int SEEDED_WARMUP_POINTS = 10;

  /**
   * Whether {@code s} has learned enough to seed another series: past the warm-up, not itself in a
   * seeded warm-up.
   */
  public boolean mature(DetectorState s) {
    return s.count > config.warmupPoints() && s.count > s.warmUntil;
  }

  /**
   * A new series that starts from what {@code predecessor} learned (a new run of the same job, a
   * new replica set of the same service): its level, scale, tails and daily and weekly profiles,
   * but no open alert or run of out-of-range points. The new series only learns for its first
   * {@link #SEEDED_WARMUP_POINTS} points (its level may differ), then is scored against the
   * predecessor's experience instead of waiting a full warm-up.
   */
  public DetectorState seed(DetectorState predecessor) {
    DetectorState s = predecessor.copy();
    s.alertOpen = false;
    s.quietPoints = 0;
    s.alertsOpened = 0;
    s.outOfOrder = 0;
    resetRun(s);
    s.warmUntil = s.count + SEEDED_WARMUP_POINTS;
    return s;
  }

  /** |z| at which the score reaches the alert threshold (half-width of the expected range). */
  public double alertZ() {
    return alertZ;
  }

  /**
   * Scores {@code value} observed at {@code timestampMillis} against what {@code state} has
   * learned, then learns from it. A value that is NaN or infinite is not learned from and gets
   * score 0 and baseline {@link AnomalyResult.Baseline#NONE}.
   */
  public AnomalyResult score(DetectorState s, long timestampMillis, double y) {
    ZoneRules zr = zoneRules();
    long local =
        zr.isFixedOffset()
            ? timestampMillis + zr.getOffset(Instant.EPOCH).getTotalSeconds() * 1000L
            : timestampMillis
                + zr.getOffset(Instant.ofEpochMilli(timestampMillis)).getTotalSeconds() * 1000L;
    long dayNumber = Math.floorDiv(local, DAY_MS);
    long msOfDay = Math.floorMod(local, DAY_MS);
    int hod = (int) (msOfDay / HOUR_MS);
    int slot = (int) (msOfDay / SLOT_MS);
    int dow = (int) Math.floorMod(dayNumber + 3, 7L); // 1970-01-01 was a Thursday; Monday = 0
    int how = dow * 24 + hod;

    if (!Double.isFinite(y)) {
      return new AnomalyResult(
          timestampMillis,
          y,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          0.0,
          s.alertOpen,
          false,
          s.count < config.warmupPoints(),
          AnomalyResult.Baseline.NONE,
          dow + 1,
          hod,
          s.count,
          config.warmupPoints(),
          false,
          0,
          0.0,
          0.0);
    }

    if (s.count == 0) {
      init(s, timestampMillis, Math.max(-MAX_LEARNED, Math.min(MAX_LEARNED, y)), how);
      sequences.combine(s.context, sequences.score(s.context, y), 0.0);
      return new AnomalyResult(
          timestampMillis,
          y,
          y,
          y,
          y,
          0.0,
          false,
          false,
          true,
          AnomalyResult.Baseline.RECENT_LEVEL,
          dow + 1,
          hod,
          1,
          config.warmupPoints(),
          false,
          0,
          0.0,
          0.0);
    }

    long n = ++s.count;
    // points of this run: a seeded series re-learns its level and scale from its own points, as a
    // new series does, and keeps what its predecessor learned about rhythm, tails and baselines
    long own = s.warmUntil > 0 ? n - (s.warmUntil - SEEDED_WARMUP_POINTS) : n;
    boolean robust = own > ROBUST_AFTER;
    double scored = y;
    y = Math.max(-MAX_LEARNED, Math.min(MAX_LEARNED, y));
    long dt = timestampMillis - s.lastTimestamp;
    if (dt < 0) {
      s.outOfOrder++;
      dt = 0;
    } else {
      s.lastTimestamp = timestampMillis;
    }
    if (dt > 0) {
      s.typicalInterval =
          s.typicalInterval <= 0
              ? dt
              : Math.exp(0.95 * Math.log(s.typicalInterval) + 0.05 * Math.log(dt));
    }
    double gap = s.typicalInterval > 0 ? Math.min(Math.max(dt / s.typicalInterval, 1.0), 100.0) : 1;
    double runningMean = 1.0 / Math.max(1, own); // bias correction while little data is in

    // --- forecasts of the four baselines
    double dW = s.dailyWeight[slot];
    double wW = s.weeklyWeight[how];
    double dailyPart = shrink(dW) * s.daily[slot];
    double weeklyPart = shrink(wW) * s.weekly[how];
    double seasonal = dailyPart + weeklyPart;
    double floor = config.relativeScaleFloor() * s.absMean + Double.MIN_NORMAL;

    int best = FAST;
    for (int m = 1; m < DetectorState.MODELS; m++) {
      if (s.longError[m] < s.longError[best]) {
        best = m;
      }
    }
    double forecast = s.level[best] + (best >= SEASONAL_FAST ? seasonal : 0);
    double rawSigma = Math.max(MAE_TO_SIGMA * s.error[best], floor);
    double err = scored - forecast;
    double rawAbsZ = Math.abs(err) / rawSigma;
    double tail = tailFactor(s);
    double sigma = rawSigma * tail;
    double z = err / sigma;
    double absZ = Math.abs(z);
    boolean seededWarmup = n > config.warmupPoints() && n <= s.warmUntil;
    boolean warming = n <= config.warmupPoints() || seededWarmup;
    double score = warming ? 0.0 : config.scoreOf(absZ);

    // --- learn: tails, scales, selection errors, levels
    // a run of out-of-range points (a shift, an outage) is one event: only its first point counts
    if (robust && (s.runLength == 0 || absZ < alertZ)) {
      learnTail(s, rawAbsZ);
    }
    double wScale = Math.max(config.scaleAlpha(), runningMean);
    double wLong =
        Math.max(1.0 - Math.pow(0.5, dt / (double) config.selectionHalfLifeMillis()), 1.0 / n);
    for (int m = 0; m < DetectorState.MODELS; m++) {
      double f = s.level[m] + (m >= SEASONAL_FAST ? seasonal : 0);
      double e = y - f;
      double sm = Math.max(MAE_TO_SIGMA * s.error[m], floor);
      double ae = robust ? Math.min(Math.abs(e), SCALE_CLIP * sm) : Math.abs(e);
      s.error[m] += wScale * (ae - s.error[m]);
      // hardly clipped: the rare large errors a seasonal profile avoids are what the choice is
      // about
      double le = Math.min(Math.abs(e), MAX_LEARNED);
      s.longError[m] += wLong * (le - s.longError[m]);
      double alpha = (m == FAST || m == SEASONAL_FAST) ? config.fastAlpha() : config.slowAlpha();
      double a = Math.max(1.0 - Math.pow(1.0 - alpha, gap), runningMean);
      s.level[m] += a * (robust ? clip(e, config.huberK() * sm) : e);
    }

    // --- learn: reference level and seasonal profiles
    double x = y - s.refLevel;
    double u = x - seasonal;
    double sigmaRef = Math.max(MAE_TO_SIGMA * s.refError, floor);
    double ae = robust ? Math.min(Math.abs(u), SCALE_CLIP * sigmaRef) : Math.abs(u);
    s.refError += wScale * (ae - s.refError);
    double wRef =
        Math.max(1.0 - Math.pow(0.5, dt / (double) config.seasonalHalfLifeMillis()), runningMean);
    s.refLevel += wRef * (robust ? clip(u, config.huberK() * sigmaRef) : u);
    double coverD = Math.min(dt / (double) SLOT_MS, 1.0);
    if (coverD > 0) {
      double newDW = Math.min(dW + coverD, config.dailyMemoryDays());
      double innovD = (x - weeklyPart) - s.daily[slot];
      if (dW >= 1) {
        innovD = clip(innovD, config.huberK() * sigmaRef);
      }
      s.daily[slot] += (float) (coverD / newDW * innovD);
      s.dailyWeight[slot] = (float) newDW;
      double coverW = Math.min(dt / (double) HOUR_MS, 1.0);
      double newWW = Math.min(wW + coverW, config.weeklyMemoryWeeks());
      double innovW = (x - shrink(newDW) * s.daily[slot]) - s.weekly[how];
      if (wW >= 1) {
        innovW = clip(innovW, config.huberK() * sigmaRef);
      }
      s.weekly[how] += (float) (coverW / newWW * innovW);
      s.weeklyWeight[how] = (float) newWW;
    }
    s.lastBucket = how;
    // robust: one absurd value moves the scale floor by a bounded amount (LEARN_CLIP sigmas)
    double learnedAbs =
        robust
            ? Math.min(
                Math.abs(y), LEARN_CLIP * (Math.max(s.absMean, Math.abs(forecast)) + rawSigma))
            : Math.abs(y);
    s.absMean += Math.max(runningMean, 0.005) * (learnedAbs - s.absMean);
    if (y < 0) {
      s.seenNegative = true;
    }

    // --- sustained shifts: accept the new level after shiftPoints out-of-range points on one side
    boolean shifted = false;
    if (absZ >= alertZ) {
      int sign = z > 0 ? 1 : -1;
      if (sign != s.runSign) {
        s.runSign = sign;
        s.runLength = 0;
        s.runSumPlain = 0;
        s.runSumSeasonal = 0;
      }
      s.runLength++;
      s.runSumPlain += y;
      s.runSumSeasonal += y - seasonal;
      if (s.runLength >= config.shiftPoints()) {
        double plain = s.runSumPlain / s.runLength;
        double deseasonalised = s.runSumSeasonal / s.runLength;
        s.refLevel += deseasonalised - s.level[SEASONAL_SMOOTH];
        s.level[FAST] = plain;
        s.level[SMOOTH] = plain;
        s.level[SEASONAL_FAST] = deseasonalised;
        s.level[SEASONAL_SMOOTH] = deseasonalised;
        resetRun(s);
        shifted = true;
      }
    } else {
      resetRun(s);
    }

    // --- the second opinion: how new the recent sequence of coarse levels is to this series; the
    // combined score reports the start of an anomaly and then rests (ContextDetector#combine)
    double novelty = sequences.score(s.context, scored);
    if (s.context.count <= SEQUENCE_WARMUP_POINTS) {
      novelty = 0; // while its range and memory settle, every sequence is new
    }
    double raw = Math.max(novelty, score);
    double reported = sequences.combine(s.context, novelty, score);
    if (warming) {
      reported = 0;
    }

    // --- alert with hysteresis: opens on the reported score, resolves on the raw one
    boolean started = false;
    if (!warming) {
      if (!s.alertOpen) {
        if (reported >= config.alertThreshold()) {
          s.alertOpen = true;
          s.quietPoints = 0;
          s.alertsOpened++;
          started = true;
        }
      } else if (raw < config.resolveThreshold()) {
        if (++s.quietPoints >= config.resolvePoints()) {
          s.alertOpen = false;
          s.quietPoints = 0;
        }
      } else {
        s.quietPoints = 0;
      }
    }

    double half = alertZ * sigma;
    double low = forecast - half;
    if (!s.seenNegative) {
      low = Math.max(0.0, low);
    }
    return new AnomalyResult(
        timestampMillis,
        scored,
        forecast,
        low,
        forecast + half,
        reported,
        s.alertOpen,
        started,
        warming,
        best >= SEASONAL_FAST
            ? AnomalyResult.Baseline.SEASONAL
            : AnomalyResult.Baseline.RECENT_LEVEL,
        dow + 1,
        hod,
        seededWarmup ? n - (s.warmUntil - SEEDED_WARMUP_POINTS) : n,
        seededWarmup ? SEEDED_WARMUP_POINTS : config.warmupPoints(),
        shifted,
        dt,
        warming ? 0.0 : novelty,
        score);
  }

  /** Quantile of |z| whose Gaussian value is {@link #GAUSS_Q}. */
  private static final double TAIL_Q = 0.995;

  private static final double GAUSS_Q = 2.8070;
  private static final double TAIL_DECAY = 1.0 / 2000;
  private static final double TAIL_MIN_WEIGHT = 50;

  /**
   * How much heavier than Gaussian the recent standardised errors are: the 99.5th percentile of |z|
   * over 2.807 (its Gaussian value), at least 1. Widens the expected range of series with frequent
   * large but normal excursions (an adaptive threshold in the spirit of SPOT, Siffer et al. 2017).
   */
  private static double tailFactor(DetectorState s) {
    if (s.zHistogramWeight < TAIL_MIN_WEIGHT) {
      return 1.0;
    }
    double above = (1 - TAIL_Q) * s.zHistogramWeight;
    double acc = 0;
    for (int b = DetectorState.TAIL_BINS - 1; b >= 0; b--) {
      double c = s.zHistogram[b];
      if (acc + c >= above) {
        // interpolate inside bin b (log2 |z| from -1 + b/2 to -1 + (b+1)/2)
        double frac = c > 0 ? (above - acc) / c : 0;
        double log2z = -1 + (b + 1 - frac) * 0.5;
        return Math.max(1.0, Math.pow(2, log2z) / GAUSS_Q);
      }
      acc += c;
    }
    return 1.0;
  }

  private static void learnTail(DetectorState s, double absZ) {
    float keep = (float) (1 - TAIL_DECAY);
    float[] h = s.zHistogram;
    for (int b = 0; b < h.length; b++) {
      h[b] *= keep;
    }
    int bin;
    if (!(absZ > 0.5)) {
      bin = 0;
    } else {
      double l = Math.log(absZ) / Math.log(2);
      bin = (int) Math.min(DetectorState.TAIL_BINS - 1, Math.floor((l + 1) * 2));
    }
    h[bin] += 1f;
    s.zHistogramWeight = s.zHistogramWeight * keep + 1f;
  }

  private static void init(DetectorState s, long t, double y, int how) {
    s.count = 1;
    s.lastTimestamp = t;
    s.lastBucket = how;
    for (int m = 0; m < DetectorState.MODELS; m++) {
      s.level[m] = y;
      s.error[m] = 0;
      s.longError[m] = 0;
    }
    s.refLevel = y;
    s.absMean = Math.abs(y);
    s.seenNegative = y < 0;
  }

  private static void resetRun(DetectorState s) {
    s.runLength = 0;
    s.runSign = 0;
    s.runSumPlain = 0;
    s.runSumSeasonal = 0;
  }

  /** Shrinkage of a profile bucket towards 0 while it has little data: w / (w + 1/4). */
  private static double shrink(double weight) {
    return weight / (weight + 0.25);
  }

  private static double clip(double v, double bound) {
    return v > bound ? bound : (v < -bound ? -bound : v);
  }

  private ZoneRules zoneRules() {
    ZoneRules r = rules;
    if (r == null) {
      r = ZoneId.of(config.zone()).getRules();
      rules = r;
    }
    return r;
  }
}
