package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.schemas.model.DeadLetter.Reasons;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
  private static final long T0 = Instant.parse("2025-03-01T10:00:00Z").toEpochMilli();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2025-03-01T10:00:00Z               | 2025-03-01T10:00:00Z",
        "2025-03-01t10:00:00Z               | 2025-03-01T10:00:00Z",
        "2025-03-01T10:00:00.123456789Z     | 2025-03-01T10:00:00.123Z",
        "2025-03-01T10:00Z                  | 2025-03-01T10:00:00Z",
        "2025-03-01T12:00:00+02:00          | 2025-03-01T10:00:00Z",
        "2025-03-01T12:00:00+0200           | 2025-03-01T10:00:00Z",
        "2025-03-01 10:00:00                | 2025-03-01T10:00:00Z",
        "2025-03-01 10:00:00 +00:00         | 2025-03-01T10:00:00Z",
        "2025-03-01 10:00:00 UTC            | 2025-03-01T10:00:00Z",
        "2025-03-01 10:00:00.5 GMT          | 2025-03-01T10:00:00.500Z",
        "2025-03-01T10:00:00                | 2025-03-01T10:00:00Z",
        "2025-03-01                         | 2025-03-01T00:00:00Z",
        "1740823200                         | 2025-03-01T10:00:00Z",
        "1740823200.25                      | 2025-03-01T10:00:00.250Z",
        "1740823200123                      | 2025-03-01T10:00:00.123Z",
        "1740823200123456                   | 2025-03-01T10:00:00.123Z",
        "1740823200123456789                | 2025-03-01T10:00:00.123Z",
        "' 1740823200 '                     | 2025-03-01T10:00:00Z",
      })
  void timestamps(String text, String expected) throws ParseException {
    assertThat(Instant.ofEpochMilli(Values.parseTimestamp("t", text)))
        .isEqualTo(Instant.parse(expected.trim()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  ",
        "yesterday",
        "5/1/25",
        "01/05/2025",
        "2025-02-30T00:00:00Z",
        "2023-02-01T30:00:00Z",
        "2025-03-01T10:00:00+25:00",
        "-1",
        "NaN",
        "1e25"
      })
  void badTimestamps(String text) {
    assertThatThrownBy(() -> Values.parseTimestamp("ChargePeriodStart", text))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
              assertThat(e.detail()).startsWith("ChargePeriodStart: ");
            });
  }

  @Test
  void slashDateIsReportedAsNotATimestamp() {
    assertThatThrownBy(() -> Values.parseTimestamp("ChargePeriodStart", "4/1/25"))
        .hasMessage("ChargePeriodStart: not a timestamp: '4/1/25'");
  }

  @Test
  void epochUnitsByMagnitude() throws ParseException {
    assertThat(Values.epochNumber("t", 1740823200)).isEqualTo(T0);
    assertThat(Values.epochNumber("t", 1740823200e3)).isEqualTo(T0);
    assertThat(Values.epochNumber("t", 1740823200e6)).isEqualTo(T0);
    assertThat(Values.epochNumber("t", 1740823200e9)).isEqualTo(T0);
    assertThat(Values.epochNumber("t", 0)).isZero();
  }

  @ParameterizedTest
  @CsvSource({"87,87", "' 8.9e1 ',89", "-0.5,-0.5", ".5,0.5", "5.,5", "+3,3", "1E3,1000", "0,0"})
  void numbers(String text, double expected) throws ParseException {
    assertThat(Values.parseNumber("f", text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        ".",
        "-",
        "e5",
        "1e",
        "1e+",
        "NaN",
        "Infinity",
        "-Infinity",
        "87f",
        "1d",
        "0x1p3",
        "0x10",
        "1,5",
        "$10",
        "10%",
        "1 000",
        "1..2",
        "--1"
      })
  void notNumbers(String text) {
    assertThatThrownBy(() -> Values.parseNumber("DCGM_FI_DEV_GPU_UTIL", text))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
              assertThat(e.detail()).startsWith("DCGM_FI_DEV_GPU_UTIL: ");
            });
  }

  @Test
  void ranges() throws ParseException {
    assertThat(Values.requireRange("u", 100, 0, 100)).isEqualTo(100);
    assertThatThrownBy(() -> Values.requireRange("u", 100.5, 0, 100))
        .hasMessage("u: 100.5 is outside [0, 100]");
    assertThatThrownBy(() -> Values.requireNonNegative("fb", -1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> Values.requireFinite("x", Double.NaN))
        .isInstanceOf(ParseException.class);
  }

  @Test
  void nullish() {
    assertThat(Values.isNullish(null)).isTrue();
    assertThat(Values.isNullish("")).isTrue();
    assertThat(Values.isNullish("NULL")).isTrue();
    assertThat(Values.isNullish("null")).isTrue();
    assertThat(Values.isNullish("\\N")).isTrue();
    assertThat(Values.isNullish("0")).isFalse();
    assertThat(Values.isNullish("None")).isFalse();
  }

  @Test
  void isoAndAbbreviate() {
    assertThat(Values.iso(T0)).isEqualTo("2025-03-01T10:00:00Z");
    assertThat(Values.abbreviate("x".repeat(200))).hasSize(80).endsWith("...");
    assertThat(Values.abbreviate("short")).isEqualTo("short");
  }

  @Test
  void theFastTimestampPathAgreesWithTheFormattersOnRandomTimestamps() throws Exception {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      long epochSecond = rnd.nextLong(-2_208_988_800L, 7_258_118_400L); // 1900..2200
      int nanos = rnd.nextInt(1_000_000_000);
      int digits = rnd.nextInt(10); // 0..9 fraction digits
      int offsetMinutes = rnd.nextInt(-18 * 60, 18 * 60 + 1);
      java.time.ZoneOffset off = java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
      java.time.LocalDateTime local =
          java.time.LocalDateTime.ofEpochSecond(epochSecond, nanos, off);
      String text =
          local.toLocalDate()
              + (rnd.nextBoolean() ? "T" : " ")
              + String.format(
                  java.util.Locale.ROOT,
                  "%02d:%02d:%02d",
                  local.getHour(),
                  local.getMinute(),
                  local.getSecond());
      if (digits > 0) {
        text += "." + String.format(java.util.Locale.ROOT, "%09d", nanos).substring(0, digits);
      }
      int kind = rnd.nextInt(3);
      String withZone = kind == 0 ? text : kind == 1 ? text + off.getId() : text + "Z";
      if (kind == 1 && off.getTotalSeconds() == 0) {
        withZone = text + "+00:00";
      }
      long expected =
          kind == 1
              ? java.time.OffsetDateTime.parse(withZone.replace(' ', 'T'))
                  .toInstant()
                  .toEpochMilli()
              : java.time.LocalDateTime.parse(text.replace(' ', 'T'))
                  .toInstant(java.time.ZoneOffset.UTC)
                  .toEpochMilli();
      assertThat(Values.rfc3339(withZone)).as(withZone).isEqualTo(expected);
      assertThat(Values.parseTimestamp("t", withZone)).as(withZone).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-29T00:00:00Z",
        "2026-01-05T24:00:00Z",
        "2026-01-05T10:60:00Z",
        "2026-13-05T10:00:00Z",
        "2026-01-05T10:00:00.Z",
        "2026-01-05T10:00:00+5:30",
        "2026-01-05T10:00:00+19:00",
        "2026-01-05t10:00:00Z",
        "2026-01-05T10:00:00.1234567890Z"
      })
  void theFastTimestampPathLeavesEverythingElseToTheFormatters(String text) {
    assertThat(Values.rfc3339(text)).isEqualTo(Long.MIN_VALUE);
  }
}
