package io.burnrate.jobs.eventtime;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.parse.ParseFunction;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Event time, assigned where it can be right: in the source task, per Kafka partition.
 *
 * <p>A {@link WatermarkStrategy} handed to {@code env.fromSource} runs one watermark generator per
 * split (Kafka partition), and the source's watermark is the lowest over its partitions. So the
 * out-of-orderness bound ({@code time.max-out-of-orderness}) applies within a partition, where a
 * producer keeps order, and a backlog read from several partitions at different speeds makes
 * nothing late. Assigning time after the source would merge the partitions first and apply the
 * bound to their interleaving.
 *
 * <ul>
 *   <li>{@link #data}: the record's own event time. The source task parses each record to find it
 *       (the outcome rides on the record to the chained {@link ParseFunction}, which does not parse
 *       it again). Records that cannot be used and records without an event time of their own do
 *       not move time and do not count as activity. A partition silent for {@code
 *       time.source-idleness} stops holding back the others (on the clock that pauses while the
 *       source is back-pressured); when every partition of every data input is silent, every
 *       operator is idle and event time stays where it is until data resumes ({@link
 *       PartitionTime}).
 *   <li>{@link #configuration}: prices, budgets and billing describe their own time in their
 *       fields; their inputs are idle from the start, so they never decide event time, in either
 *       direction: they neither hold it back nor push it to the end of time.
 * </ul>
 */
public final class SourceEventTime {
  private SourceEventTime() {}

  /** Per-partition event time of a data input, parsed by {@code parse} in the source task. */
  public static WatermarkStrategy<RawRecord> data(
      ParseFunction<?> parse, Duration outOfOrderness, Duration idleness) {
    return new Data(parse, outOfOrderness, idleness);
  }

  /** An input that takes no part in event time (configuration, billing). */
  public static <T> WatermarkStrategy<T> configuration() {
    return new Configuration<>();
  }

  private static final class Data implements WatermarkStrategy<RawRecord> {
    private static final long serialVersionUID = 1L;
    private final ParseFunction<?> parse;
    private final Duration outOfOrderness;
    private final Duration idleness;

    /** The source subtask's start (one strategy object per subtask, shared by its splits). */
    private transient ReaderStart start;

    Data(ParseFunction<?> parse, Duration outOfOrderness, Duration idleness) {
      this.parse = parse;
      this.outOfOrderness = outOfOrderness;
      this.idleness = idleness;
    }

    @Override
    public TimestampAssigner<RawRecord> createTimestampAssigner(
        TimestampAssignerSupplier.Context context) {
      return assigner(parse);
    }

    private static <T> TimestampAssigner<RawRecord> assigner(ParseFunction<T> parse) {
      ParseFunction.RecordParser<T> parser = parse.newParser();
      return (r, kafkaTimestamp) -> {
        ParseFunction.Decoded<T> d = parse.decode(r, parser);
        r.decoded = d;
        return d.eventTime();
      };
    }

    @Override
    public WatermarkGenerator<RawRecord> createWatermarkGenerator(
        WatermarkGeneratorSupplier.Context context) {
      RelativeClock clock = context.getInputActivityClock();
      if (start == null) {
        start = new ReaderStart(clock.relativeTimeMillis());
      }
      return new PartitionTime<>(
          outOfOrderness.toMillis(),
          idleness.toMillis(),
          clock,
          start,
          Math.min(STARTUP_HOLD_MILLIS, idleness.toMillis()));
    }
  }

  /**
   * How long (on the activity clock) a source subtask emits no watermark after it starts: Flink
   * creates a partition's watermark generator only when its first records are read, so without the
   * hold the first partition read could move time past records of the others that are in the same
   * first fetch (a backlog, a restore).
   */
  static final long STARTUP_HOLD_MILLIS = 5_000;

  /** When a source subtask started, shared by the generators of its partitions. */
  static final class ReaderStart {
    final long at;
    final long wallNanos = System.nanoTime();

    ReaderStart(long at) {
      this.at = at;
    }

    /**
     * Whether the hold is still on: {@code hold} of the activity clock, and never more than twice
     * that of wall-clock time, so that a back-pressured backlog is not read whole (and held as
     * state, settled in one burst at the end) before event time moves.
     */
    boolean holding(long now, long hold) {
      return now - at < hold && System.nanoTime() - wallNanos < 2 * hold * 1_000_000L;
    }
  }

  /**
   * The event time of one Kafka partition: the newest timestamp seen less the out-of-orderness
   * bound; idle after {@code idleness} without records (on the clock that stops while the source is
   * back-pressured, so a busy partition never counts as silent).
   *
   * <p>A partition that wakes from idleness holds its previous watermark for another {@code
   * idleness} before it moves on: the partitions that resume with it (a pause ending on every
   * partition, a backlog arriving after a silence) wake within that time and align, so none finds
   * its records late because another raced ahead while it still counted as idle. A holding
   * partition that is behind the rest of the job holds nothing back downstream (Flink does not let
   * an input that resumes behind the current watermark pull it back).
   *
   * <p>Records without an event time of their own ({@link Long#MIN_VALUE}: dead letters, kinds
   * Burnrate ignores) neither move time nor count as activity.
   */
  static final class PartitionTime<T> implements WatermarkGenerator<T> {
    private final long outOfOrderness;
    private final long idleness;
    private final RelativeClock clock;
    private final ReaderStart start;
    private final long startupHold;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastActivity;
    private boolean idle;
    private long wokeAt = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    PartitionTime(
        long outOfOrderness,
        long idleness,
        RelativeClock clock,
        ReaderStart start,
        long startupHold) {
      this.outOfOrderness = outOfOrderness;
      this.idleness = idleness;
      this.clock = clock;
      this.start = start;
      this.startupHold = startupHold;
      this.lastActivity = clock.relativeTimeMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
      if (eventTimestamp == Long.MIN_VALUE) {
        return;
      }
      maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
      lastActivity = clock.relativeTimeMillis();
      if (idle) {
        idle = false;
        wokeAt = lastActivity;
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      long now = clock.relativeTimeMillis();
      if (start.holding(now, startupHold)) {
        output.emitWatermark(new Watermark(Long.MIN_VALUE)); // the other partitions' first records
        return;
      }
      if (idle) {
        output.markIdle();
        return;
      }
      boolean silent = now - lastActivity >= idleness;
      boolean holding = wokeAt != Long.MIN_VALUE && now - wokeAt < idleness;
      if (holding && !silent && emitted != Long.MIN_VALUE) {
        output.emitWatermark(new Watermark(emitted)); // hold: the others may be waking too
        return;
      }
      // the hold ends after its time, or when the partition falls silent again: its newest
      // timestamp is then final, and time moves to it before the partition stops counting
      wokeAt = Long.MIN_VALUE;
      long wm = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - outOfOrderness - 1;
      emitted = Math.max(emitted, wm);
      output.emitWatermark(new Watermark(emitted));
      if (silent) {
        idle = true;
        output.markIdle();
      }
    }
  }

  private static final class Configuration<T> implements WatermarkStrategy<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
      return (e, t) -> Long.MIN_VALUE;
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(
        WatermarkGeneratorSupplier.Context context) {
      return new AlwaysIdle<>();
    }
  }

  /** Never emits a watermark; says at every periodic emit that the input is idle. */
  static final class AlwaysIdle<T> implements WatermarkGenerator<T> {
    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      output.markIdle();
    }
  }
}
