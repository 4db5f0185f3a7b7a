package io.burnrate.jobs.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.model.Budget;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Period boundaries in a time zone, across daylight-saving changes. */
class BudgetPeriodsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void daysAcrossTheSpringAndAutumnChangesHave23And25Hours() {
    long start = Periods.start(Budget.DAY, BERLIN, t("2026-03-29T12:00:00Z"));
    assertThat(start).isEqualTo(t("2026-03-28T23:00:00Z"));
    assertThat(Periods.end(Budget.DAY, BERLIN, start)).isEqualTo(t("2026-03-29T22:00:00Z"));
    long autumn = Periods.start(Budget.DAY, BERLIN, t("2026-10-25T12:00:00Z"));
    assertThat(autumn).isEqualTo(t("2026-10-24T22:00:00Z"));
    assertThat(Periods.end(Budget.DAY, BERLIN, autumn) - autumn).isEqualTo(25 * 3_600_000L);
  }

  @Test
  void isoWeeksStartOnMondayAndMonthsOnTheFirst() {
    // Sunday 2026-03-29 belongs to the week from Monday 2026-03-23 (CET) to 2026-03-30 (CEST)
    long w = Periods.start(Budget.WEEK, BERLIN, t("2026-03-29T20:00:00Z"));
    assertThat(w).isEqualTo(t("2026-03-22T23:00:00Z"));
    assertThat(Periods.end(Budget.WEEK, BERLIN, w)).isEqualTo(t("2026-03-29T22:00:00Z"));
    long m = Periods.start(Budget.MONTH, BERLIN, t("2026-10-31T23:30:00Z"));
    assertThat(m).isEqualTo(t("2026-10-31T23:00:00Z")).as("Nov 1st local has begun");
    assertThat(Periods.start(Budget.MONTH, BERLIN, t("2026-10-15T00:00:00Z")))
        .isEqualTo(t("2026-09-30T22:00:00Z"));
    assertThat(Periods.end(Budget.MONTH, BERLIN, t("2026-09-30T22:00:00Z")))
        .isEqualTo(t("2026-10-31T23:00:00Z"));
  }

  @Test
  void hourOfWeekIsLocal() {
    assertThat(Periods.hourOfWeek(BERLIN, t("2026-01-05T00:30:00Z"))).isEqualTo(1); // Mon 01:30
    assertThat(Periods.hourOfWeek(BERLIN, t("2026-01-11T22:59:00Z"))).isEqualTo(167); // Sun 23:59
  }
}
