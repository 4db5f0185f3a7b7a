package io.burnrate.jobs.pipeline;

import io.burnrate.connectors.kafka.DeadLetters;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.parse.ParseException;
import java.io.Serializable;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw Kafka records of one topic. A record that cannot be used never fails the job: it goes
 * to the {@link #DLQ} side output with the parser's reason, the detail and its topic, partition and
 * offset; a metric counts dead letters by reason.
 */
public final class ParseFunction<T> extends ProcessFunction<RawRecord, T> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DLQ = new OutputTag<>("dead-letters") {};

  /** Parses one record; thread-confined, created per task. */
  public interface RecordParser<T> {
    T parse(RawRecord r) throws ParseException;
  }

  /** Creates the parser in each task (parsers are not shared across threads). */
  public interface ParserFactory<T> extends Serializable {
    RecordParser<T> create();
  }

  /** The event time of a parsed record, for the time limits. */
  public interface EventTime<T> extends Serializable {
    long of(T value);
  }

  /** The number of tags of a parsed record, for the tag limit. */
  public interface TagCount<T> extends Serializable {
    int of(T value);
  }

  private final ParserFactory<T> factory;
  private final int maxRecordBytes;
  private final int maxPayloadBytes;
  private final InputLimits limits;
  private EventTime<T> eventTime;
  private TagCount<T> tagCount;

  /**
   * Prefix of the accumulators counting every input record the job read (parsed or dead-lettered),
   * one per topic: {@code burnrate.input-records.<topic>}.
   */
  public static final String INPUT_RECORDS = "burnrate.input-records";

  private transient RecordParser<T> parser;
  private transient LongCounter inputRecords;
  private transient DeadLetterCounters deadLetters;

  public ParseFunction(ParserFactory<T> factory, int maxRecordBytes, int maxPayloadBytes) {
    this(factory, InputLimits.recordBytes(maxRecordBytes), maxPayloadBytes);
  }

  public ParseFunction(ParserFactory<T> factory, InputLimits limits, int maxPayloadBytes) {
    this.factory = factory;
    this.limits = limits;
    this.maxRecordBytes = limits.maxRecordBytes();
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** Checks each parsed record's event time against the time limits. */
  public ParseFunction<T> withEventTime(EventTime<T> eventTime) {
    this.eventTime = eventTime;
    return this;
  }

  /** Checks each parsed record's tag count against the tag limit. */
  public ParseFunction<T> withTagCount(TagCount<T> tagCount) {
    this.tagCount = tagCount;
    return this;
  }

  @Override
  public void open(OpenContext ctx) {
    parser = factory.create();
    deadLetters = new DeadLetterCounters(getRuntimeContext().getMetricGroup());
    inputRecords = null;
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<T> out) {
    if (inputRecords == null) {
      inputRecords = new LongCounter();
      getRuntimeContext().addAccumulator(INPUT_RECORDS + "." + r.topic, inputRecords);
    }
    inputRecords.add(1L);
    if (r.value == null || r.value.length == 0) {
      dead(r, DeadLetter.Reasons.EMPTY, "record has no value", ctx);
      return;
    }
    if (r.value.length > maxRecordBytes) {
      dead(
          r,
          DeadLetter.Reasons.TOO_LARGE,
          "record of " + r.value.length + " bytes exceeds input.max-record-bytes=" + maxRecordBytes,
          ctx);
      return;
    }
    if (limits.maxStringBytes() < maxRecordBytes) {
      int longest = InputLimits.longestString(r.value);
      if (longest > limits.maxStringBytes()) {
        dead(
            r,
            DeadLetter.Reasons.TOO_LARGE,
            "a JSON string of "
                + longest
                + " bytes exceeds input.max-string-bytes="
                + limits.maxStringBytes(),
            ctx);
        return;
      }
    }
    T v;
    try {
      v = parser.parse(r);
    } catch (ParseException e) {
      dead(r, e.reason(), e.detail(), ctx);
      return;
    } catch (RuntimeException e) {
      // a parser bug must not stop the job either: keep the record and say what happened
      dead(r, DeadLetter.Reasons.INVALID_VALUE, "unexpected parser error: " + e, ctx);
      return;
    }
    if (v == null) {
      return;
    }
    if (eventTime != null) {
      long t = eventTime.of(v);
      if (t < limits.minEventTime()) {
        dead(
            r,
            DeadLetter.Reasons.OUT_OF_RANGE,
            "event time "
                + java.time.Instant.ofEpochMilli(t)
                + " is before input.min-event-time "
                + java.time.Instant.ofEpochMilli(limits.minEventTime()),
            ctx);
        return;
      }
      long now = System.currentTimeMillis();
      if (t > now + limits.maxFutureSkewMillis()) {
        dead(
            r,
            DeadLetter.Reasons.OUT_OF_RANGE,
            "event time "
                + java.time.Instant.ofEpochMilli(t)
                + " is more than input.max-future-skew ("
                + java.time.Duration.ofMillis(limits.maxFutureSkewMillis())
                + ") ahead of the wall clock "
                + java.time.Instant.ofEpochMilli(now),
            ctx);
        return;
      }
    }
    if (tagCount != null) {
      int n = tagCount.of(v);
      if (n > limits.maxTags()) {
        dead(
            r,
            DeadLetter.Reasons.TOO_LARGE,
            n + " tags exceed input.max-tags=" + limits.maxTags(),
            ctx);
        return;
      }
    }
    out.collect(v);
  }

  private void dead(RawRecord r, String reason, String detail, Context ctx) {
    ctx.output(DLQ, DeadLetters.of(r, reason, detail, maxPayloadBytes));
    deadLetters.inc(reason);
  }
}
