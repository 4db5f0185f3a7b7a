package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * Lenient conversions of the values real producers send, with strict validation: dates are resolved
 * strictly (no 30 February turned into 28 February, no hour 24 or 30 rolled over).
 */
public final class Values {
  private static final DateTimeFormatter LOCAL =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendPattern("HH:mm")
          .optionalStart()
          .appendPattern(":ss")
          .optionalEnd()
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private static final DateTimeFormatter WITH_OFFSET =
      new DateTimeFormatterBuilder()
          .append(LOCAL)
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendOffset("+HH:MM", "Z")
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private static final DateTimeFormatter WITH_OFFSET_COMPACT =
      new DateTimeFormatterBuilder()
          .append(LOCAL)
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .appendOffset("+HHMM", "Z")
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private Values() {}

  /** True for null, empty and the literal {@code NULL}/{@code null} that exports contain. */
  public static boolean isNullish(String s) {
    return s == null || s.isEmpty() || "NULL".equalsIgnoreCase(s) || "\\N".equals(s);
  }

  /**
   * A finite number from text ({@code "87"}, {@code " 8.9e1 "}). Rejects NaN and infinities.
   *
   * @param field the field name, for the error message
   */
  public static double parseNumber(String field, String text) throws ParseException {
    String t = text.trim();
    double v;
    try {
      if (!isDecimal(t)) {
        throw new NumberFormatException();
      }
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new ParseException(INVALID_VALUE, field + ": not a number: '" + abbreviate(t) + "'");
    }
    return requireFinite(field, v);
  }

  /**
   * Whether the text is a plain decimal number ({@code -1.5e3}): digits, one optional sign, point
   * and exponent. {@link Double#parseDouble} alone also accepts hex floats ({@code 0x1p3}), type
   * suffixes ({@code 87f}, {@code 1d}) and {@code NaN}/{@code Infinity}, which no producer means.
   */
  static boolean isDecimal(String t) {
    int n = t.length();
    int i = 0;
    if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && Character.isDigit(t.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && t.charAt(i) == '.') {
      i++;
      while (i < n && Character.isDigit(t.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
      i++;
      if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && Character.isDigit(t.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  public static double requireFinite(String field, double v) throws ParseException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new ParseException(INVALID_VALUE, field + ": not a finite number: " + v);
    }
    return v;
  }

  public static double requireRange(String field, double v, double min, double max)
      throws ParseException {
    requireFinite(field, v);
    if (v < min || v > max) {
      throw new ParseException(
          INVALID_VALUE, field + ": " + v + " is outside [" + fmt(min) + ", " + fmt(max) + "]");
    }
    return v;
  }

  public static double requireNonNegative(String field, double v) throws ParseException {
    requireFinite(field, v);
    if (v < 0) {
      throw new ParseException(INVALID_VALUE, field + ": negative value " + v);
    }
    return v;
  }

  /**
   * A timestamp as epoch milliseconds: ISO-8601 with {@code T} or a space, with or without an
   * offset (none means UTC; a trailing {@code UTC}/{@code GMT}, as BigQuery exports write, is
   * accepted), or an epoch number (see {@link #epochNumber}). Ambiguous local formats such as
   * {@code 5/1/25} are rejected, not guessed.
   */
  public static long parseTimestamp(String field, String text) throws ParseException {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new ParseException(INVALID_VALUE, field + ": empty timestamp");
    }
    long fast = rfc3339(t);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    if (isDecimal(t)) {
      return epochNumber(field, parseNumber(field, t));
    }
    if (t.length() > 4) {
      String zone = t.substring(t.length() - 4);
      if (zone.equalsIgnoreCase(" UTC") || zone.equalsIgnoreCase(" GMT")) {
        t = t.substring(0, t.length() - 4).trim() + "Z";
      }
    }
    try {
      return OffsetDateTime.parse(t, WITH_OFFSET).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the other shapes
    }
    try {
      return OffsetDateTime.parse(t, WITH_OFFSET_COMPACT).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try the other shapes
    }
    try {
      return LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // try a date alone
    }
    try {
      return java.time.LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new ParseException(INVALID_VALUE, field + ": not a timestamp: '" + abbreviate(t) + "'");
    }
  }

  /**
   * The shape nearly every producer sends, {@code 2026-01-05T10:00:00[.fff][Z|+hh:mm]} (or a space
   * for the {@code T}; no offset means UTC), parsed without a {@link DateTimeFormatter}: the
   * formatter's optional sections copy their parse state, and that was a fifth of the time spent
   * parsing a dcgm sample. Returns {@link Long#MIN_VALUE} for anything else, invalid dates
   * included, which the formatters then parse or reject with their message. Same result as the
   * formatters (tested on random timestamps).
   */
  static long rfc3339(String t) {
    int n = t.length();
    if (n < 19
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || (t.charAt(10) != 'T' && t.charAt(10) != ' ')
        || t.charAt(13) != ':'
        || t.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
      return Long.MIN_VALUE; // hour, minute, second < 0 when not digits
    }
    if (hour < 0
        || minute < 0
        || second < 0
        || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return Long.MIN_VALUE;
    }
    int i = 19;
    int millis = 0;
    if (i < n && t.charAt(i) == '.') {
      int start = ++i;
      while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        if (i - start < 3) {
          millis = millis * 10 + (t.charAt(i) - '0');
        }
        i++;
      }
      int len = i - start;
      if (len == 0 || len > 9) {
        return Long.MIN_VALUE;
      }
      for (int k = len; k < 3; k++) {
        millis *= 10;
      }
    }
    int offsetSeconds = 0;
    if (i < n) {
      char c = t.charAt(i);
      if (c == 'Z' && i + 1 == n) {
        offsetSeconds = 0;
      } else if ((c == '+' || c == '-') && i + 6 == n && t.charAt(i + 3) == ':') {
        int oh = digits(t, i + 1, 2);
        int om = digits(t, i + 4, 2);
        if (oh < 0 || om < 0 || oh > 18 || om > 59 || (oh == 18 && om > 0)) {
          return Long.MIN_VALUE;
        }
        offsetSeconds = (c == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      } else {
        return Long.MIN_VALUE;
      }
    }
    long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
    long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1000L + millis;
  }

  /** The non-negative number of {@code len} ASCII digits at {@code from}; -1 if one is not. */
  private static int digits(String t, int from, int len) {
    int v = 0;
    for (int k = from; k < from + len; k++) {
      char c = t.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * An epoch number as milliseconds, its unit told by its magnitude: seconds below 1e11 (until year
   * 5138), milliseconds below 1e14, microseconds below 1e17, else nanoseconds (as OpenTelemetry
   * sends them). Taking nanoseconds for milliseconds would put the record in the far future and
   * drag the watermark with it.
   */
  public static long epochNumber(String field, double v) throws ParseException {
    requireFinite(field, v);
    if (v < 0) {
      throw new ParseException(INVALID_VALUE, field + ": negative timestamp " + v);
    }
    if (v < 1e11) {
      return Math.round(v * 1000.0);
    }
    if (v < 1e14) {
      return Math.round(v);
    }
    if (v < 1e17) {
      return Math.round(v / 1e3);
    }
    if (v < 1e20) {
      return Math.round(v / 1e6);
    }
    throw new ParseException(INVALID_VALUE, field + ": implausible epoch timestamp " + v);
  }

  public static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  public static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
