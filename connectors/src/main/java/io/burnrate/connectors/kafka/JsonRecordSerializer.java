package io.burnrate.connectors.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Serialises a record to JSON on a fixed topic, keyed so that records of one scope stay ordered in
 * one partition and compaction keeps the latest.
 */
public final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  /** A serialisable function. */
  @FunctionalInterface
  public interface Fn<A, B> extends Function, java.io.Serializable {
    B apply(A a);
  }

  private final String topic;
  private final Fn<T, String> key;
  private final Fn<T, byte[]> value;

  public JsonRecordSerializer(String topic, Fn<T, String> key, Fn<T, byte[]> value) {
    this.topic = topic;
    this.key = key;
    this.value = value;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext ctx, Long timestamp) {
    String k = key.apply(element);
    return new ProducerRecord<>(
        topic,
        null,
        recordTimestamp(timestamp, System.currentTimeMillis()),
        k == null ? null : k.getBytes(StandardCharsets.UTF_8),
        value.apply(element));
  }

  /**
   * The record's event time, but never in the future: brokers reject records whose timestamp is
   * ahead of their clock by more than {@code log.message.timestamp.after.max.ms} (1 h by default
   * since Kafka 4.0), and an event-time timer (e.g. a quiet-series timeout, or the end-of-input
   * watermark) can stamp a record hours ahead.
   */
  static Long recordTimestamp(Long eventTime, long now) {
    if (eventTime == null || eventTime < 0) {
      return null;
    }
    return Math.min(eventTime, now);
  }
}
