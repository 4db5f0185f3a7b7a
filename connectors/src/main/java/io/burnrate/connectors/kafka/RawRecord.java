package io.burnrate.connectors.kafka;

/**
 * A Kafka record exactly as it arrived, with its coordinates, so that parsing can happen in an
 * operator that routes failures to the dead-letter topic (the deserialiser itself never fails).
 */
public class RawRecord {
  public String topic;
  public int partition;
  public long offset;

  /** Kafka record timestamp (epoch ms). */
  public long timestamp;

  public byte[] key;
  public byte[] value;

  /** Value of the {@code cluster} header, if the producer set one. */
  public String clusterHeader;

  /**
   * Set by a {@link RecordExpander} that could not read the record: the dead-letter reason and
   * detail; the record is as it came.
   */
  public String rejectReason;

  public String rejectDetail;

  /**
   * A record expanded from the same Kafka record as the one before it (an OTLP request holds many):
   * counted once as input.
   */
  public boolean continuation;

  /**
   * What the source task made of the value when it assigned the record's event time (the parse
   * outcome), handed to the chained parse step so that a record is parsed once. Transient: never
   * serialised, so a step that is not chained to the source parses again.
   */
  public transient Object decoded;

  public RawRecord() {}

  @Override
  public String toString() {
    return "RawRecord{" + topic + "/" + partition + "/" + offset + "}";
  }
}
