package io.burnrate.jobs.lake;

import io.burnrate.connectors.iceberg.JsonRows;
import io.burnrate.connectors.kafka.DeadLetters;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.schemas.model.DeadLetter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The one row path into the lake: an output record, as the JSON of its topic, to its table's row
 * ({@link JsonRows}); what does not fit goes to the dead-letter topic naming the column at fault.
 * The history job feeds it the records it reads from the topic, the analytics job ({@code job.mode:
 * all}) its own output records through the same JSON encoder its Kafka sink uses.
 *
 * @param <T> the output record
 */
public final class OutputRows<T> extends ProcessFunction<T, RowData> {
  private static final long serialVersionUID = 1L;

  private final SerializableFunction<T, byte[]> json;
  private final JsonRows rows;
  private final String topic;
  private final int maxPayloadBytes;
  private final OutputTag<DeadLetter> unfit;

  public OutputRows(
      Landings.Landing landing,
      SerializableFunction<T, byte[]> json,
      int maxPayloadBytes,
      OutputTag<DeadLetter> unfit) {
    this.json = json;
    this.rows = new JsonRows(landing.schema(), landing.defaults());
    this.topic = landing.topic();
    this.maxPayloadBytes = maxPayloadBytes;
    this.unfit = unfit;
  }

  /** For records read from the output topic: their value is the JSON. */
  public static OutputRows<RawRecord> ofTopicRecords(
      Landings.Landing landing, int maxPayloadBytes, OutputTag<DeadLetter> unfit) {
    return new OutputRows<>(landing, r -> r.value, maxPayloadBytes, unfit);
  }

  @Override
  public void processElement(T record, Context ctx, Collector<RowData> out) {
    byte[] value = json.apply(record);
    RawRecord raw = record instanceof RawRecord r ? r : null;
    if (value == null) {
      ctx.output(
          unfit,
          DeadLetters.of(
              raw != null ? raw : asRecord(null),
              DeadLetter.Reasons.INVALID_JSON,
              "a record without value",
              maxPayloadBytes));
      return;
    }
    try {
      out.collect(rows.toRow(value));
    } catch (JsonRows.Invalid e) {
      ctx.output(
          unfit,
          DeadLetters.of(
              raw != null ? raw : asRecord(value), e.reason, e.getMessage(), maxPayloadBytes));
    }
  }

  /** An output of this job that does not fit its table, kept as its topic would carry it. */
  private RawRecord asRecord(byte[] value) {
    RawRecord r = new RawRecord();
    r.topic = topic;
    r.partition = -1;
    r.offset = -1;
    r.value = value;
    return r;
  }
}
