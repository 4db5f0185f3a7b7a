package io.burnrate.jobs.parse;

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

  /**
   * A check of a parsed record against the bounds of plausibility or the limits of the sink it goes
   * to; throws the reason it cannot be used.
   */
  public interface Check<T> extends Serializable {
    void check(T value) throws ParseException;
  }

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ParseFunction.class);

  private final ParserFactory<T> factory;
  private final int maxRecordBytes;
  private final int maxPayloadBytes;
  private final InputLimits limits;
  private EventTime<T> eventTime;
  private TagCount<T> tagCount;
  private Check<T> check;

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

  /** Checks each parsed record (plausibility bounds, the sink's limits) before it is used. */
  public ParseFunction<T> withCheck(Check<T> check) {
    this.check = check;
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
    if (!r.continuation) {
      inputRecords.add(1L);
    }
    // parsed already in the source task when event time is assigned there (SourceEventTime)
    Object cached = r.decoded;
    r.decoded = null;
    @SuppressWarnings("unchecked")
    Decoded<T> d = cached instanceof Decoded<?> c ? (Decoded<T>) c : decode(r, parser);
    if (d.reason != null) {
      dead(r, d.reason, d.detail, ctx);
    } else if (d.value != null) {
      out.collect(d.value);
    }
  }

  /**
   * The outcome of parsing one record: the value (null when the parser skips the record) with its
   * event time ({@link Long#MIN_VALUE} when it has none), or the reason it cannot be used.
   */
  public static final class Decoded<T> {
    final T value;
    final long eventTime;
    final String reason;
    final String detail;

    private Decoded(T value, long eventTime, String reason, String detail) {
      this.value = value;
      this.eventTime = eventTime;
      this.reason = reason;
      this.detail = detail;
    }

    static <T> Decoded<T> dead(String reason, String detail) {
      return new Decoded<>(null, Long.MIN_VALUE, reason, detail);
    }

    /** The record's event time, or {@link Long#MIN_VALUE} (dead letters, records without one). */
    public long eventTime() {
      return eventTime;
    }
  }

  /** Creates this step's parser (one per task or source reader: parsers are not thread-safe). */
  public RecordParser<T> newParser() {
    return factory.create();
  }

  /**
   * Parses and checks one record against the input limits, without side effects: the same code runs
   * in the source task (to assign event time per partition) and in this function.
   */
  public Decoded<T> decode(RawRecord r, RecordParser<T> parser) {
    if (r.rejectReason != null) {
      return Decoded.dead(r.rejectReason, r.rejectDetail);
    }
    if (r.value == null || r.value.length == 0) {
      return Decoded.dead(DeadLetter.Reasons.EMPTY, "record has no value");
    }
    if (r.value.length > maxRecordBytes) {
      return Decoded.dead(
          DeadLetter.Reasons.TOO_LARGE,
          "record of "
              + r.value.length
              + " bytes exceeds input.max-record-bytes="
              + maxRecordBytes);
    }
    if (limits.maxStringBytes() < maxRecordBytes) {
      int longest = InputLimits.longestString(r.value);
      if (longest > limits.maxStringBytes()) {
        return Decoded.dead(
            DeadLetter.Reasons.TOO_LARGE,
            "a JSON string of "
                + longest
                + " bytes exceeds input.max-string-bytes="
                + limits.maxStringBytes());
      }
    }
    T v;
    try {
      v = parser.parse(r);
    } catch (ParseException e) {
      return Decoded.dead(e.reason(), e.detail());
    } catch (RuntimeException e) {
      // a parser bug must not stop the job either: keep the record and say what happened
      return Decoded.dead(DeadLetter.Reasons.INVALID_VALUE, "unexpected parser error: " + e);
    }
    if (v == null) {
      return new Decoded<>(null, Long.MIN_VALUE, null, null);
    }
    long t = Long.MIN_VALUE;
    if (eventTime != null) {
      t = eventTime.of(v);
      // Long.MIN_VALUE: a record without event time of its own (e.g. a kind Burnrate ignores)
      if (t != Long.MIN_VALUE && t < limits.minEventTime()) {
        return Decoded.dead(
            DeadLetter.Reasons.OUT_OF_RANGE,
            "event time "
                + java.time.Instant.ofEpochMilli(t)
                + " is before input.min-event-time "
                + java.time.Instant.ofEpochMilli(limits.minEventTime()));
      }
      long now = System.currentTimeMillis();
      if (t != Long.MIN_VALUE && t > now + limits.maxFutureSkewMillis()) {
        return Decoded.dead(
            DeadLetter.Reasons.OUT_OF_RANGE,
            "event time "
                + java.time.Instant.ofEpochMilli(t)
                + " is more than input.max-future-skew ("
                + java.time.Duration.ofMillis(limits.maxFutureSkewMillis())
                + ") ahead of the wall clock "
                + java.time.Instant.ofEpochMilli(now));
      }
    }
    if (check != null) {
      try {
        check.check(v);
      } catch (ParseException e) {
        return Decoded.dead(e.reason(), e.detail());
      } catch (RuntimeException e) {
        return Decoded.dead(DeadLetter.Reasons.INVALID_VALUE, "unexpected check error: " + e);
      }
    }
    if (tagCount != null) {
      int n = tagCount.of(v);
      if (n > limits.maxTags()) {
        return Decoded.dead(
            DeadLetter.Reasons.TOO_LARGE, n + " tags exceed input.max-tags=" + limits.maxTags());
      }
    }
    return new Decoded<>(v, t, null, null);
  }

  private void dead(RawRecord r, String reason, String detail, Context ctx) {
    if (DeadLetter.Reasons.WATCH_ERROR.equals(reason)) {
      // the producer's watch ended: until it re-lists, pod and node changes may be missing
      LOG.warn(
          "Kubernetes watch ERROR event on {} partition {} offset {}: {}",
          r.topic,
          r.partition,
          r.offset,
          detail);
    }
    ctx.output(DLQ, DeadLetters.of(r, reason, detail, maxPayloadBytes));
    deadLetters.inc(reason);
  }
}
