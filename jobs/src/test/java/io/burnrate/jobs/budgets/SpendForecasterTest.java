package io.burnrate.jobs.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The forecaster alone: partial hours, the rhythm it learns, silence, the interval, accuracy. */
class SpendForecasterTest {
  private static final long HOUR = SpendForecaster.HOUR;
  private static final long MINUTE = 60_000L;
  private static final ZoneId UTC = ZoneId.of("UTC");

  /** A Monday, 00:00 UTC. */
  private static final long MONDAY = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();

  private static void minutes(SpendForecaster f, long from, int n, double perMinute) {
    for (int i = 0; i < n; i++) {
      f.add(UTC, from + i * MINUTE, from + (i + 1) * MINUTE, perMinute);
    }
  }

  @Test
  void aPartialFirstHourCountsByTheShareItCoversNotAsAWholeHour() {
    SpendForecaster f = new SpendForecaster();
    long start = MONDAY + 10 * HOUR + 40 * MINUTE; // the data starts at 10:40
    minutes(f, start, 10, 1.0);
    assertThat(f.canForecast()).as("ten minutes: too little").isFalse();
    assertThat(f.forecast(UTC, start + 10 * MINUTE, MONDAY + 24 * HOUR, new double[0]).point())
        .isZero();
    minutes(f, start + 10 * MINUTE, 10, 1.0); // 10:40 to 11:00, 20 spent: 60 an hour
    long now = MONDAY + 11 * HOUR;
    SpendForecaster.Forecast day = f.forecast(UTC, now, MONDAY + 24 * HOUR, new double[] {60, 1e9});
    assertThat(day.point()).as("13 hours at 60").isCloseTo(13 * 60, offset(1e-6));
    assertThat(day.reachedAt()[0]).isEqualTo(now + HOUR);
    assertThat(day.reachedAt()[1]).isEqualTo(-1);
    assertThat(day.low()).isLessThan(day.point() * 0.5).as("little history: a wide interval");
    assertThat(day.high()).isGreaterThan(day.point() * 2);

    // into the next hour: 11:00 to 11:15 at the same rate; the first hour counts by its 20 minutes
    minutes(f, now, 15, 1.0);
    assertThat(f.forecast(UTC, now + 15 * MINUTE, now + 15 * MINUTE + HOUR, new double[0]).point())
        .isCloseTo(60, offset(1e-6));
  }

  @Test
  void silentHoursCountAsNoSpend() {
    SpendForecaster f = new SpendForecaster();
    f.add(UTC, MONDAY, MONDAY + HOUR, 10);
    f.add(UTC, MONDAY + 3 * HOUR, MONDAY + 4 * HOUR, 10); // hours 1 and 2 had none
    assertThat(f.hours).isEqualTo(3);
    assertThat(f.forecast(UTC, MONDAY + 4 * HOUR, MONDAY + 5 * HOUR, new double[0]).point())
        .as("20 over 4 hours")
        .isCloseTo(5, offset(1e-6));
  }

  /** Weekdays 10 an hour from 8:00 to 20:00 and 1 at night, weekends 1 an hour all day. */
  private static double officeHours(long t) {
    var z = Instant.ofEpochMilli(t).atZone(UTC);
    boolean weekend =
        z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY;
    return !weekend && z.getHour() >= 8 && z.getHour() < 20 ? 10 : 1;
  }

  @Test
  void threeWeeksTeachTheDayAndWeekSoAWeekendIsNotProjectedAsAWeekday() {
    SpendForecaster f = new SpendForecaster();
    long t = MONDAY;
    long friday = MONDAY + (21 + 4) * 24 * HOUR + 12 * HOUR; // the fourth Friday, noon
    for (; t < friday; t += HOUR) {
      f.add(UTC, t, t + HOUR, officeHours(t));
    }
    double truth = 0;
    for (long h = friday; h < friday + 3 * 24 * HOUR; h += HOUR) {
      truth += officeHours(h); // 8 x 10 + 4 + 12 + 48 + 8 = 152
    }
    SpendForecaster.Forecast weekend =
        f.forecast(UTC, friday, friday + 3 * 24 * HOUR, new double[0]);
    assertThat(weekend.point()).isCloseTo(truth, offset(truth * 0.03));
    assertThat(weekend.low()).isLessThanOrEqualTo(truth);
    assertThat(weekend.high()).isGreaterThanOrEqualTo(truth);
    assertThat(f.errorPercent())
        .as("the rhythm repeats: day-ahead errors are small")
        .isLessThan(10);
    double straightLine = 72 * (f.sumSpend / f.sumFactor);
    assertThat(Math.abs(straightLine - truth)).isGreaterThan(Math.abs(weekend.point() - truth));
  }

  @Test
  void theIntervalNarrowsAsTheForecasterProvesItselfAndItsStateIsBounded() {
    SpendForecaster f = new SpendForecaster();
    assertThat(f.errorPercent()).isNaN();
    long t = MONDAY;
    f.add(UTC, t, t + HOUR, 5);
    double early = f.sigma(24);
    for (t += HOUR; t < MONDAY + 400 * 24 * HOUR; t += HOUR) {
      f.add(UTC, t, t + HOUR, 5);
    }
    assertThat(f.errorPercent()).isCloseTo(0, offset(1e-6));
    assertThat(f.sigma(24)).isLessThan(early / 4);
    assertThat(f.hours).as("history depth is capped").isEqualTo(24 * 366);
    assertThat(f.week).hasSize(168);
    assertThat(f.ahead).hasSize(24);
  }
}
