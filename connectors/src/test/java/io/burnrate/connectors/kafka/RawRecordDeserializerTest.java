package io.burnrate.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RawRecordDeserializerTest {
  private static final long TS = 1_767_607_200_123L;

  private static ConsumerRecord<byte[], byte[]> record(
      byte[] key, byte[] value, RecordHeaders headers) {
    return new ConsumerRecord<>(
        "burnrate.telemetry.gpu",
        5,
        123_456L,
        TS,
        TimestampType.CREATE_TIME,
        key == null ? -1 : key.length,
        value == null ? -1 : value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  private static List<RawRecord> deserialize(ConsumerRecord<byte[], byte[]> r) throws Exception {
    List<RawRecord> out = new ArrayList<>();
    new RawRecordDeserializer().deserialize(r, new ListCollector<>(out));
    return out;
  }

  @Test
  void wrapsTheRecordWithItsCoordinatesAndClusterHeader() throws Exception {
    RecordHeaders h = new RecordHeaders();
    h.add("cluster", "prod-eu".getBytes(StandardCharsets.UTF_8));
    byte[] value = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    List<RawRecord> out =
        deserialize(record("node-a/0".getBytes(StandardCharsets.UTF_8), value, h));
    assertThat(out).hasSize(1);
    RawRecord r = out.get(0);
    assertThat(r.topic).isEqualTo("burnrate.telemetry.gpu");
    assertThat(r.partition).isEqualTo(5);
    assertThat(r.offset).isEqualTo(123_456L);
    assertThat(r.timestamp).isEqualTo(TS);
    assertThat(r.key).asString(StandardCharsets.UTF_8).isEqualTo("node-a/0");
    assertThat(r.value).isEqualTo(value);
    assertThat(r.clusterHeader).isEqualTo("prod-eu");
  }

  @Test
  void lastClusterHeaderWins() throws Exception {
    RecordHeaders h = new RecordHeaders();
    h.add("cluster", "first".getBytes(StandardCharsets.UTF_8));
    h.add("other", "x".getBytes(StandardCharsets.UTF_8));
    h.add("cluster", "second".getBytes(StandardCharsets.UTF_8));
    assertThat(deserialize(record(null, new byte[] {1}, h)).get(0).clusterHeader)
        .isEqualTo("second");
  }

  @Test
  void garbageBytesNeverThrow() throws Exception {
    byte[] garbage = {(byte) 0xff, 0x00, (byte) 0xfe, (byte) 0xc3, 0x28};
    RecordHeaders h = new RecordHeaders();
    h.add("cluster", null);
    assertThatCode(() -> deserialize(record(garbage, garbage, h))).doesNotThrowAnyException();
    List<RawRecord> out = deserialize(record(garbage, garbage, h));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).value).isEqualTo(garbage);
    assertThat(out.get(0).key).isEqualTo(garbage);
    assertThat(out.get(0).clusterHeader).isNull();
  }

  @Test
  void nullValueAndNoHeadersYieldOneRecord() throws Exception {
    List<RawRecord> out = deserialize(record(null, null, new RecordHeaders()));
    assertThat(out).hasSize(1);
    RawRecord r = out.get(0);
    assertThat(r.key).isNull();
    assertThat(r.value).isNull();
    assertThat(r.clusterHeader).isNull();
    assertThat(r.offset).isEqualTo(123_456L);
    assertThat(r.partition).isEqualTo(5);
  }

  @Test
  void producedTypeIsAPojoNotKryo() {
    TypeInformation<RawRecord> t = new RawRecordDeserializer().getProducedType();
    assertThat(t).isInstanceOf(PojoTypeInfo.class).isNotInstanceOf(GenericTypeInfo.class);
  }
}
