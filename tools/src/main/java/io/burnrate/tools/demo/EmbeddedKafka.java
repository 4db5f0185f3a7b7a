package io.burnrate.tools.demo;

import io.burnrate.schemas.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (KRaft, combined broker and controller) in this JVM, listening on loopback
 * only, configured for exactly-once on one node (transaction and offsets topics with replication
 * 1). For the demo, the benchmark and the integration tests. It is Kafka's own server ({@code
 * KafkaRaftServer}) with storage formatted as {@code kafka-storage format} does.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private volatile KafkaRaftServer server;
  private final KafkaConfig config;
  private final String bootstrap;
  private final Path dataDir;
  private final AutoCloseable owner;

  private EmbeddedKafka(
      KafkaRaftServer server,
      KafkaConfig config,
      String bootstrap,
      Path dataDir,
      AutoCloseable owner) {
    this.server = server;
    this.config = config;
    this.bootstrap = bootstrap;
    this.dataDir = dataDir;
    this.owner = owner;
  }

  /**
   * A broker this JVM does not run (the integration tests against a broker named by property, or a
   * container): the same client-side helpers, no {@link #restart}; {@link #close} closes {@code
   * owner} (the container), if any.
   */
  public static EmbeddedKafka external(String bootstrap, AutoCloseable owner) {
    return new EmbeddedKafka(null, null, bootstrap, null, owner);
  }

  /** Whether the broker runs in this JVM (it can then be restarted). */
  public boolean inProcess() {
    return config != null;
  }

  public static EmbeddedKafka start(Path dataDir) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return startOnce(dataDir.resolve("attempt-" + attempt));
      } catch (Exception e) {
        last = e; // a free port was taken between probing and binding: try other ports
      }
    }
    throw last;
  }

  private static EmbeddedKafka startOnce(Path dataDir) throws Exception {
    Files.createDirectories(dataDir);
    String logDir = dataDir.toAbsolutePath().toString();
    int brokerPort = freePort();
    int controllerPort = freePort();
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logDir);
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "4");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("auto.create.topics.enable", "false");
    // Replays carry their own (possibly months-old) event timestamps: time-based retention would
    // delete those segments under a reading job, so the embedded broker keeps everything.
    p.setProperty("log.retention.ms", "-1");
    p.setProperty("log.retention.bytes", "-1");
    p.setProperty("num.partitions", "1");
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
    KafkaConfig config = KafkaConfig.fromProps(p, false);
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setDirectories(List.of(logDir))
        .setMetadataLogDirectory(logDir)
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.latestProduction())
        .run();
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    String bootstrap = "127.0.0.1:" + brokerPort;
    EmbeddedKafka kafka = new EmbeddedKafka(server, config, bootstrap, dataDir, null);
    try {
      kafka.awaitReady(Duration.ofSeconds(60));
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Properties p = clientProperties();
    p.setProperty("request.timeout.ms", "2000");
    p.setProperty("default.api.timeout.ms", "3000");
    try (Admin a = Admin.create(p)) {
      while (true) {
        try {
          if (!a.describeCluster().nodes().get().isEmpty()) {
            return;
          }
        } catch (ExecutionException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka broker not ready after " + timeout);
        }
        Thread.sleep(100);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public String bootstrapServers() {
    return bootstrap;
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
        awaitLeaders(a, topics.stream().map(NewTopic::name).toList());
      }
    }
  }

  /**
   * Waits until every partition of {@code names} has a leader: a producer that writes to a topic
   * the broker has not finished creating gets retriable errors, and an idempotent producer's
   * retries then ended in OutOfOrderSequenceException here (records lost under load).
   */
  private static void awaitLeaders(Admin a, List<String> names)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      boolean ready = true;
      try {
        for (var d : a.describeTopics(names).allTopicNames().get().values()) {
          for (var p : d.partitions()) {
            ready &= p.leader() != null && !p.leader().isEmpty();
          }
        }
      } catch (ExecutionException e) {
        ready = false; // not known to the broker yet
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics without leaders after 60 s: " + names);
      }
      Thread.sleep(100);
    }
  }

  /**
   * Stops the broker, keeps it down for {@code down}, and starts it again on the same ports and log
   * directory (fault-tolerance tests: a broker restart under a running job). Topics, committed
   * offsets and transaction state survive.
   */
  public void restart(Duration down) throws Exception {
    if (!inProcess()) {
      throw new UnsupportedOperationException("the broker at " + bootstrap + " is not ours");
    }
    server.shutdown();
    server.awaitShutdown();
    Thread.sleep(down.toMillis());
    server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    awaitReady(Duration.ofSeconds(60));
  }

  @Override
  public void close() throws Exception {
    if (!inProcess()) {
      if (owner != null) {
        owner.close();
      }
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    DemoRunner.deleteRecursively(dataDir);
  }
}
