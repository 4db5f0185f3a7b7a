package io.burnrate.tools.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, "no single record can stop Burnrate or lose its history": the records a hostile test
 * found (a billed cost of 1e30 that overflowed the lake's decimal, a 300-character cluster label
 * whose partition folder name was too long, a price of 1e15/h, an EffectiveCost of 1e20, a budget
 * of 4.9e-324, dates in year +292278994, duplicate JSON keys, a watch ERROR 410, a late sample),
 * mixed into a valid simulated fleet, on the real broker, a MiniCluster with Flink's default
 * restart strategy and the job's default settings, and a real Iceberg warehouse. Each must reach
 * {@code burnrate.dlq} with its reason, its original payload and its key; the job must never
 * restart; the fleet's windows and allocations must equal those of a run without the poison, id by
 * id.
 *
 * <p>Both runs are unbounded and stopped with a drain once every input is consumed, so that the
 * late sample can be sent after the fleet has been costed: it is then behind every minute of its
 * node, whatever the read speed of each partition.
 */
class PoisonPillITCase {
  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private static final Duration WAIT = Duration.ofMinutes(3);

  @TempDir static Path tmp;

  /** A poison record sent: where, its key and bytes, and the reason its dead letter must carry. */
  record Poison(String topic, String key, String value, String reason) {}

  record Run(
      List<JsonNode> windows,
      List<JsonNode> allocations,
      List<JsonNode> dlq,
      int restarts,
      List<org.apache.iceberg.data.Record> lakeBilling,
      List<org.apache.iceberg.data.Record> lakeWindows) {}

  static final List<Poison> POISON = new ArrayList<>();
  static Run clean;
  static Run dirty;

  @BeforeAll
  static void run() throws Exception {
    List<SimRecord> fleet = new ArrayList<>();
    new FleetSimulator(
            new FleetSimulator.Config(
                23, START, Duration.ofMinutes(90), 4, "it", Duration.ofSeconds(10), false))
        .run(fleet::add);
    poison(fleet);
    long t0 = System.nanoTime();
    clean = run("clean", fleet, List.of(), null);
    long t1 = System.nanoTime();
    List<Poison> first = POISON.stream().filter(p -> !p.key().startsWith("poison/late")).toList();
    Poison late = POISON.stream().filter(p -> p.key().startsWith("poison/late")).findFirst().get();
    dirty = run("poisoned", fleet, first, late);
    long t2 = System.nanoTime();
    System.out.printf(
        "poison pills: %d fleet records, %d poison records; clean run %.1f s, poisoned run %.1f s;"
            + " restarts %d and %d%n",
        fleet.size(),
        POISON.size(),
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        clean.restarts,
        dirty.restarts);
  }

  /** The poison records, built from the fleet's own so that any that got through would show. */
  private static void poison(List<SimRecord> fleet) throws Exception {
    SimRecord sample = first(fleet, Topics.TELEMETRY_GPU, 5);
    SimRecord bill = first(fleet, Topics.BILLING_FOCUS, 0, "\"ResourceId\"");
    SimRecord node = first(fleet, Topics.K8S_EVENTS, 0, "\"kind\":\"Node\"");
    String sampleJson = new String(sample.value(), UTF_8);
    assertThat(sampleJson).contains("\"DCGM_FI_DEV_GPU_UTIL\"").contains("\"cluster\":\"it\"");
    ObjectNode billing = (ObjectNode) IntegrationEnv.MAPPER.readTree(bill.value());

    ObjectNode b = billing.deepCopy();
    b.put("BilledCost", 1e30);
    add(Topics.BILLING_FOCUS, "poison/billed-1e30", b.toString(), "out_of_range");
    b = billing.deepCopy();
    b.put("EffectiveCost", 1e20);
    add(Topics.BILLING_FOCUS, "poison/effective-1e20", b.toString(), "out_of_range");
    b = billing.deepCopy();
    b.put("ChargePeriodEnd", "+292278994-08-17T07:12:55.807Z");
    b.put("BillingPeriodEnd", "+292278994-08-17T07:12:55.807Z");
    add(Topics.BILLING_FOCUS, "poison/year-292278994", b.toString(), "out_of_range");

    String longCluster = "c".repeat(300);
    for (int i = 0; i < 5; i++) {
      SimRecord s = first(fleet, Topics.TELEMETRY_GPU, 10 + i);
      add(
          Topics.TELEMETRY_GPU,
          "poison/cluster-300/" + i,
          new String(s.value(), UTF_8)
              .replace("\"cluster\":\"it\"", "\"cluster\":\"" + longCluster + "\""),
          "invalid_value");
    }
    add(
        Topics.TELEMETRY_GPU,
        "poison/duplicate-key",
        sampleJson.replaceFirst("\\{", "{\"DCGM_FI_DEV_GPU_UTIL\":0,"),
        "invalid_json");

    JsonNode labels = IntegrationEnv.MAPPER.readTree(node.value()).at("/object/metadata/labels");
    String type = labels.path("node.kubernetes.io/instance-type").asText();
    String region = labels.path("topology.kubernetes.io/region").asText();
    for (String capacity : List.of("on-demand", "spot")) {
      add(
          Topics.CONFIG_PRICING,
          "poison/price-1e15/" + capacity,
          String.format(
              "{\"instance_type\":\"%s\",\"capacity_type\":\"%s\",\"region\":\"%s\","
                  + "\"price_per_hour\":1e15,\"gpu_count\":8}",
              type, capacity, region),
          "out_of_range");
    }
    add(
        Topics.CONFIG_BUDGETS,
        "poison-tiny",
        "{\"id\":\"poison-tiny\",\"scope\":{\"kind\":\"global\"},\"period\":\"day\","
            + "\"amount\":4.9e-324}",
        "out_of_range");
    add(
        Topics.K8S_EVENTS,
        "poison/watch-error-410",
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
            + "\"status\":\"Failure\",\"message\":\"too old resource version: 12345 (67890)\","
            + "\"reason\":\"Expired\",\"code\":410}}",
        "watch_error");
    // the fleet's own sample of minute 1, sent again after the fleet was costed
    add(Topics.TELEMETRY_GPU, "poison/late", sampleJson, "late");
  }

