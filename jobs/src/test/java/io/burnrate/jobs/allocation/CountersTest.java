package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountersTest {
  @Test
  void increaseWithoutResetIsTheDifference() {
    assertThat(Counters.increase(1000, 1750)).isEqualTo(750.0);
    assertThat(Counters.increase(1750, 1750)).isEqualTo(0.0);
  }

  @Test
  void counterGoingDownIsAResetAndCountsTheNewValue() {
    // restarted at 0 and counted up to 200 since
    assertThat(Counters.increase(1000, 200)).isEqualTo(200.0);
    assertThat(Counters.increase(1000, 0)).isEqualTo(0.0);
  }

  @Test
  void firstReadingHasNoIncrease() {
    assertThat(Counters.increase(Double.NaN, 5000)).isEqualTo(0.0);
  }

  @Test
  void missingCurrentReadingHasNoIncrease() {
    assertThat(Counters.increase(5000, Double.NaN)).isEqualTo(0.0);
  }
}
