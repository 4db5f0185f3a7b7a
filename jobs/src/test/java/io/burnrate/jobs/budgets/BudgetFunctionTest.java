package io.burnrate.jobs.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.model.BudgetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Budgets through time on a simulated month in Europe/Berlin: actual and forecast crossings once
 * each, escalations, roll-over across daylight saving with re-arming, redefinition mid-period and
 * deletion that releases state.
 */
class BudgetFunctionTest {
  private static final long HOUR = 3_600_000L;
  private static final long MARCH = Instant.parse("2026-02-28T23:00:00Z").toEpochMilli();
  private static final long APRIL = Instant.parse("2026-03-31T22:00:00Z").toEpochMilli();
  private static final double PER_HOUR = 1.6;

  private KeyedTwoInputStreamOperatorTestHarness<String, BudgetCharge, BudgetControl, BudgetStatus>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new BudgetFunction()),
            c -> c.scopeKey,
            c -> c.scopeKey,
            Types.STRING);
    harness.open();
    harness.processWatermark2(new Watermark(Long.MAX_VALUE - 1)); // definitions hold no time back
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static Budget budget(String id, double amount, String period) {
    Budget b = new Budget();
    b.id = id;
    b.scopeKind = Budget.SCOPE_TEAM;
    b.scopeValue = "ml";
    b.period = period;
    b.timeZone = "Europe/Berlin";
    b.amount = amount;
    b.currency = "USD";
    b.thresholds = new ArrayList<>(BudgetParser.DEFAULT_THRESHOLDS);
    b.escalations = BudgetParser.defaultEscalations();
    return b;
  }

  private void define(Budget b) throws Exception {
    harness.processElement2(new StreamRecord<>(BudgetControl.define(b, BudgetControl.FROM_TOPIC)));
  }

  /** Hourly charges of {@link #PER_HOUR} from {@code from} for {@code hours}, time advancing. */
  private void spend(long from, int hours) throws Exception {
    spend(from, hours, PER_HOUR);
  }

  /** Hourly charges of {@code perHour} from {@code from} for {@code hours}, time advancing. */
  private void spend(long from, int hours, double perHour) throws Exception {
    for (int h = 0; h < hours; h++) {
      long s = from + h * HOUR;
      harness.processElement1(
          new StreamRecord<>(
              new BudgetCharge("team=ml", s, s + HOUR, perHour, "USD"), s + HOUR - 1));
      harness.processWatermark1(new Watermark(s + HOUR));
    }
  }

  /** Event time passes hour by hour from {@code from} for {@code hours} with no charge. */
  private void silence(long from, int hours) throws Exception {
    for (int h = 1; h <= hours; h++) {
      harness.processWatermark1(new Watermark(from + h * HOUR));
    }
  }

  private static List<Alert> forecast(List<Alert> alerts, String threshold) {
    return alerts.stream()
        .filter(
            a ->
                a.alertname.equals(BudgetFunction.FORECAST)
                    && a.labels.get("threshold").equals(threshold))
        .toList();
  }

  private List<Alert> alerts() {
    List<Alert> out = new ArrayList<>();
    var q = harness.getSideOutput(BudgetFunction.ALERTS);
    if (q != null) {
      q.forEach(r -> out.add(r.getValue()));
      q.clear();
    }
    return out;
  }

  private List<Action> actions() {
    List<Action> out = new ArrayList<>();
    var q = harness.getSideOutput(BudgetFunction.ACTIONS);
    if (q != null) {
      q.forEach(r -> out.add(r.getValue()));
      q.clear();
    }
    return out;
  }

  private List<BudgetStatus> statuses() {
    return io.burnrate.jobs.alerting.Windows.drain(harness.getOutput(), BudgetStatus.class);
  }

  @Test
  void aSimulatedMonthForecastsTheBreachBeforeItHappensAndReArmsNextMonth() throws Exception {
    define(budget("ml-monthly", 1000, Budget.MONTH));
    int marchHours = (int) ((APRIL - MARCH) / HOUR);
    assertThat(marchHours).as("March in Berlin has 743 hours").isEqualTo(743);

    spend(MARCH, 3);
    List<Alert> early = alerts();
    Alert forecast100 =
        early.stream()
            .filter(
                a ->
                    a.alertname.equals(BudgetFunction.FORECAST)
                        && a.labels.get("threshold").equals("100"))
            .findFirst()
            .orElseThrow();
    assertThat(early).noneMatch(a -> a.alertname.equals(BudgetFunction.ACTUAL));
    List<BudgetStatus> first = statuses();
    assertThat(first.get(0).periodStart).isEqualTo(MARCH);
    assertThat(first.get(0).periodEnd).isEqualTo(APRIL);

    spend(MARCH + 3 * HOUR, marchHours - 3); // to the end of March: the period rolls over
    List<Alert> rest = alerts();
    List<Alert> actual =
        rest.stream()
            .filter(a -> a.alertname.equals(BudgetFunction.ACTUAL) && a.status.equals(Alert.FIRING))
            .toList();
    assertThat(actual)
        .extracting(a -> a.labels.get("threshold"))
        .containsExactly("50", "80", "90", "100");
    Alert actual100 = actual.get(3);
    // 1000 / 1.6 = 625 hours after the start of the month
    assertThat(actual100.startsAt).isEqualTo(MARCH + 625 * HOUR);
    assertThat(forecast100.startsAt).isLessThan(actual100.startsAt - 600 * HOUR);
    assertThat(forecast100.summary)
        .contains("projected to reach 100%")
        .contains("2026-03-26T23:59");
    // March's alerts (4 forecast, 4 actual) resolve at its end: local midnight, CEST by then
    List<Alert> resolved = rest.stream().filter(a -> a.status.equals(Alert.RESOLVED)).toList();
    assertThat(resolved).hasSize(8).allMatch(a -> a.endsAt == APRIL);
    // and every threshold is armed again for April (the forecast sees April coming)
    assertThat(rest)
        .filteredOn(a -> a.status.equals(Alert.FIRING) && a.startsAt >= APRIL)
        .extracting(a -> a.alertname)
        .containsOnly(BudgetFunction.FORECAST)
        .hasSize(4);

    List<Action> esc = actions();
    assertThat(esc)
        .filteredOn(a -> a.status.equals(Action.OPEN))
        .extracting(a -> a.operation)
        .containsExactly(Budget.SWITCH_TO_SPOT, Budget.REDUCE_BATCH_SIZE, Budget.STOP_NON_CRITICAL);
    assertThat(esc).filteredOn(a -> a.status.equals(Action.RESOLVED)).hasSize(3);

    List<BudgetStatus> all = statuses();
    BudgetStatus lastMarch =
        all.stream().filter(b -> b.periodStart == MARCH).reduce((x, y) -> y).orElseThrow();
    assertThat(lastMarch.status).isEqualTo(BudgetStatus.EXCEEDED);
    assertThat(lastMarch.spend)
        .isCloseTo(743 * PER_HOUR, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(lastMarch.thresholdsCrossed).containsExactly(50.0, 80.0, 90.0, 100.0);
    BudgetStatus atRisk =
        all.stream().filter(b -> b.status.equals(BudgetStatus.AT_RISK)).findFirst().orElseThrow();
    assertThat(atRisk.projectedBreachAt).isBetween(MARCH + 623 * HOUR, MARCH + 627 * HOUR);
    BudgetStatus april = all.stream().filter(b -> b.periodStart == APRIL).findFirst().orElseThrow();
    assertThat(april.periodEnd).isEqualTo(Instant.parse("2026-04-30T22:00:00Z").toEpochMilli());
    assertThat(april.spend).isZero();

    spend(APRIL, 313);
    List<Alert> again = alerts();
    Alert april50 =
        again.stream()
            .filter(a -> a.alertname.equals(BudgetFunction.ACTUAL))
            .findFirst()
            .orElseThrow();
    assertThat(april50.labels.get("threshold")).isEqualTo("50");
    assertThat(april50.fingerprint).isEqualTo(actual.get(0).fingerprint);
    assertThat(april50.id).isNotEqualTo(actual.get(0).id);
  }

  @Test
  void theEndOfInputNeitherClosesThePeriodNorOpensTheNext() throws Exception {
    define(budget("ml-daily", 50, Budget.DAY));
    long day = Instant.parse("2026-10-20T22:00:00Z").toEpochMilli();
    spend(day, 8); // 12.8 spent, 38.4 forecast: the 50% forecast fires
    List<Alert> fired = alerts();
    assertThat(fired).isNotEmpty().allMatch(a -> a.status.equals(Alert.FIRING));
    statuses();
    harness.processWatermark1(new Watermark(Long.MAX_VALUE)); // a bounded run ends, or a drain
    assertThat(alerts()).as("nothing resolves: the day did not end in the data").isEmpty();
    assertThat(statuses()).allMatch(b -> b.periodStart == day);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aDayInBerlinAcrossTheAutumnChangeHas25Hours() throws Exception {
    define(budget("ml-daily", 100, Budget.DAY));
    long day = Instant.parse("2026-10-24T22:00:00Z").toEpochMilli();
    spend(day, 2);
    BudgetStatus s = statuses().get(0);
    assertThat(s.periodStart).isEqualTo(day);
    assertThat(s.periodEnd - s.periodStart).isEqualTo(25 * HOUR);
    spend(day + 2 * HOUR, 24);
    assertThat(statuses()).extracting(b -> b.periodStart).contains(day + 25 * HOUR);
  }

  @Test
  void aBudgetChangedMidPeriodChangesBehaviourWithoutRestart() throws Exception {
    define(budget("ml-monthly", 1000, Budget.MONTH));
    spend(MARCH, 100); // 160 spent: 16%
    assertThat(alerts()).noneMatch(a -> a.alertname.equals(BudgetFunction.ACTUAL));
    define(budget("ml-monthly", 300, Budget.MONTH)); // now 53%
    List<Alert> now = alerts();
    assertThat(now)
        .filteredOn(a -> a.alertname.equals(BudgetFunction.ACTUAL))
        .extracting(a -> a.labels.get("threshold"))
        .containsExactly("50");
    assertThat(statuses()).last().satisfies(b -> assertThat(b.amount).isEqualTo(300));
    define(budget("ml-monthly", 5000, Budget.MONTH)); // raised: nothing re-fires
    spend(MARCH + 100 * HOUR, 10);
    assertThat(alerts()).noneMatch(a -> a.alertname.equals(BudgetFunction.ACTUAL));
  }

  /**
   * A day budget of 100: 10 an hour for three hours projects 240 (every threshold by forecast),
   * then the scope falls silent and the run rate (less than a day seen) sinks: 30 + 30/k x (24 - k)
   * after k hours. The 100% alert resolves once the forecast has stayed below 95 for three
   * evaluations spanning an hour (hours 8, 9, 10), not at the first evaluation below; spend resumes
   * and it fires again, same fingerprint, new id.
   */
  @Test
  void aForecastAlertResolvesInsideThePeriodWhenTheForecastFallsBackAndCanFireAgain()
      throws Exception {
    long day = Instant.parse("2026-10-19T22:00:00Z").toEpochMilli();
    define(budget("ml-daily", 100, Budget.DAY));
    spend(day, 3, 10);
    List<Alert> fired = alerts();
    assertThat(fired)
        .allMatch(a -> a.alertname.equals(BudgetFunction.FORECAST))
        .extracting(a -> a.labels.get("threshold"))
        .containsExactly("50", "80", "90", "100");
    Alert first100 = forecast(fired, "100").get(0);
    assertThat(first100.startsAt).isEqualTo(day + HOUR);
    assertThat(first100.observed).isCloseTo(240, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(first100.expectedLow).isLessThan(first100.observed);
    assertThat(first100.expectedHigh).isGreaterThan(first100.observed);
    assertThat(first100.summary).contains("80% interval");

    silence(day + 3 * HOUR, 6); // to hour 9: 80 projected, two evaluations below 95
    assertThat(forecast(alerts(), "100")).as("not yet: two evaluations, one hour").isEmpty();
    silence(day + 9 * HOUR, 1); // hour 10: 72, the third
    List<Alert> resolved = alerts();
    assertThat(forecast(resolved, "100"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.status).isEqualTo(Alert.RESOLVED);
              assertThat(a.endsAt).isEqualTo(day + 10 * HOUR);
              assertThat(a.fingerprint).isEqualTo(first100.fingerprint);
              assertThat(a.summary).contains("the forecast fell back");
            });
    assertThat(forecast(resolved, "90")).as("90 is cleared since hour 9 only").isEmpty();
    silence(day + 10 * HOUR, 2); // hour 12
    assertThat(alerts())
        .extracting(a -> a.labels.get("threshold") + " " + a.status)
        .containsExactly("90 resolved", "80 resolved");
    BudgetStatus quiet = statuses().stream().reduce((a, b) -> b).orElseThrow();
    assertThat(quiet.forecastThresholdsCrossed).containsExactly(50.0);
    assertThat(quiet.forecast).isCloseTo(60, org.assertj.core.data.Offset.offset(1e-6));

    spend(day + 12 * HOUR, 3, 20); // 90 again at hour 13 (92.3), 100 at hour 14 (120)
    List<Alert> again = alerts();
    assertThat(again)
        .filteredOn(a -> a.alertname.equals(BudgetFunction.FORECAST))
        .extracting(a -> a.labels.get("threshold") + " " + (a.startsAt - day) / HOUR)
        .containsExactly("80 13", "90 13", "100 14");
    Alert second100 = forecast(again, "100").get(0);
    assertThat(second100.fingerprint).isEqualTo(first100.fingerprint);
    assertThat(second100.id).isNotEqualTo(first100.id);
  }

  /**
   * Spend seen before the budget existed counts: five days of a team's spend in March, then a month
   * budget arrives; its status counts the five days, and its forecaster learned from them.
   */
  @Test
  void aBudgetDefinedMidPeriodCountsTheSpendAlreadySeenInThePeriod() throws Exception {
    spend(MARCH - 48 * HOUR, 48 + 120); // two days of February, five of March
    assertThat(statuses()).isEmpty();
    define(budget("ml-monthly", 1000, Budget.MONTH));
    BudgetStatus s = statuses().get(0);
    assertThat(s.periodStart).isEqualTo(MARCH);
    assertThat(s.asOf).isEqualTo(MARCH + 120 * HOUR);
    assertThat(s.spend).isCloseTo(120 * PER_HOUR, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(s.forecastHistoryHours).isEqualTo(167);
    assertThat(s.forecast).isCloseTo(743 * PER_HOUR, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(s.forecastLow).isLessThanOrEqualTo(s.forecast);
    assertThat(s.forecastHigh).isGreaterThanOrEqualTo(s.forecast);
    assertThat(s.forecastErrorPercent).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-6));
    spend(MARCH + 120 * HOUR, 1);
    assertThat(statuses())
        .last()
        .satisfies(
            b ->
                assertThat(b.spend)
                    .isCloseTo(121 * PER_HOUR, org.assertj.core.data.Offset.offset(1e-6)));
  }

  /** A zone half an hour off UTC: the kept hour that straddles local midnight counts by half. */
  @Test
  void aKeptHourStraddlingAHalfHourMidnightCountsByItsShare() throws Exception {
    long start = Instant.parse("2026-03-10T12:00:00Z").toEpochMilli();
    spend(start, 10); // to 22:00Z; Kolkata's day began at 18:30Z
    Budget b = budget("ml-daily", 100, Budget.DAY);
    b.timeZone = "Asia/Kolkata";
    define(b);
    BudgetStatus s = statuses().get(0);
    assertThat(s.periodStart).isEqualTo(Instant.parse("2026-03-10T18:30:00Z").toEpochMilli());
    assertThat(s.spend).isCloseTo(3.5 * PER_HOUR, org.assertj.core.data.Offset.offset(1e-6));
  }

  /** With {@code budgets.scope-history} 0 a scope without a budget keeps nothing, as before. */
  @Test
  void withoutKeptHistoryABudgetCountsFromItsDefinitionOn() throws Exception {
    harness.close();
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(
                new BudgetFunction(new ForecastSettings(0.05, HOUR, 3, 0))),
            c -> c.scopeKey,
            c -> c.scopeKey,
            Types.STRING);
    harness.open();
    harness.processWatermark2(new Watermark(Long.MAX_VALUE - 1));
    spend(MARCH, 10);
    assertThat(harness.numKeyedStateEntries()).isZero();
    define(budget("ml-monthly", 1000, Budget.MONTH));
    spend(MARCH + 10 * HOUR, 1);
    assertThat(statuses()).last().satisfies(b -> assertThat(b.spend).isEqualTo(PER_HOUR));
  }

  @Test
  void aTombstoneRemovesTheBudgetResolvesWhatIsOpenAndReleasesState() throws Exception {
    define(budget("ml-monthly", 100, Budget.MONTH));
    spend(MARCH, 40); // 64%
    assertThat(alerts()).isNotEmpty();
    statuses();
    assertThat(harness.numKeyedStateEntries())
        .as("the budget, and the scope's kept hours and their end")
        .isEqualTo(3);
    harness.processElement2(
        new StreamRecord<>(
            BudgetControl.delete("ml-monthly", BudgetControl.FROM_TOPIC, "team=ml")));
    assertThat(alerts()).isNotEmpty().allMatch(a -> a.status.equals(Alert.RESOLVED));
    assertThat(harness.numKeyedStateEntries()).as("the scope's kept hours stay").isEqualTo(2);
    spend(MARCH + 40 * HOUR, 5);
    assertThat(alerts()).isEmpty();
    assertThat(statuses()).isEmpty();
    // a scope with no budget keeps its spend (for a budget defined later) for 32 days, no longer
    harness.processWatermark1(new Watermark(MARCH + 45 * HOUR + 32 * 24 * HOUR));
    assertThat(harness.numKeyedStateEntries()).as("released after 32 days").isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
