package io.burnrate.jobs.budgets;

import io.burnrate.schemas.model.Budget;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/**
 * Calendar periods of a budget in its time zone: a day, an ISO week (Monday to Monday) or a month,
 * each from local midnight to local midnight. Computed with {@link ZonedDateTime}, so a period that
 * spans a daylight-saving change has 23 or 25 hours per day where it should, and a midnight that
 * does not exist starts at the first valid instant of that day.
 */
public final class Periods {
  private Periods() {}

  /** Start (epoch ms) of the period containing {@code t}. */
  public static long start(String period, ZoneId zone, long t) {
    LocalDate d = Instant.ofEpochMilli(t).atZone(zone).toLocalDate();
    LocalDate first =
        switch (period) {
          case Budget.DAY -> d;
          case Budget.WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
          case Budget.MONTH -> d.withDayOfMonth(1);
          default -> throw new IllegalArgumentException("unknown period '" + period + "'");
        };
    return first.atStartOfDay(zone).toInstant().toEpochMilli();
  }

  /** End (exclusive, epoch ms) of the period starting at {@code start}. */
  public static long end(String period, ZoneId zone, long start) {
    LocalDate first = Instant.ofEpochMilli(start).atZone(zone).toLocalDate();
    LocalDate next =
        switch (period) {
          case Budget.DAY -> first.plusDays(1);
          case Budget.WEEK -> first.plusWeeks(1);
          case Budget.MONTH -> first.plusMonths(1);
          default -> throw new IllegalArgumentException("unknown period '" + period + "'");
        };
    return next.atStartOfDay(zone).toInstant().toEpochMilli();
  }

  /** Hour of the week (0 = Monday 00:00-01:00 local) of the instant {@code t}. */
  public static int hourOfWeek(ZoneId zone, long t) {
    ZonedDateTime z = Instant.ofEpochMilli(t).atZone(zone);
    return (z.getDayOfWeek().getValue() - 1) * 24 + z.getHour();
  }
}
