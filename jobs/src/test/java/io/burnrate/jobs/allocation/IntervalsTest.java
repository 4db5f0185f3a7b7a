package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.BurnrateTestBase;
import org.junit.jupiter.api.Test;

class IntervalsTest extends BurnrateTestBase {
  @Test
  void overlapOfHalfOpenIntervals() {
    assertThat(Intervals.overlap(t(30), t(90), t(0), t(60))).isEqualTo(30_000);
    assertThat(Intervals.overlap(t(60), t(90), t(0), t(60))).isZero();
    assertThat(Intervals.overlap(t(-10), -1, t(0), t(60))).as("still running").isEqualTo(60_000);
    assertThat(Intervals.overlap(-1, -1, t(0), t(60))).as("not started").isZero();
  }

  @Test
  void overlapOpenStartCountsFromTheWindowStart() {
    assertThat(Intervals.overlapOpenStart(-1, t(45), t(0), t(60)))
        .as(
            "unknown start = since forever: overlapOpenStart maps it to Long.MIN_VALUE / 4 and"
                + " passes that to overlap(), which treats any negative start as 'not started'")
        .isEqualTo(45_000);
    assertThat(Intervals.overlapOpenStart(t(30), -1, t(0), t(60))).isEqualTo(30_000);
  }

  @Test
  void floorsToMinuteAndHour() {
    assertThat(Intervals.floorMinute(t(119.999))).isEqualTo(t(60));
    assertThat(Intervals.floorHour(t(3599))).isEqualTo(t(0));
    assertThat(Intervals.floorMinute(-1)).isEqualTo(-60_000);
  }
}
