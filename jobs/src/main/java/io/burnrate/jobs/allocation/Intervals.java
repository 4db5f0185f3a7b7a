package io.burnrate.jobs.allocation;

/** Time arithmetic on half-open intervals [start, end) in epoch milliseconds. */
public final class Intervals {
  public static final long MINUTE = 60_000L;
  public static final long HOUR = 3_600_000L;

  private Intervals() {}

  /**
   * Milliseconds of [start, end) inside [from, to). A negative {@code start} means "not started"
   * (no overlap); a negative {@code end} means "still running".
   */
  public static long overlap(long start, long end, long from, long to) {
    if (start < 0) {
      return 0;
    }
    long s = Math.max(start, from);
    long e = end < 0 ? to : Math.min(end, to);
    return Math.max(0, e - s);
  }

  /** Like {@link #overlap} but an unknown start ({@code < 0}) means "since forever". */
  public static long overlapOpenStart(long start, long end, long from, long to) {
    return overlap(start < 0 ? from : start, end, from, to);
  }

  public static long floorMinute(long t) {
    return Math.floorDiv(t, MINUTE) * MINUTE;
  }

  public static long floorHour(long t) {
    return Math.floorDiv(t, HOUR) * HOUR;
  }
}
