package io.burnrate.jobs.parse;

import io.burnrate.schemas.parse.Plausibility;
import java.io.Serializable;

/**
 * What an input record may be before it is rejected (each limit a configuration option, see
 * docs/configuration.md): its size, its longest JSON string, its number of billing tags, and how
 * far its event time may be in the past or ahead of the wall clock; and the plausibility bounds of
 * its money, rates and dates.
 */
public record InputLimits(
    int maxRecordBytes,
    int maxStringBytes,
    int maxTags,
    long minEventTime,
    long maxFutureSkewMillis,
    Plausibility bounds)
    implements Serializable {

  /** The limits with the default plausibility bounds ({@link Plausibility#DEFAULTS}). */
  public InputLimits(
      int maxRecordBytes,
      int maxStringBytes,
      int maxTags,
      long minEventTime,
      long maxFutureSkewMillis) {
    this(
        maxRecordBytes,
        maxStringBytes,
        maxTags,
        minEventTime,
        maxFutureSkewMillis,
        Plausibility.DEFAULTS);
  }

  /** Only a record size limit (the other limits off, the default plausibility bounds). */
  public static InputLimits recordBytes(int maxRecordBytes) {
    return new InputLimits(
        maxRecordBytes, Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 2);
  }

  /**
   * The length in bytes of the longest JSON string in {@code json} (escapes count as their bytes):
   * one pass over the bytes, no parse.
   */
  public static int longestString(byte[] json) {
    int longest = 0;
    int run = -1; // -1: outside a string
    for (int i = 0; i < json.length; i++) {
      byte b = json[i];
      if (run < 0) {
        if (b == '"') {
          run = 0;
        }
      } else if (b == '\\') {
        run += 2;
        i++;
      } else if (b == '"') {
        longest = Math.max(longest, run);
        run = -1;
      } else {
        run++;
      }
    }
    return Math.max(longest, Math.max(run, 0)); // an unterminated string counts too
  }
}
