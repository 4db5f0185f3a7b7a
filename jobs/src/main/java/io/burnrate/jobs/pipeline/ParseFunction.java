package io.burnrate.jobs.pipeline;

import io.burnrate.connectors.kafka.DeadLetters;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.parse.ParseException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
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

  private final ParserFactory<T> factory;
  private final int maxRecordBytes;
  private final int maxPayloadBytes;

  /**
   * Prefix of the accumulators counting every input record the job read (parsed or dead-lettered),
   * one per topic: {@code burnrate.input-records.<topic>}.
   */
  public static final String INPUT_RECORDS = "burnrate.input-records";

  private transient RecordParser<T> parser;
  private transient LongCounter inputRecords;
  private transient Map<String, Counter> deadLetters;

  public ParseFunction(ParserFactory<T> factory, int maxRecordBytes, int maxPayloadBytes) {
    this.factory = factory;
    this.maxRecordBytes = maxRecordBytes;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  @Override
  public void open(OpenContext ctx) {
    parser = factory.create();
    deadLetters = new HashMap<>();
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
    if (v != null) {
      out.collect(v);
    }
  }

  private void dead(RawRecord r, String reason, String detail, Context ctx) {
    ctx.output(DLQ, DeadLetters.of(r, reason, detail, maxPayloadBytes));
    deadLetters
        .computeIfAbsent(
            reason,
            k -> getRuntimeContext().getMetricGroup().addGroup("reason", k).counter("deadLetters"))
        .inc();
  }
}
