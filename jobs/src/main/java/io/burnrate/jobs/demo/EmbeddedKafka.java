package io.burnrate.jobs.demo;

import io.burnrate.schemas.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (KRaft, combined broker and controller) in this JVM, listening on loopback,
 * configured for exactly-once on one node (transaction and offsets topics with replication 1). For
 * the demo, the benchmark and the integration tests.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static EmbeddedKafka start(Path dataDir) throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .setBaseDirectory(dataDir)
            .build();
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(nodes)
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "4")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("transaction.state.log.num.partitions", "4")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))
            .setDeleteOnClose(true)
            .build();
    kit.format();
    kit.startup();
    kit.waitForReadyBrokers();
    return new EmbeddedKafka(kit);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  public Properties clientProperties() {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrapServers());
    return p;
  }

  /** Creates Burnrate's topics: inputs and outputs with {@code partitions}, config compacted. */
  public void createTopics(int partitions) throws ExecutionException, InterruptedException {
    createTopics(clientProperties(), partitions);
  }

  public static void createTopics(Properties admin, int partitions)
      throws ExecutionException, InterruptedException {
    List<NewTopic> topics = new ArrayList<>();
    for (String t : Topics.INPUTS) {
      topics.add(new NewTopic(t, partitions, (short) 1));
    }
    for (String t : Topics.OUTPUTS) {
      topics.add(new NewTopic(t, partitions, (short) 1));
    }
    for (String t : Topics.CONFIG) {
      topics.add(new NewTopic(t, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
    }
    try (Admin a = Admin.create(admin)) {
      Set<String> existing = a.listTopics().names().get();
      topics.removeIf(t -> existing.contains(t.name()));
      if (!topics.isEmpty()) {
        try {
          a.createTopics(topics).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
