package io.burnrate.jobs.onprem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Energy from dcgm counters and power, tariffs by time of use, the sites file. */
class OnPremModelTest {
  private static final long T = Instant.parse("2026-03-02T06:00:00Z").toEpochMilli(); // Monday

  @Test
  void theEnergyCounterIsDifferencedAndAResetStartsFromZero() {
    EnergyMeter m = new EnergyMeter();
    assertThat(m.sample(T, 1_000_000, Double.NaN)).as("first sample").isZero();
    assertThat(m.sample(T + 10_000, 5_000_000, Double.NaN)).isEqualTo(4000.0); // 4e6 mJ
    // the driver reloaded: the counter restarts; what it shows was used since the reset
    assertThat(m.sample(T + 20_000, 3_000_000, Double.NaN)).isEqualTo(3000.0);
    assertThat(m.sample(T + 15_000, 9_000_000, Double.NaN)).as("out of order").isZero();
    assertThat(m.sample(T + 20_000 + EnergyMeter.MAX_GAP_MILLIS + 1, 9e6, Double.NaN))
        .as("a gap is not bridged")
        .isZero();
  }

  @Test
  void powerIsIntegratedByTheTrapezoidRuleWhenThereIsNoCounter() {
    EnergyMeter m = new EnergyMeter();
    m.sample(T, Double.NaN, 300);
    assertThat(m.sample(T + 10_000, Double.NaN, 500)).isEqualTo(4000.0); // (300 + 500) / 2 x 10 s
    assertThat(m.sample(T + 40_000, Double.NaN, 500)).isEqualTo(15000.0);
  }

  @Test
  void timeOfUseBandsByDayAndAcrossMidnightAndDst() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Tariff t =
        new Tariff(
            0.20,
            List.of(
                new Tariff.Band(
                    LocalTime.of(7, 0),
                    LocalTime.of(22, 0),
                    EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                    0.40),
                new Tariff.Band(LocalTime.of(23, 0), LocalTime.of(5, 0), Tariff.everyDay(), 0.10)),
            berlin);
    // Monday 2026-03-02, Berlin is UTC+1
    assertThat(t.pricePerKwh(Instant.parse("2026-03-02T05:59:59Z").toEpochMilli())).isEqualTo(0.20);
    assertThat(t.pricePerKwh(Instant.parse("2026-03-02T06:00:00Z").toEpochMilli())).isEqualTo(0.40);
    assertThat(t.pricePerKwh(Instant.parse("2026-03-02T21:00:00Z").toEpochMilli())).isEqualTo(0.20);
    assertThat(t.pricePerKwh(Instant.parse("2026-03-02T22:30:00Z").toEpochMilli())).isEqualTo(0.10);
    assertThat(t.pricePerKwh(Instant.parse("2026-03-03T03:30:00Z").toEpochMilli())).isEqualTo(0.10);
    // Saturday: no weekday band
    assertThat(t.pricePerKwh(Instant.parse("2026-03-07T10:00:00Z").toEpochMilli())).isEqualTo(0.20);
    // after the switch to summer time (29 March), 07:00 local is 05:00 UTC
    assertThat(t.pricePerKwh(Instant.parse("2026-03-30T05:00:00Z").toEpochMilli())).isEqualTo(0.40);
    assertThat(t.pricePerKwh(Instant.parse("2026-03-30T04:59:00Z").toEpochMilli())).isEqualTo(0.20);
  }

  @Test
  void aSiteCostsEnergyWithOverheadAndStraightLineAmortisation() throws Exception {
    Sites sites =
        Sites.parse(
            new ObjectMapper()
                .readTree(
                    "{\"sites\":[{\"name\":\"lab\",\"currency\":\"eur\",\"time_zone\":\"UTC\","
                        + "\"tariff\":{\"flat\":0.25},\"hardware\":{\"node_price\":87660,"
                        + "\"lifetime_years\":4,\"purchased\":\"2025-01-01\",\"overhead\":1.2}}]}"));
    Site lab = sites.get("lab");
    assertThat(lab.currency()).isEqualTo("EUR");
    assertThat(lab.amortisation(3_600_000L)).isCloseTo(2.5, within(1e-12)); // 87660 / 35064 h
    assertThat(lab.energyCost(3.6e6, T)).isCloseTo(0.30, within(1e-12)); // 1 kWh x 0.25 x 1.2
    assertThat(lab.purchasedAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void aBadSitesFileNamesTheField() {
    ObjectMapper m = new ObjectMapper();
    assertThatThrownBy(() -> Sites.parse(m.readTree("{}"))).hasMessageContaining("sites");
    assertThatThrownBy(
            () ->
                Sites.parse(
                    m.readTree(
                        "{\"sites\":[{\"name\":\"a\",\"tariff\":{\"flat\":0.2},"
                            + "\"hardware\":{\"node_price\":1,\"lifetime_years\":4,"
                            + "\"purchased\":\"soon\"}}]}")))
        .hasMessageContaining("sites[0].hardware.purchased");
    assertThatThrownBy(
            () ->
                Sites.parse(
                    m.readTree(
                        "{\"sites\":[{\"name\":\"a\",\"tariff\":{\"flat\":-1},"
                            + "\"hardware\":{\"node_price\":1,\"lifetime_years\":4,"
                            + "\"purchased\":\"2025-01-01\"}}]}")))
        .hasMessageContaining("sites[0].tariff.flat");
  }

  @Test
  void paybackIsTheHardwarePriceOverTheHourlySavingFromThePurchaseDate() {
    long bought = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    // two nodes at 240,000; served GPU time worth 20/h on-demand in the cloud; energy 4/h:
    // 480,000 / 16 = 30,000 h = 1,250 days after purchase
    assertThat(Payback.paybackAt(480_000, bought, 20, 4))
        .isEqualTo(Instant.parse("2028-06-04T00:00:00Z").toEpochMilli());
    assertThat(Payback.paybackAt(480_000, bought, 3, 4)).as("never pays back").isEqualTo(-1);
  }
}
