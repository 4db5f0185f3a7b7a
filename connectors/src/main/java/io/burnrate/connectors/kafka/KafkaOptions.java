package io.burnrate.connectors.kafka;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where Kafka is and how to talk to it: bootstrap servers plus any client properties passed through
 * unchanged (security.protocol, sasl.*, ssl.*, ...), so that any secured cluster works without
 * code.
 */
public final class KafkaOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final TreeMap<String, String> clientProperties;

  public KafkaOptions(String bootstrapServers, Map<String, String> clientProperties) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("kafka.bootstrap-servers: must be set (host:port,...)");
    }
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = new TreeMap<>(Objects.requireNonNull(clientProperties));
  }

  public static KafkaOptions of(String bootstrapServers) {
    return new KafkaOptions(bootstrapServers, Map.of());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Map<String, String> clientProperties() {
    return clientProperties;
  }

  /** Client properties including bootstrap.servers, for plain Kafka clients. */
  public Properties toProperties() {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.setProperty("bootstrap.servers", bootstrapServers);
    return p;
  }
}
