package io.burnrate.tools.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What one run of the job left behind, per Iceberg table and output topic: the rows, their ids and
 * a money total. Two runs compare table by table: same ids, no duplicates, same totals.
 */
final class Landed {
  /**
   * One table's or topic's figures: rows, distinct row keys (id, or id and version for versioned
   * rows), the ids that are current, and the money total of the current rows.
   */
  record Figures(int rows, int distinctKeys, Set<String> ids, BigDecimal total) {
    int duplicates() {
      return rows - distinctKeys;
    }
  }

  /** Adds rows and keeps, per id, the highest version's amount. */
  private static final class Tally {
    int rows;
    final Set<String> keys = new TreeSet<>();
    final Map<String, long[]> versions = new HashMap<>();
    final Map<String, BigDecimal> amounts = new HashMap<>();

    void add(String id, long version, BigDecimal amount) {
      rows++;
      keys.add(id + "#v" + version);
      long[] v = versions.get(id);
      if (v == null || version > v[0]) {
        versions.put(id, new long[] {version});
        amounts.put(id, amount);
      }
    }

    Figures figures() {
      return new Figures(
          rows,
          keys.size(),
          new TreeSet<>(amounts.keySet()),
          amounts.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add));
    }
  }

  final Map<String, Figures> byName = new LinkedHashMap<>();

  /** The output topics compared between runs. */
  static final List<String> TOPICS =
      List.of(
          Topics.COST_WINDOWS,
          Topics.COST_ALLOCATIONS,
          Topics.ALERTS,
          Topics.ACTIONS,
          Topics.BUDGET_STATUS,
          Topics.DLQ);

  /**
   * Reads the four Iceberg tables and the output topics of one run; the topics from {@code from} on
   * (the end offsets before the run, when several runs share a broker; empty: the beginning).
   */
  static Landed read(CatalogConfig warehouse, EmbeddedKafka kafka, Map<TopicPartition, Long> from)
      throws Exception {
    Landed l = new Landed();
    l.table(
        warehouse,
        TableSchemas.WORKLOAD_WINDOWS,
        r -> (String) r.getField("id"),
        r -> money(r.getField("cost")));
    l.table(
        warehouse,
        TableSchemas.COST_ALLOCATIONS,
        r -> (String) r.getField("id"),
        r -> money(r.getField("cost")));
    l.table(
        warehouse,
        TableSchemas.ALERTS,
        r -> r.getField("id") + " " + r.getField("alertname"),
        r -> BigDecimal.ZERO);
    // billing rows carry no id: the whole row is its identity (no processing-time columns)
    l.table(
        warehouse,
        TableSchemas.BILLING_LINE_ITEMS,
        Record::toString,
        r -> money(r.getField("BilledCost")));
    l.topic(kafka, from, Topics.COST_WINDOWS, n -> n.get("id").asText(), n -> money(n.get("cost")));
    l.topic(
        kafka, from, Topics.COST_ALLOCATIONS, n -> n.get("id").asText(), n -> money(n.get("cost")));
    l.topic(
        kafka,
        from,
        Topics.ALERTS,
        n -> n.get("id").asText() + " " + n.get("alertname").asText(),
        n -> BigDecimal.ZERO);
    l.topic(kafka, from, Topics.ACTIONS, n -> n.get("id").asText(), n -> BigDecimal.ZERO);
    l.topic(kafka, from, Topics.BUDGET_STATUS, n -> n.get("id").asText(), n -> BigDecimal.ZERO);
    l.topic(kafka, from, Topics.DLQ, Landed::deadLetterId, n -> BigDecimal.ZERO);
    return l;
  }

  /** A dead letter's identity: why, and where it came from (not when it was written). */
  static String deadLetterId(JsonNode n) {
    return n.get("reason").asText()
        + "|"
        + n.get("source_topic").asText()
        + "/"
        + n.path("source_partition").asText()
        + "/"
        + n.path("source_offset").asText()
        + "|"
        + n.path("key").asText();
  }

  private void table(
      CatalogConfig warehouse,
      TableIdentifier id,
      Function<Record, String> key,
      Function<Record, BigDecimal> amount)
      throws Exception {
    Tally t = new Tally();
    for (Record r : IntegrationEnv.readTable(warehouse, id)) {
      Object v = r.struct().field("version") == null ? null : r.getField("version");
      t.add(key.apply(r), v == null ? 0 : ((Number) v).longValue(), amount.apply(r));
    }
    byName.put("iceberg " + id.name(), t.figures());
  }

  private void topic(
      EmbeddedKafka kafka,
      Map<TopicPartition, Long> from,
      String topic,
      Function<JsonNode, String> key,
      Function<JsonNode, BigDecimal> amount)
      throws Exception {
    Tally t = new Tally();
    for (JsonNode n : committed(kafka, topic, from)) {
      t.add(key.apply(n), n.path("version").asLong(0), amount.apply(n));
    }
    byName.put("kafka " + topic, t.figures());
  }

  /** The current end offsets of {@code topics} (read_committed: the last stable offsets). */
  static Map<TopicPartition, Long> endOffsets(EmbeddedKafka kafka, List<String> topics) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(kafka)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : topics) {
        parts.addAll(partitions(c, topic));
      }
      return new HashMap<>(c.endOffsets(parts));
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka kafka) {
    Properties p = kafka.clientProperties();
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("enable.auto.commit", "false");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo i : c.partitionsFor(topic)) {
      parts.add(new TopicPartition(topic, i.partition()));
    }
    return parts;
  }

  /**
   * Every record of {@code topic} a read_committed consumer sees from the offsets in {@code from}
   * (else the beginning), up to the last stable offset (the job has ended: no transaction is open,
   * so that is the end of the topic).
   */
  static List<JsonNode> committed(EmbeddedKafka kafka, String topic, Map<TopicPartition, Long> from)
      throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer(kafka)) {
      List<TopicPartition> parts = partitions(c, topic);
      c.assign(parts);
      for (TopicPartition tp : parts) {
        c.seek(tp, from.getOrDefault(tp, 0L));
      }
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!end.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(IntegrationEnv.MAPPER.readTree(r.value()));
        }
        end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(topic + ": not read to its end: " + end);
        }
      }
    }
    return out;
  }

  /** A money amount to the micro-unit; null (unpriced) counts 0. */
  static BigDecimal money(Object v) {
    if (v == null) {
      return BigDecimal.ZERO;
    }
    if (v instanceof JsonNode n) {
      return n.isNull() || n.isMissingNode() ? BigDecimal.ZERO : n.decimalValue();
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    return BigDecimal.valueOf(((Number) v).doubleValue());
  }

  /**
   * The ids two runs of the same input must share, for {@code name}. Budget statuses are compared
   * by budget only: a definition applies when it arrives, and a status is published at that moment
   * (as of the watermark then), so with every input already on the broker the budget source races
   * the data sources, and a restore replays that race differently. Which statuses exist then
   * depends on the race, not on exactly-once delivery (each run is still checked for duplicates).
   */
  static java.util.Set<String> comparableIds(String name, Figures f) {
    if (!name.equals("kafka " + Topics.BUDGET_STATUS)) {
      return f.ids();
    }
    java.util.Set<String> budgets = new TreeSet<>();
    for (String id : f.ids()) {
      budgets.add(id.substring(0, id.indexOf('/')));
    }
    return budgets;
  }
}
