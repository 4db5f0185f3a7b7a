package io.burnrate.jobs.anomalies;

/**
 * Everything the {@link AnomalyDetector} remembers about one series. A Flink POJO (public no-arg
 * constructor, public fields, primitives and primitive arrays only), so it lives in keyed {@code
 * ValueState} without Kryo. Its serialised size is fixed: about 6.8 KB with Flink's {@code
 * PojoSerializer}, its {@link ContextState} included (bounded below 8 KiB in {@code
 * AnomalyDetectorTest}), whatever the length of the series.
 *
 * <p>Create one with {@code new DetectorState()} per series and pass it to {@link
 * AnomalyDetector#score}; treat the fields as private to the detector.
 */
public class DetectorState {

  /** Number of candidate baselines: fast/smooth recent level, fast/smooth seasonal. */
  public static final int MODELS = 4;

  /** Slots of the daily profile: 96 quarter-hours. */
  public static final int DAILY_SLOTS = 96;

  public static final int HOURS_PER_WEEK = 168;

  /** Bins of the |z| histogram. */
  public static final int TAIL_BINS = 34;

  /** Finite observations seen. */
  public long count;

  /** Newest timestamp seen (epoch millis). */
  public long lastTimestamp;

  /** Hour-of-week bucket of the previous observation, -1 before the first. */
  public int lastBucket = -1;

  /** Typical interval between observations (geometric moving average, millis). */
  public double typicalInterval;

  /** Observations that arrived with a timestamp older than {@link #lastTimestamp}. */
  public long outOfOrder;

  /** Level of each candidate baseline (of the deseasonalised series for the seasonal ones). */
  public double[] level = new double[MODELS];

  /** Short-run mean absolute one-step error of each baseline (its robust scale). */
  public double[] error = new double[MODELS];

  /** Long-run mean absolute error of each baseline, used to choose the baseline. */
  public double[] longError = new double[MODELS];

  /** Slow reference level against which the seasonal profiles are learned. */
  public double refLevel;

  /** Mean absolute error of the reference-plus-profile model. */
  public double refError;

  /** Slow mean of |value|, for the scale floor. */
  public double absMean;

  /** Whether a negative value was ever seen (if not, the expected range is clipped at 0). */
  public boolean seenNegative;

  /** Time-of-day profile: offset of each quarter-hour from the reference level. */
  public float[] daily = new float[DAILY_SLOTS];

  /** Quarter-hours of data behind each time-of-day slot (about one per day, capped). */
  public float[] dailyWeight = new float[DAILY_SLOTS];

  /** Hour-of-week profile: offset of each hour of the week beyond the daily profile. */
  public float[] weekly = new float[HOURS_PER_WEEK];

  /** Hours of data behind each hour-of-week bucket (about one per week, capped). */
  public float[] weeklyWeight = new float[HOURS_PER_WEEK];

  /**
   * Exponentially decayed histogram of log2 |z| (bins of 1/2 from |z| = 0.5 to 65536), to learn how
   * heavy the tails of the standardised errors are.
   */
  public float[] zHistogram = new float[TAIL_BINS];

  /** Total weight in {@link #zHistogram}. */
  public float zHistogramWeight;

  /** Length of the current run of out-of-range points on one side. */
  public int runLength;

  /** Side of that run: +1 above, -1 below, 0 none. */
  public int runSign;

  /** Sum of the values in the run (to re-level the recent-level baselines). */
  public double runSumPlain;

  /** Sum of the deseasonalised values in the run (to re-level the seasonal baselines). */
  public double runSumSeasonal;

  /** Whether an alert is open (hysteresis). */
  public boolean alertOpen;

  /** Consecutive quiet points while an alert is open. */
  public int quietPoints;

  /** Alerts opened so far. */
  public long alertsOpened;

  /**
   * For a state seeded from a predecessor's ({@link AnomalyDetector#seed}): the point count up to
   * which the detector still only learns (the new run's first points), 0 otherwise.
   */
  public long warmUntil;

  /** What the sequence-novelty half of the detector remembers ({@link ContextDetector}). */
  public ContextState context = new ContextState();

  public DetectorState() {}

  /** A deep copy. */
  public DetectorState copy() {
    DetectorState c = new DetectorState();
    c.count = count;
    c.lastTimestamp = lastTimestamp;
    c.lastBucket = lastBucket;
    c.typicalInterval = typicalInterval;
    c.outOfOrder = outOfOrder;
    c.level = level.clone();
    c.error = error.clone();
    c.longError = longError.clone();
    c.refLevel = refLevel;
    c.refError = refError;
    c.absMean = absMean;
    c.seenNegative = seenNegative;
    c.daily = daily.clone();
    c.dailyWeight = dailyWeight.clone();
    c.weekly = weekly.clone();
    c.weeklyWeight = weeklyWeight.clone();
    c.zHistogram = zHistogram.clone();
    c.zHistogramWeight = zHistogramWeight;
    c.runLength = runLength;
    c.runSign = runSign;
    c.runSumPlain = runSumPlain;
    c.runSumSeasonal = runSumSeasonal;
    c.alertOpen = alertOpen;
    c.quietPoints = quietPoints;
    c.alertsOpened = alertsOpened;
    c.warmUntil = warmUntil;
    c.context = context.copy();
    return c;
  }
}
