package io.burnrate.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaOptionsTest {
  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "\t"})
  void blankBootstrapServersFailWithTheKeyName(String bootstrap) {
    assertThatThrownBy(() -> new KafkaOptions(bootstrap, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.bootstrap-servers");
    assertThatThrownBy(() -> KafkaOptions.of(bootstrap))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.bootstrap-servers");
  }

  @Test
  void clientPropertiesPassThroughUnchanged() {
    Map<String, String> client =
        Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "ssl.truststore.location", "/etc/kafka/truststore.jks");
    KafkaOptions o = new KafkaOptions("b1:9092,b2:9092", client);
    assertThat(o.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
    assertThat(o.clientProperties()).containsExactlyInAnyOrderEntriesOf(client);

    Properties p = o.toProperties();
    assertThat(p).hasSize(client.size() + 1);
    client.forEach((k, v) -> assertThat(p.getProperty(k)).as(k).isEqualTo(v));
    assertThat(p.getProperty("bootstrap.servers")).isEqualTo("b1:9092,b2:9092");
  }

  @Test
  void bootstrapServersWinOverAClientProperty() {
    KafkaOptions o = new KafkaOptions("real:9092", Map.of("bootstrap.servers", "stale:9092"));
    assertThat(o.toProperties().getProperty("bootstrap.servers")).isEqualTo("real:9092");
  }

  @Test
  void laterChangesToTheCallersMapDoNotLeakIn() {
    Map<String, String> client = new HashMap<>(Map.of("acks", "all"));
    KafkaOptions o = new KafkaOptions("b:9092", client);
    client.put("acks", "0");
    assertThat(o.clientProperties()).containsEntry("acks", "all");
  }

  @Test
  void nullClientPropertiesFail() {
    assertThatThrownBy(() -> new KafkaOptions("b:9092", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void ofHasNoClientProperties() {
    KafkaOptions o = KafkaOptions.of("127.0.0.1:9092");
    assertThat(o.clientProperties()).isEmpty();
    assertThat(o.toProperties()).containsOnlyKeys("bootstrap.servers");
  }

  @Test
  void isSerializable() throws Exception {
    KafkaOptions o = new KafkaOptions("b:9092", Map.of("security.protocol", "SSL"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      KafkaOptions back = (KafkaOptions) in.readObject();
      assertThat(back.bootstrapServers()).isEqualTo("b:9092");
      assertThat(back.clientProperties()).containsEntry("security.protocol", "SSL");
    }
  }
}
