package io.burnrate.jobs.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/** The per-partition watermark generator of {@link SourceEventTime}, on a clock the test moves. */
class SourceEventTimeTest {
  private static final long OOO = 20_000;
  private static final long IDLE = 30_000;
  private static final long HOLD = 5_000;

  private final Clock clock = new Clock();
  private final Output out = new Output();

  private SourceEventTime.PartitionTime<String> partition() {
    return partition(new SourceEventTime.ReaderStart(clock.now));
  }

  private SourceEventTime.PartitionTime<String> partition(SourceEventTime.ReaderStart start) {
    return new SourceEventTime.PartitionTime<>(OOO, IDLE, clock, start, HOLD);
  }

  /** Moves the clock and lets the generator emit, as the source's periodic timer does. */
  private void tick(SourceEventTime.PartitionTime<String> p, long millis) {
    clock.now += millis;
    p.onPeriodicEmit(out);
  }

  @Test
  void watermarkIsTheNewestEventTimeLessTheBoundOfItsOwnPartition() {
    var p = partition();
    tick(p, HOLD);
    p.onEvent("a", 100_000, out);
    p.onEvent("b", 90_000, out); // out of order within the bound: does not move time back
    tick(p, 200);
    assertThat(out.last()).isEqualTo(100_000 - OOO - 1);
    assertThat(out.idle).isFalse();
  }

  @Test
  void noWatermarkBeforeTheSubtasksOtherPartitionsCouldBeRead() {
    SourceEventTime.ReaderStart start = new SourceEventTime.ReaderStart(clock.now);
    var first = partition(start);
    first.onEvent("a", 100_000, out);
    tick(first, 1_000);
    assertThat(out.last()).as("held at startup").isEqualTo(Long.MIN_VALUE);
    // a second partition's first records arrive later in the same start: it shares the start
    var second = partition(start);
    second.onEvent("b", 50_000, out);
    tick(first, HOLD);
    assertThat(out.last()).isEqualTo(100_000 - OOO - 1);
  }

  @Test
  void recordsWithoutOwnTimeNeitherMoveTimeNorKeepAPartitionAwake() {
    var p = partition();
    tick(p, HOLD);
    p.onEvent("a", 100_000, out);
    tick(p, 200);
    for (int i = 0; i < 10; i++) {
      p.onEvent("dead letter", Long.MIN_VALUE, out);
      tick(p, IDLE / 5);
    }
    assertThat(out.idle).as("idle although records without time kept coming").isTrue();
    assertThat(out.max()).isEqualTo(100_000 - OOO - 1);
  }

  @Test
  void aSilentPartitionGoesIdleAndHoldsItsWatermarkForAWhileWhenItWakes() {
    var p = partition();
    tick(p, HOLD);
    p.onEvent("a", 100_000, out);
    tick(p, 200);
    tick(p, IDLE);
    assertThat(out.idle).isTrue();

    p.onEvent("after the pause", 400_000, out);
    tick(p, 200);
    assertThat(out.idle).isFalse();
    assertThat(out.last())
        .as("held where it was: the partitions waking with it may still be idle")
        .isEqualTo(100_000 - OOO - 1);
    p.onEvent("more", 410_000, out);
    tick(p, IDLE - 1_000);
    assertThat(out.last()).isEqualTo(100_000 - OOO - 1);
    p.onEvent("more", 420_000, out);
    tick(p, 1_000);
    assertThat(out.last()).isEqualTo(420_000 - OOO - 1);
  }

  @Test
  void watermarksNeverGoBack() {
    var p = partition();
    tick(p, HOLD);
    p.onEvent("a", 100_000, out);
    tick(p, 200);
    p.onEvent("older", 10_000, out);
    tick(p, 200);
    assertThat(out.watermarks).isSorted();
  }

  private static final class Clock implements RelativeClock {
    long now = 1_000_000;

    @Override
    public long relativeTimeMillis() {
      return now;
    }

    @Override
    public long relativeTimeNanos() {
      return now * 1_000_000;
    }
  }

  private static final class Output implements WatermarkOutput {
    final List<Long> watermarks = new ArrayList<>();
    boolean idle;

    @Override
    public void emitWatermark(Watermark watermark) {
      watermarks.add(watermark.getTimestamp());
      idle = false;
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }

    long last() {
      return watermarks.get(watermarks.size() - 1);
    }

    long max() {
      return watermarks.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    }
  }
}
