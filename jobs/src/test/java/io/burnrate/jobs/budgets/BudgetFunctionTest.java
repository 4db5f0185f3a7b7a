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
    for (int h = 0; h < hours; h++) {
      long s = from + h * HOUR;
      harness.processElement1(
          new StreamRecord<>(
              new BudgetCharge("team=ml", s, s + HOUR, PER_HOUR, "USD"), s + HOUR - 1));
      harness.processWatermark1(new Watermark(s + HOUR));
    }
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

  @Test
  void aTombstoneRemovesTheBudgetResolvesWhatIsOpenAndReleasesState() throws Exception {
    define(budget("ml-monthly", 100, Budget.MONTH));
    spend(MARCH, 40); // 64%
    assertThat(alerts()).isNotEmpty();
    statuses();
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    harness.processElement2(
        new StreamRecord<>(
            BudgetControl.delete("ml-monthly", BudgetControl.FROM_TOPIC, "team=ml")));
    assertThat(alerts()).isNotEmpty().allMatch(a -> a.status.equals(Alert.RESOLVED));
    assertThat(harness.numKeyedStateEntries()).isZero();
    spend(MARCH + 40 * HOUR, 5);
    assertThat(alerts()).isEmpty();
    assertThat(statuses()).isEmpty();
    assertThat(harness.numKeyedStateEntries())
        .as("charges without a budget keep no state")
        .isZero();
  }
}
