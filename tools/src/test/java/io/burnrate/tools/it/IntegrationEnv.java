package io.burnrate.tools.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.tools.demo.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Helpers shared by the integration tests: produce, consume read_committed, read Iceberg. */
final class IntegrationEnv {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private IntegrationEnv() {}

  /** The MiniCluster of the integration tests: one TaskManager, two slots (parallelism 2). */
  static MiniClusterExtension miniCluster() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());
  }

  /**
   * The tests' producer: idempotent, acks=all, and strict: {@code flush()} and {@code close()}
   * throw when any record sent through {@link #send} failed, so a test never runs on input the
   * broker did not take.
   */
  static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    Properties p = kafka.clientProperties();
    p.setProperty("acks", "all");
    // not idempotent: on the loaded 2-core machine the in-process broker rejected an idempotent
    // producer's batches with OutOfOrderSequenceException (its sequence restarted at 0), which lost
    // test input or, with the checks below, failed the test; one request in flight keeps the order
    p.setProperty("enable.idempotence", "false");
    p.setProperty("max.in.flight.requests.per.connection", "1");
    return new StrictProducer(p);
  }

  /** A producer that remembers the first failed send and reports it on flush and close. */
  static final class StrictProducer extends KafkaProducer<byte[], byte[]> {
    final java.util.concurrent.atomic.AtomicReference<Exception> failure =
        new java.util.concurrent.atomic.AtomicReference<>();

    StrictProducer(Properties p) {
      super(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void flush() {
      super.flush();
      check();
    }

    @Override
    public void close() {
      super.close();
      check();
    }

    private void check() {
      Exception e = failure.get();
      if (e != null) {
        throw new IllegalStateException("a test record was not taken by the broker: " + e, e);
      }
    }
  }

  static void send(
      KafkaProducer<byte[], byte[]> p, String topic, long ts, String key, String json) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(
            topic,
            null,
            ts,
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            json.getBytes(StandardCharsets.UTF_8));
    if (p instanceof StrictProducer strict) {
      p.send(
          r,
          (meta, e) -> {
            if (e != null) {
              strict.failure.compareAndSet(null, e);
            }
          });
    } else {
      p.send(r);
    }
  }

  /**
   * Everything committed on {@code topic}, read as a downstream consumer would (read_committed).
   */
  static List<JsonNode> readCommitted(EmbeddedKafka kafka, String topic) throws Exception {
    Properties p = kafka.clientProperties();
    p.setProperty("group.id", "it-" + topic + "-" + System.nanoTime());
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("auto.offset.reset", "earliest");
    p.setProperty("enable.auto.commit", "false");
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      // read to the end offsets (for read_committed: the last stable offsets), not "until a few
      // polls come back empty": on a loaded machine a fetch can take longer than any such pause
      List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
      for (var pi : c.partitionsFor(topic)) {
        parts.add(new org.apache.kafka.common.TopicPartition(topic, pi.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      var ends = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (true) {
        boolean done = true;
        for (var tp : parts) {
          done &= c.position(tp) >= ends.get(tp);
        }
        if (done) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end " + ends);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          out.add(MAPPER.readTree(r.value()));
        }
      }
    }
    return out;
  }

  static List<Record> readTable(CatalogConfig catalog, TableIdentifier id) throws Exception {
    Catalog c = IcebergTables.catalogLoader(catalog).loadCatalog();
    Table t = c.loadTable(id);
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
      for (Record r : it) {
        rows.add(r.copy());
      }
    }
    if (c instanceof AutoCloseable ac) {
      ac.close();
    }
    return rows;
  }

  /** Publishes the simulated fleet to its topics on {@code kafka}. */
  static void publish(EmbeddedKafka kafka, io.burnrate.tools.simulator.FleetSimulator sim)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> p = producer(kafka)) {
      sim.run(r -> send(p, r.topic(), r.timestamp(), r.key(), new String(r.value(), UTF_8)));
      p.flush();
    }
  }

  /**
   * Runs the job with {@code cfg} on the test MiniCluster at parallelism 2 over bounded Kafka
   * input, until it has drained (the final checkpoint commits Kafka transactions and Iceberg
   * snapshots).
   */
  static void runBounded(JobConfig cfg, String name) throws Exception {
    org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
            .getExecutionEnvironment(
                Configuration.fromMap(java.util.Map.of("pipeline.generic-types", "false")));
    env.setParallelism(2);
    io.burnrate.jobs.pipeline.BurnrateJob.addTo(env, cfg, true);
    env.execute(name);
  }

  static JobConfig jobConfig(EmbeddedKafka kafka, Path warehouse, String group) {
    return JobConfig.from(jobSettings(kafka, warehouse, group));
  }

  /** As above, with {@code extra} options on top. */
  static JobConfig jobConfig(
      EmbeddedKafka kafka, Path warehouse, String group, Configuration extra) {
    Configuration c = jobSettings(kafka, warehouse, group);
    c.addAll(extra);
    return JobConfig.from(c);
  }

  /** The settings of {@link #jobConfig}, for a test that changes some. */
  static Configuration jobSettings(EmbeddedKafka kafka, Path warehouse, String group) {
    Configuration c = new Configuration();
    c.set(BurnrateOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    c.set(BurnrateOptions.KAFKA_GROUP, group);
    c.set(BurnrateOptions.CLUSTER, "it"); // the cluster the Kubernetes events come from
    c.set(BurnrateOptions.KAFKA_TXN_PREFIX, group);
    c.set(BurnrateOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    c.set(BurnrateOptions.ICEBERG_WAREHOUSE, warehouse.toString());
    return c;
  }

  /**
   * Waits until the job's consumer groups ({@code <groupId>-<topic suffix>}, committed on each
   * checkpoint) have committed the end offset of every input and configuration topic: everything
   * published so far has been processed and checkpointed.
   */
  static void awaitConsumed(EmbeddedKafka kafka, String groupId, Duration wait) throws Exception {
    List<String> topics = new ArrayList<>(io.burnrate.schemas.Topics.INPUTS);
    topics.addAll(io.burnrate.schemas.Topics.CONFIG);
    awaitConsumed(kafka, topics, t -> groupId + "-" + t.substring(t.lastIndexOf('.') + 1), wait);
  }

  /** As above for {@code topics}, each read by the consumer group {@code group(topic)}. */
  static void awaitConsumed(
      EmbeddedKafka kafka,
      List<String> topics,
      java.util.function.Function<String, String> groupOf,
      Duration wait)
      throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
      java.util.Map<
              org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>
          latest = new java.util.HashMap<>();
      for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
        d.partitions()
            .forEach(
                pi ->
                    latest.put(
                        new org.apache.kafka.common.TopicPartition(d.name(), pi.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
      }
      java.util.Map<org.apache.kafka.common.TopicPartition, Long> ends = new java.util.HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      while (System.nanoTime() < deadline) {
        boolean done = true;
        for (var e : ends.entrySet()) {
          String group = groupOf.apply(e.getKey().topic());
          var committed =
              admin
                  .listConsumerGroupOffsets(group)
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(e.getKey());
          done &= e.getValue() == 0 || (committed != null && committed.offset() >= e.getValue());
        }
        if (done) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the job did not consume every input within " + wait);
  }

  /** Where the integration tests' Kafka is: {@code -Dburnrate.it.kafka} and its companions. */
  static final String KAFKA_TARGET = System.getProperty("burnrate.it.kafka", "in-process");

  static final String KAFKA_BOOTSTRAP = System.getProperty("burnrate.it.bootstrap-servers");

  /** The pinned image of {@code -Dburnrate.it.kafka=testcontainers} (the project's Kafka). */
  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

  /**
   * The Kafka broker of one test class: in this JVM (default); the broker named by {@code
   * -Dburnrate.it.bootstrap-servers=host:port} (a test broker: Burnrate's topics and idle consumer
   * groups on it are deleted first, so that each class starts empty); or, with {@code
   * -Dburnrate.it.kafka=testcontainers}, a container of {@link #KAFKA_IMAGE}, the class skipped
   * when there is no Docker engine. The topics are created with {@code partitions}.
   */
  static EmbeddedKafka kafka(Path dir, int partitions) throws Exception {
    EmbeddedKafka kafka;
    if (KAFKA_BOOTSTRAP != null && !KAFKA_BOOTSTRAP.isBlank()) {
      kafka = EmbeddedKafka.external(KAFKA_BOOTSTRAP, null);
      emptyTestBroker(kafka);
    } else if (KAFKA_TARGET.equals("testcontainers")) {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          dockerAvailable(), "-Dburnrate.it.kafka=testcontainers: no Docker engine here");
      org.testcontainers.kafka.KafkaContainer c =
          new org.testcontainers.kafka.KafkaContainer(KAFKA_IMAGE);
      c.start();
      kafka = EmbeddedKafka.external(c.getBootstrapServers(), c);
    } else if (KAFKA_TARGET.equals("in-process")) {
      kafka = EmbeddedKafka.start(java.nio.file.Files.createDirectories(dir));
    } else {
      throw new IllegalArgumentException(
          "burnrate.it.kafka: 'in-process' or 'testcontainers', got '" + KAFKA_TARGET + "'");
    }
    kafka.createTopics(partitions);
    return kafka;
  }

  private static boolean dockerAvailable() {
    try {
      return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Deletes Burnrate's topics and the idle consumer groups on a test broker, and waits. */
  private static void emptyTestBroker(EmbeddedKafka kafka) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
      // every group without members (the jobs' offsets are committed, they never join): a group
      // left from an earlier class would start the next one's sources mid-topic
      List<String> groups = new ArrayList<>();
      for (var g : admin.listConsumerGroups().all().get()) {
        groups.add(g.groupId());
      }
      for (var f : admin.deleteConsumerGroups(groups).deletedGroups().values()) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupNotEmptyException)) {
            throw e;
          }
        }
      }
      java.util.Set<String> ours = new java.util.TreeSet<>();
      for (String t : admin.listTopics().names().get()) {
        if (t.startsWith("burnrate.")) {
          ours.add(t);
        }
      }
      if (!ours.isEmpty()) {
        admin.deleteTopics(ours).all().get();
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (admin.listTopics().names().get().stream().anyMatch(ours::contains)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topics not deleted on " + kafka.bootstrapServers());
        }
        Thread.sleep(200);
      }
    }
  }
}
