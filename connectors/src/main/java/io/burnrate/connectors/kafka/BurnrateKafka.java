package io.burnrate.connectors.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builders for Burnrate's Kafka sources and sinks.
 *
 * <pre>{@code
 * KafkaOptions kafka = KafkaOptions.of("127.0.0.1:9092");
 * KafkaSource<RawRecord> gpu = BurnrateKafka.source(kafka, "burnrate", List.of(Topics.TELEMETRY_GPU), false);
 * KafkaSink<CostWindow> out = BurnrateKafka.exactlyOnceSink(kafka, serializer, "burnrate-windows", Duration.ofMinutes(10));
 * }</pre>
 */
public final class BurnrateKafka {
  private BurnrateKafka() {}

  /**
   * A source of raw records (never failing deserialisation) over the given topics, reading only
   * committed records, starting from the group's committed offsets (earliest when none).
   *
   * @param bounded stop at the offsets that are latest when the job starts (tests, backfills)
   */
  public static KafkaSource<RawRecord> source(
      KafkaOptions kafka, String groupId, List<String> topics, boolean bounded) {
    return source(kafka, groupId, topics, bounded, null);
  }

  /**
   * {@link #source(KafkaOptions, String, List, boolean)} whose records go through {@code expander}
   * in the source task (e.g. OTLP requests into one record per GPU sample).
   */
  public static KafkaSource<RawRecord> source(
      KafkaOptions kafka,
      String groupId,
      List<String> topics,
      boolean bounded,
      RecordExpander expander) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("at least one topic is required");
    }
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    props.setProperty("isolation.level", "read_committed");
    props.putIfAbsent("partition.discovery.interval.ms", "60000");
    props.putIfAbsent("commit.offsets.on.checkpoint", "true");
    KafkaSourceBuilder<RawRecord> b =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(kafka.bootstrapServers())
            .setTopics(topics)
            .setGroupId(groupId)
            .setProperties(props)
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new RawRecordDeserializer(expander));
    if (bounded) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }

  /**
   * An exactly-once (transactional) sink: records become visible to read_committed consumers when
   * the checkpoint that covers them completes.
   *
   * @param transactionTimeout must be below the broker's {@code transaction.max.timeout.ms} (15 min
   *     by default)
   */
  public static <T> KafkaSink<T> exactlyOnceSink(
      KafkaOptions kafka,
      KafkaRecordSerializationSchema<T> serializer,
      String transactionalIdPrefix,
      Duration transactionTimeout) {
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    props.setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()));
    props.putIfAbsent("compression.type", "lz4");
    props.putIfAbsent("linger.ms", "20");
    return KafkaSink.<T>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setKafkaProducerConfig(props)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .build();
  }

  /**
   * An at-least-once sink for records that must be seen at once (alerts, actions): each record is
   * sent as soon as it is produced and flushed at every checkpoint; after a failure the records
   * since the last checkpoint are produced again, with the same ids.
   */
  public static <T> KafkaSink<T> atLeastOnceSink(
      KafkaOptions kafka, KafkaRecordSerializationSchema<T> serializer) {
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    props.putIfAbsent("linger.ms", "0");
    props.putIfAbsent("acks", "all");
    props.putIfAbsent("enable.idempotence", "true");
    return KafkaSink.<T>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setKafkaProducerConfig(props)
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }
}
