package io.burnrate.connectors.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Wraps every Kafka record into a {@link RawRecord}; never throws, whatever the bytes are. Parsing
 * and validation happen downstream, where a failure becomes a dead letter with the record's topic,
 * partition and offset.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
  private static final long serialVersionUID = 1L;

  private final RecordExpander expander;

  /** Every Kafka record as one raw record. */
  public RawRecordDeserializer() {
    this(null);
  }

  /** Every Kafka record through {@code expander} (null: as one raw record). */
  public RawRecordDeserializer(RecordExpander expander) {
    this.expander = expander;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
    RawRecord raw = new RawRecord();
    raw.topic = r.topic();
    raw.partition = r.partition();
    raw.offset = r.offset();
    raw.timestamp = r.timestamp();
    raw.key = r.key();
    raw.value = r.value();
    Header h = r.headers().lastHeader("cluster");
    if (h != null && h.value() != null) {
      raw.clusterHeader = new String(h.value(), StandardCharsets.UTF_8);
    }
    if (expander != null) {
      expander.expand(raw, out);
    } else {
      out.collect(raw);
    }
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }
}
