package io.burnrate.jobs.anomalies;

/**
 * Everything the {@link ContextDetector} remembers about one series: a Flink POJO (public no-arg
 * constructor, public fields, primitives and primitive arrays only) of fixed size, whatever the
 * length of the series. Serialised size with Flink's {@code PojoSerializer}: 4,314 bytes (two 2 KiB
 * bit sets, the history ring and a handful of scalars).
 *
 * <p>Create one with {@code new ContextState()} per series; treat the fields as private to the
 * detector.
 */
public class ContextState {

  /** Longs per generation of the context memory (256 longs = 16,384 bits = 2 KiB). */
  public static final int MEMORY_LONGS = 256;

  /** Bits per generation of the context memory. */
  public static final int MEMORY_BITS = MEMORY_LONGS * 64;

  /** Maximum context order (length of the remembered symbol history). */
  public static final int MAX_ORDER = 16;

  /** Finite observations seen. */
  public long count;

  /** Robust, slowly forgetting lower end of the value range. */
  public double low;

  /** Robust, slowly forgetting upper end of the value range. */
  public double high;

  /** Smallest value of the current block of observations (for the range reset). */
  public double blockLow = Double.POSITIVE_INFINITY;

  /** Largest value of the current block of observations. */
  public double blockHigh = Double.NEGATIVE_INFINITY;

  /** Observations in the current block. */
  public int blockCount;

  /** Side of the range the previous observation fell on: 1 above, -1 below, 0 inside. */
  public int outside;

  /** The last {@link #MAX_ORDER} symbols, newest at {@code history[historyHead]}. */
  public long[] history = new long[MAX_ORDER];

  /** Index of the newest symbol in {@link #history}. */
  public int historyHead;

  /** Current generation of the hashed context memory (a bit set). */
  public long[] memory = new long[MEMORY_LONGS];

  /** Previous generation of the context memory, still consulted, dropped at the next rollover. */
  public long[] oldMemory = new long[MEMORY_LONGS];

  /** Bits set in {@link #memory}; when it passes the fill limit the generations roll over. */
  public int memoryFill;

  /** Observations since the last raw (pre-rest) score at or above the rest trigger. */
  public long sinceTrigger = Long.MAX_VALUE / 2;

  /** Whether the rest in progress was started by a new sequence rather than by a deviation. */
  public boolean restByNovelty;

  /** A deep copy. */
  public ContextState copy() {
    ContextState c = new ContextState();
    c.count = count;
    c.low = low;
    c.high = high;
    c.blockLow = blockLow;
    c.blockHigh = blockHigh;
    c.blockCount = blockCount;
    c.outside = outside;
    c.history = history.clone();
    c.historyHead = historyHead;
    c.memory = memory.clone();
    c.oldMemory = oldMemory.clone();
    c.memoryFill = memoryFill;
    c.sinceTrigger = sinceTrigger;
    c.restByNovelty = restByNovelty;
    return c;
  }
}
