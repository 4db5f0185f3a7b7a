package io.burnrate.jobs.onprem;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.pricing.PriceHistory;
import io.burnrate.jobs.pricing.PriceUpdate;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.CostWindow;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Deferrable work: the cheapest hours by tariff and by spot price history, one action each. */
class SchedulingTest {
  private static final long HOUR = 3_600_000L;
  private static final long NOON = Instant.parse("2026-03-02T12:00:00Z").toEpochMilli();

  private static final Site LAB =
      new Site(
          "lab",
          "EUR",
          new Tariff(
              0.36,
              List.of(
                  new Tariff.Band(
                      LocalTime.of(23, 0), LocalTime.of(6, 0), Tariff.everyDay(), 0.18)),
              ZoneId.of("UTC")),
          100_000,
          4,
          1.0,
          0);

  @Test
  void theTariffsCheapestHourOfTheNextDay() {
    Scheduling.Advice a = Scheduling.ownedSite(LAB, NOON);
    assertThat(a.at()).isEqualTo(Instant.parse("2026-03-02T23:00:00Z").toEpochMilli());
    assertThat(a.saving()).isEqualTo(0.5);
    assertThat(Scheduling.ownedSite(LAB, NOON + 11 * HOUR)).as("already cheap").isNull();
  }

  @Test
  void spotPricesByHourOfDayOverTheLastWeek() {
    PriceHistory h = new PriceHistory();
    for (long t = NOON - 7 * 24 * HOUR; t < NOON; t += HOUR) {
      PriceUpdate u = new PriceUpdate();
      u.validFrom = t;
      int hour = Instant.ofEpochMilli(t).atZone(java.time.ZoneOffset.UTC).getHour();
      u.pricePerHour = hour == 3 ? 5.0 : 10.0; // spot is cheapest at 03:00 UTC
      h.put(u);
    }
    Scheduling.Advice a = Scheduling.spot(h, NOON);
    assertThat(a.at()).isEqualTo(Instant.parse("2026-03-03T03:00:00Z").toEpochMilli());
    assertThat(a.saving()).isEqualTo(0.5);
    PriceHistory thin = new PriceHistory();
    thin.put(h.versions.get(0));
    assertThat(Scheduling.spot(thin, NOON)).as("not enough history").isNull();
  }

  @Test
  void aDeferrableRunOnOwnedGpusGetsOneActionResolvedWhenItRunsCheap() throws Exception {
    var harness =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new SchedulingFunction(new Sites(Map.of("lab", LAB)), 15 * 60_000L),
                List.of(PriceHistory.PRICES)),
            (CostWindow w) -> w.workload,
            Types.STRING,
            1,
            1,
            0);
    harness.open();
    for (int m = 0; m < 10; m++) {
      harness.processElement(window(NOON + m * 60_000L), NOON + m * 60_000L);
    }
    List<Action> opened = harness.extractOutputValues();
    assertThat(opened).hasSize(1);
    Action a = opened.get(0);
    assertThat(a.kind).isEqualTo(Action.RESCHEDULE);
    assertThat(a.reason).contains("2026-03-02T23:00:00Z").contains("50% cheaper");
    assertThat(a.estimatedMonthlySavings).isEqualTo(0.05 * 60 * 0.5 * 730, within());
    long night = Instant.parse("2026-03-02T23:30:00Z").toEpochMilli();
    harness.processElement(window(night), night);
    assertThat(harness.extractOutputValues()).hasSize(2);
    assertThat(harness.extractOutputValues().get(1).status).isEqualTo(Action.RESOLVED);
    harness.close();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  private static CostWindow window(long start) {
    CostWindow w = new CostWindow();
    w.kind = CostWindow.KIND_WORKLOAD;
    w.cluster = "lab-cluster";
    w.workload = "ml/Job/nightly-eval";
    w.windowStart = start;
    w.windowEnd = start + 60_000;
    w.site = "lab";
    w.energyCost = 0.05;
    w.cost = 0.2;
    w.currency = "EUR";
    w.labels = Map.of(SchedulingFunction.DEFERRABLE, "true");
    return w;
  }
}
