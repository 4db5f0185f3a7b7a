package io.burnrate.jobs.anomalies;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Parses the timestamps a recorded series may carry: ISO-8601 with or without an offset ({@code
 * 2024-05-01T14:00:00Z}, {@code 2024-05-01T14:00:00.250+02:00}, {@code +0200}), with a space
 * instead of {@code T} ({@code 2024-05-01 14:00:00}, as {@code yyyy-MM-dd HH:mm:ss}), minutes only,
 * a date alone (midnight), or epoch seconds / milliseconds (a number; |n| >= 1e11 is taken as
 * millis, so seconds up to year 5138 and millis after March 1973 are read right). Times without an
 * offset are in the given zone.
 */
public final class Timestamps {

  private static final DateTimeFormatter FORMAT =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .optionalStart()
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .optionalEnd()
          .toFormatter();

  private Timestamps() {}

  /**
   * Epoch millis of {@code text}.
   *
   * @throws IllegalArgumentException if the text is not one of the supported forms
   */
  public static long parseMillis(String text, ZoneId zone) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty timestamp");
    }
    char first = t.charAt(0);
    if ((first >= '0' && first <= '9' || first == '-') && isNumber(t)) {
      double v = Double.parseDouble(t);
      return Math.abs(v) >= 1e11 ? Math.round(v) : Math.round(v * 1000.0);
    }
    if (t.length() > 10 && t.charAt(10) == ' ') {
      t = t.substring(0, 10) + 'T' + t.substring(11).trim();
    }
    if (t.endsWith(" UTC") || t.endsWith(" utc")) {
      t = t.substring(0, t.length() - 4) + "Z";
    }
    try {
      TemporalAccessor ta =
          FORMAT.parseBest(t, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
      if (ta instanceof OffsetDateTime odt) {
        return odt.toInstant().toEpochMilli();
      }
      if (ta instanceof LocalDateTime ldt) {
        return ldt.atZone(zone).toInstant().toEpochMilli();
      }
      return ((LocalDate) ta).atStartOfDay(zone).toInstant().toEpochMilli();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "unreadable timestamp '"
              + text
              + "' (expected ISO-8601, yyyy-MM-dd HH:mm:ss or epoch seconds/millis)");
    }
  }

  private static boolean isNumber(String t) {
    // digits with at most one dot, optional leading minus; no date separators beyond position 0
    int dots = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c == '-' && i == 0) {
        continue;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots <= 1 && t.length() > (t.charAt(0) == '-' ? 1 : 0);
  }
}