  private static void add(String topic, String key, String value, String reason) {
    POISON.add(new Poison(topic, key, value, reason));
  }

  /** The {@code n}-th record of {@code topic} (containing {@code text}). */
  private static SimRecord first(List<SimRecord> fleet, String topic, int n, String... text) {
    int seen = 0;
    for (SimRecord r : fleet) {
      if (!r.topic().equals(topic)) {
        continue;
      }
      String v = new String(r.value(), UTF_8);
      boolean match = true;
      for (String t : text) {
        match &= v.contains(t);
      }
      if (match && seen++ == n) {
        return r;
      }
    }
    throw new AssertionError("the fleet has no record " + n + " of " + topic);
  }

  private static Run run(String name, List<SimRecord> fleet, List<Poison> poison, Poison late)
      throws Exception {
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka-" + name), 2);
        ClusterRun flink = new ClusterRun(1, 2, 2, new Configuration())) {
      try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
        for (Poison x : poison) {
          IntegrationEnv.send(p, x.topic(), START.toEpochMilli(), x.key(), x.value());
        }
        for (SimRecord r : fleet) {
          IntegrationEnv.send(p, r.topic(), r.timestamp(), r.key(), new String(r.value(), UTF_8));
        }
        p.flush();
      }
      Path warehouse = tmp.resolve("wh-" + name);
      JobConfig cfg = IntegrationEnv.jobConfig(kafka, warehouse, "it-" + name);
      // Flink's default restart strategy (exponential delay, unlimited with checkpoints): a poison
      // record that failed a task would restart the job for ever and the drain below would time out
      StreamExecutionEnvironment env = flink.envDefaultRestarts();
      BurnrateJob.addTo(env, cfg, false);
      JobClient job = env.executeAsync("burnrate-it-poison-" + name);
      IntegrationEnv.awaitConsumed(kafka, cfg.groupId, WAIT);
      if (late != null) {
        try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
          IntegrationEnv.send(
              p, late.topic(), System.currentTimeMillis(), late.key(), late.value());
          p.flush();
        }
        IntegrationEnv.awaitConsumed(kafka, cfg.groupId, WAIT);
      }
      job.stopWithSavepoint(
              true, tmp.resolve("sp-" + name).toUri().toString(), SavepointFormatType.CANONICAL)
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      job.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      int restarts = flink.restarts(job.getJobID());
      var catalog = io.burnrate.connectors.iceberg.CatalogConfig.hadoop(warehouse);
      return new Run(
          IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS),
          IntegrationEnv.readCommitted(kafka, Topics.COST_ALLOCATIONS),
          readDlq(kafka),
          restarts,
          IntegrationEnv.readTable(catalog, TableSchemas.BILLING_LINE_ITEMS),
          IntegrationEnv.readTable(catalog, TableSchemas.WORKLOAD_WINDOWS));
    }
  }

  private static List<JsonNode> readDlq(EmbeddedKafka kafka) throws Exception {
    return IntegrationEnv.readCommitted(kafka, Topics.DLQ);
  }

  @Test
  void theJobNeverRestarted() {
    assertThat(clean.restarts).as("clean run restarts").isZero();
    assertThat(dirty.restarts).as("poisoned run restarts").isZero();
  }

  @Test
  void everyPoisonRecordIsADeadLetterWithItsReasonPayloadAndKey() {
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode d : dirty.dlq) {
      byKey.put(d.path("key").asText(), d);
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (Poison p : POISON) {
      JsonNode d = byKey.get(p.key());
      assertThat(d).as("dead letter of %s", p.key()).isNotNull();
      assertThat(d.path("reason").asText())
          .as("reason of %s: %s", p.key(), d)
          .isEqualTo(p.reason());
      assertThat(d.path("payload").asText()).as("payload of %s", p.key()).isEqualTo(p.value());
      assertThat(d.path("source_topic").asText()).isEqualTo(p.topic());
      assertThat(d.path("source_offset").asLong()).as("offset of %s", p.key()).isNotNegative();
      counts.merge(p.reason(), 1, Integer::sum);
    }
    System.out.printf(
        "poison pills: dead letters by reason %s; clean run dead letters %d, poisoned run %d%n",
        counts, clean.dlq.size(), dirty.dlq.size());
    for (Poison p : POISON) {
      JsonNode d = byKey.get(p.key());
      System.out.printf("  %-28s %-14s %s%n", p.key(), p.reason(), d.path("detail").asText());
    }
    // nothing else: the clean run's dead letters and the poison's
    assertThat(dirty.dlq).hasSize(clean.dlq.size() + POISON.size());
  }

  @Test
  void theFleetsOutputIsTheSameAsWithoutThePoison() {
    Map<String, String> cleanWindows = windows(clean.windows);
    Map<String, String> dirtyWindows = windows(dirty.windows);
    assertThat(cleanWindows).isNotEmpty();
    Map<String, String> differ = new TreeMap<>();
    cleanWindows.forEach(
        (id, v) -> {
          if (!v.equals(dirtyWindows.get(id))) {
            differ.put(id, v + " | " + dirtyWindows.get(id));
          }
        });
    dirtyWindows.keySet().stream()
        .filter(id -> !cleanWindows.containsKey(id))
        .forEach(id -> differ.put(id, "only poisoned: " + dirtyWindows.get(id)));
    assertThat(differ).as("windows that differ (clean | poisoned)").isEmpty();
    Map<String, String> cleanAlloc = allocations(clean.allocations);
    assertThat(cleanAlloc).isNotEmpty();
    assertThat(allocations(dirty.allocations)).isEqualTo(cleanAlloc);
    // the lake: the same windows as the topic, and no billing row of the poison
    assertThat(dirty.lakeWindows).hasSize(dirty.windows.size());
    assertThat(dirty.lakeBilling).hasSize(clean.lakeBilling.size());
    System.out.printf(
        "poison pills: windows %d = %d, allocations %d = %d (current versions), billing rows in the"
            + " lake %d = %d%n",
        cleanWindows.size(),
        dirtyWindows.size(),
        cleanAlloc.size(),
        allocations(dirty.allocations).size(),
        clean.lakeBilling.size(),
        dirty.lakeBilling.size());
  }

  /**
   * Window id to its cost, GPU-seconds and efficiency, to 1e-9 (doubles summed in arrival order may
   * differ in their last bits between two runs).
   */
  private static Map<String, String> windows(List<JsonNode> ws) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode w : ws) {
      String v =
          round(w.path("cost"))
              + " "
              + round(w.path("gpu_seconds"))
              + " "
              + round(w.path("efficiency"));
      assertThat(out.put(w.path("id").asText(), v)).as("window %s twice", w.path("id")).isNull();
    }
    return out;
  }

  private static String round(JsonNode v) {
    return v.isNumber() ? round(v.asDouble()) : v.asText();
  }

  private static String round(double v) {
    return String.format(java.util.Locale.ROOT, "%.9f", v);
  }

  /** Allocation id to the cost and basis of its latest version. */
  private static Map<String, String> allocations(List<JsonNode> as) {
    Map<String, JsonNode> latest = new LinkedHashMap<>();
    for (JsonNode a : as) {
      JsonNode prev = latest.get(a.path("id").asText());
      if (prev == null || a.path("version").asLong() > prev.path("version").asLong()) {
        latest.put(a.path("id").asText(), a);
      }
    }
    Map<String, String> out = new TreeMap<>();
    latest.forEach(
        (id, a) ->
            out.put(id, a.path("cost").decimalValue() + " " + a.path("cost_basis").asText()));
    return out;
  }
}
