package io.burnrate.jobs.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuietTimersTest {
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;

  @Test
  void neverBeforeTheQuietTimeAndAtMostOneGridStepAfter() {
    for (long t = 0; t < 3 * HOUR; t += 7_919) {
      long d = QuietTimers.deadline(t, 6 * HOUR);
      assertThat(d).isGreaterThanOrEqualTo(t + 6 * HOUR).isLessThan(t + 6 * HOUR + 45 * MINUTE);
      assertThat(d % MINUTE).isZero();
    }
  }

  @Test
  void aKeyWithOneEventPerMinuteKeepsAboutNineTimersNotThreeHundredSixty() {
    Set<Long> live = new HashSet<>();
    for (long m = 0; m < 6 * 60; m++) {
      live.add(QuietTimers.deadline(m * MINUTE + MINUTE, 6 * HOUR));
    }
    assertThat(live).hasSizeLessThanOrEqualTo(9);
  }

  @Test
  void shortQuietTimesUseWholeMinutes() {
    assertThat(QuietTimers.deadline(90_000, 10 * MINUTE)).isEqualTo(12 * MINUTE);
    assertThat(QuietTimers.deadline(60_000, 10 * MINUTE)).isEqualTo(11 * MINUTE);
    assertThat(QuietTimers.deadline(-90_000, 5 * MINUTE)).isEqualTo(4 * MINUTE);
  }
}
