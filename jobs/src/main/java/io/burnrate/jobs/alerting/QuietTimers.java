package io.burnrate.jobs.alerting;

/**
 * Deadlines for "this key has gone quiet" timers, on a coarse grid.
 *
 * <p>A step that forgets a key after {@code quiet} of event time without input would register a
 * timer at {@code lastEvent + quiet} for every input; with one input per minute and six hours of
 * quiet that is 360 live timers per key, all of them written at every checkpoint. Rounding the
 * deadline up to a grid of {@code quiet / 8} (whole minutes) makes repeated registrations land on
 * the same timestamp, which Flink keeps once: about nine timers per key. The timer's handler still
 * compares the firing time with the key's last event, so a key is forgotten at most one grid step
 * later than {@code quiet}, never earlier.
 */
public final class QuietTimers {
  private static final long MINUTE = 60_000L;

  private QuietTimers() {}

  /** The first grid point at or after {@code lastEventTime + quietMillis}. */
  public static long deadline(long lastEventTime, long quietMillis) {
    long granule = Math.max(1, quietMillis / 8 / MINUTE) * MINUTE;
    long t = lastEventTime + quietMillis;
    return Math.floorDiv(t, granule) * granule + (Math.floorMod(t, granule) == 0 ? 0 : granule);
  }
}
