package io.burnrate.connectors.kafka;

import java.io.Serializable;
import org.apache.flink.util.Collector;

/**
 * What a Kafka record of a topic stands for, decided in the source task: the record itself, or the
 * several records one batch holds (an OTLP request carries whole scrapes). An expander never
 * throws: a record it cannot read is emitted as it came with {@link RawRecord#rejectReason} set,
 * and becomes a dead letter downstream. The first record emitted for a Kafka record has {@link
 * RawRecord#continuation} false, the others true.
 */
public interface RecordExpander extends Serializable {
  void expand(RawRecord record, Collector<RawRecord> out);
}
