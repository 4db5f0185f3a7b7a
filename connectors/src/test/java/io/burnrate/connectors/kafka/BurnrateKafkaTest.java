package io.burnrate.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.connectors.json.OutputJson;
import io.burnrate.schemas.model.DeadLetter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The builders only: no broker is contacted. */
class BurnrateKafkaTest {
  private static final KafkaOptions KAFKA =
      new KafkaOptions("127.0.0.1:9092", Map.of("security.protocol", "PLAINTEXT"));

  @Test
  void boundedSourceWhenAsked() {
    KafkaSource<RawRecord> s =
        BurnrateKafka.source(KAFKA, "burnrate", List.of("burnrate.telemetry.gpu"), true);
    assertThat(s.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    assertThat(s.getProducedType()).isEqualTo(new RawRecordDeserializer().getProducedType());
  }

  @Test
  void unboundedSourceByDefault() {
    KafkaSource<RawRecord> s =
        BurnrateKafka.source(
            KAFKA, "burnrate", List.of("burnrate.telemetry.gpu", "burnrate.k8s.events"), false);
    assertThat(s.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
  }

  @Test
  void sourceReadsCommittedOnlyAndKeepsClientProperties() throws Exception {
    KafkaSource<RawRecord> s =
        BurnrateKafka.source(
            new KafkaOptions(
                "127.0.0.1:9092",
                Map.of("isolation.level", "read_uncommitted", "security.protocol", "SSL")),
            "burnrate",
            List.of("t"),
            true);
    Method m = KafkaSource.class.getDeclaredMethod("getConfiguration");
    m.setAccessible(true);
    org.apache.flink.configuration.Configuration c =
        (org.apache.flink.configuration.Configuration) m.invoke(s);
    Map<String, String> props = c.toMap();
    assertThat(props)
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("group.id", "burnrate")
        .containsEntry("bootstrap.servers", "127.0.0.1:9092")
        .containsEntry("commit.offsets.on.checkpoint", "true");
  }

  @Test
  void sourceNeedsATopic() {
    assertThatThrownBy(() -> BurnrateKafka.source(KAFKA, "burnrate", List.of(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic");
  }

  @Test
  void sourceIsSerializable() throws Exception {
    KafkaSource<RawRecord> s = BurnrateKafka.source(KAFKA, "g", List.of("t"), true);
    KafkaSource<RawRecord> back =
        InstantiationUtil.clone(s, BurnrateKafkaTest.class.getClassLoader());
    assertThat(back.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
  }

  private static JsonRecordSerializer<DeadLetter> dlqSerializer() {
    return new JsonRecordSerializer<>("burnrate.dlq", d -> d.sourceTopic, OutputJson::deadLetter);
  }

  @Test
  void exactlyOnceSinkBuildsWithTheTransactionTimeout() throws Exception {
    KafkaSink<DeadLetter> sink =
        BurnrateKafka.exactlyOnceSink(
            new KafkaOptions("127.0.0.1:9092", Map.of("compression.type", "zstd")),
            dlqSerializer(),
            "burnrate-dlq",
            Duration.ofMinutes(10));
    assertThat(sink).isNotNull();
    Method m = KafkaSink.class.getDeclaredMethod("getKafkaProducerConfig");
    m.setAccessible(true);
    Properties p = (Properties) m.invoke(sink);
    assertThat(p.getProperty("transaction.timeout.ms")).isEqualTo("600000");
    assertThat(p.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092");
    assertThat(p.getProperty("compression.type")).as("client setting wins").isEqualTo("zstd");
    assertThat(p.getProperty("linger.ms")).isEqualTo("20");
    assertThat(InstantiationUtil.clone(sink, BurnrateKafkaTest.class.getClassLoader())).isNotNull();
  }

  @Test
  void jsonRecordSerializerKeysAndWritesJson() {
    DeadLetter d = new DeadLetter();
    d.reason = DeadLetter.Reasons.LATE;
    d.sourceTopic = "burnrate.telemetry.gpu";
    ProducerRecord<byte[], byte[]> r = dlqSerializer().serialize(d, null, 1234L);
    assertThat(r.topic()).isEqualTo("burnrate.dlq");
    assertThat(r.partition()).isNull();
    assertThat(r.timestamp()).isEqualTo(1234L);
    assertThat(r.key()).asString(StandardCharsets.UTF_8).isEqualTo("burnrate.telemetry.gpu");
    assertThat(r.value()).isEqualTo(OutputJson.deadLetter(d));

    d.sourceTopic = null;
    assertThat(dlqSerializer().serialize(d, null, null).key()).isNull();
  }
}
