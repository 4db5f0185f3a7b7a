package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole analytics job on the real parts: simulator events (plus malformed and late records)
 * into a KRaft broker on loopback, the job on a MiniCluster at parallelism 2 with bounded Kafka
 * sources, exactly-once sinks into Kafka and a real Iceberg warehouse. Asserts on what landed.
 */
class PipelineEndToEndITCase {
  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static FleetSimulator sim;
  static long produced;
  static org.apache.flink.api.common.JobExecutionResult result;

  @BeforeAll
  static void produceAndRun() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    sim =
        new FleetSimulator(
            new FleetSimulator.Config(
                7, START, Duration.ofMinutes(150), 6, "it", Duration.ofSeconds(10), true));
    try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
      sim.run(
          r -> {
            IntegrationEnv.send(
                p,
                r.topic(),
                r.timestamp(),
                r.key(),
                new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
            produced++;
          });
      long ts = START.toEpochMilli();
      IntegrationEnv.send(
          p,
          Topics.TELEMETRY_GPU,
          ts,
          "bad-1",
          "{\"timestamp\": \"2026-01-05T10:00:00Z\", \"Hostname\": ");
      IntegrationEnv.send(
          p,
          Topics.TELEMETRY_GPU,
          ts,
          "bad-2",
          "{\"timestamp\":\"2026-01-05T10:00:00Z\",\"Hostname\":\"n1\",\"gpu\":\"0\",\"DCGM_FI_DEV_GPU_UTIL\":\"abc\"}");
      IntegrationEnv.send(
          p,
          Topics.TELEMETRY_GPU,
          ts,
          "bad-3",
          "{\"Hostname\":\"n1\",\"gpu\":\"0\",\"DCGM_FI_DEV_GPU_UTIL\":50}");
      IntegrationEnv.send(
          p,
          Topics.TELEMETRY_WORKLOAD,
          ts,
          "bad-4",
          "{\"timestamp\":\"2026-01-05T10:00:00Z\",\"namespace\":\"a\",\"pod\":\"b\",\"samples_total\":-5}");
      IntegrationEnv.send(
          p,
          Topics.K8S_EVENTS,
          ts,
          "bad-5",
          "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"namespace\":\"y\"},"
              + "\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":{\"nvidia.com/gpu\":\"-1\"}}}]}}}");
      IntegrationEnv.send(p, Topics.K8S_EVENTS, ts, "bad-6", "[1,2,3]");
      // a sample from long before everything else, arriving last: its minute is long settled
      p.flush();
      IntegrationEnv.send(
          p,
          Topics.TELEMETRY_GPU,
          START.minusSeconds(3600).toEpochMilli(),
          "late-1",
          "{\"timestamp\":\"2026-01-05T09:00:00Z\",\"cluster\":\"it\",\"Hostname\":\"gpu-p4d-24xlarge-00\",\"gpu\":0,"
              + "\"DCGM_FI_DEV_GPU_UTIL\":50}");
      p.flush();
    }

    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            Configuration.fromMap(
                Map.of(
                    "pipeline.generic-types",
                    "false",
                    "pipeline.auto-watermark-interval",
                    "20 ms")));
    env.setParallelism(2);
    JobConfig cfg = IntegrationEnv.jobConfig(kafka, tmp.resolve("warehouse"), "it-e2e");
    BurnrateJob.addTo(env, cfg, true);
    result = env.execute("burnrate-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyInputRecordIsRead() {
    long read = 0;
    for (Map.Entry<String, Object> e : result.getAllAccumulatorResults().entrySet()) {
      if (e.getKey().startsWith(io.burnrate.jobs.parse.ParseFunction.INPUT_RECORDS)) {
        read += ((Number) e.getValue()).longValue();
      }
    }
    assertThat(read).as("records read by the job").isEqualTo(produced + 7); // + 7 bad/late ones
  }

  @Test
  void windowsLandInKafkaAndIcebergOnceEach() throws Exception {
    List<JsonNode> kafkaWindows = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
    assertThat(kafkaWindows).hasSizeGreaterThan(500);
    Set<String> ids =
        kafkaWindows.stream().map(n -> n.get("id").asText()).collect(Collectors.toSet());
    assertThat(ids).as("no duplicates in Kafka").hasSize(kafkaWindows.size());

    List<Record> icebergWindows = IntegrationEnv.readTable(cfg(), TableSchemas.WORKLOAD_WINDOWS);
    Set<String> icebergIds = new HashSet<>();
    for (Record r : icebergWindows) {
      icebergIds.add((String) r.getField("id"));
    }
    assertThat(icebergIds).as("no duplicates in Iceberg").hasSize(icebergWindows.size());
    assertThat(icebergIds).isEqualTo(ids);

    // the short job lives 40 s; its pod holds its GPU from kubelet admission (2 s after creation)
    // to container exit: it is costed for exactly those 38 GPU-seconds, not a whole minute
    double shortJobGpuSeconds =
        kafkaWindows.stream()
            .filter(n -> n.get("workload").asText("").endsWith("/Job/train-detector-99"))
            .mapToDouble(n -> n.get("gpu_seconds").asDouble())
            .sum();
    assertThat(shortJobGpuSeconds).isCloseTo(38.0, org.assertj.core.data.Offset.offset(1e-6));

    // every priced workload window says how its cost was made; the unpriced node never shows $0
    for (JsonNode n : kafkaWindows) {
      String basis = n.get("cost_basis").asText();
      assertThat(basis).isIn("estimated", "unpriced");
      if (basis.equals("unpriced")) {
        assertThat(n.get("cost").isNull()).as("unpriced cost is null: %s", n).isTrue();
      }
    }
    assertThat(kafkaWindows).anySatisfy(n -> assertThat(n.get("kind").asText()).isEqualTo("idle"));

    // telemetry joined the Kubernetes state: GPU-time of workloads is covered by dcgm samples
    double held = 0;
    double covered = 0;
    for (JsonNode n : kafkaWindows) {
      if (n.get("kind").asText().equals("workload")) {
        held += n.get("gpu_seconds").asDouble();
        covered += n.get("gpu_seconds").asDouble() * n.get("telemetry_coverage").asDouble();
      }
    }
    assertThat(covered / held).as("share of held GPU-time with telemetry").isGreaterThan(0.95);
  }

  @Test
  void alertsLandInKafkaAndIcebergOnceEach() throws Exception {
    List<JsonNode> kafkaAlerts = IntegrationEnv.readCommitted(kafka, Topics.ALERTS);
    assertThat(kafkaAlerts).as("the fleet's idle and wasteful workloads raise alerts").isNotEmpty();
    Set<String> ids = new HashSet<>();
    for (JsonNode a : kafkaAlerts) {
      assertThat(ids.add(a.get("id").asText())).as("duplicate alert %s", a).isTrue();
      assertThat(a.get("status").asText()).isIn("firing", "resolved");
      assertThat(a.at("/annotations/description").asText()).isNotBlank();
    }
    Set<String> icebergIds = new HashSet<>();
    for (Record r : IntegrationEnv.readTable(cfg(), TableSchemas.ALERTS)) {
      icebergIds.add((String) r.getField("id"));
    }
    assertThat(icebergIds).isEqualTo(ids);
  }

  @Test
  void everyNodeHourConservesMoneyToTheCentInEveryVersion() throws Exception {
    List<Record> rows = IntegrationEnv.readTable(cfg(), TableSchemas.COST_ALLOCATIONS);
    assertThat(rows).isNotEmpty();
    Map<String, BigDecimal> sums = new HashMap<>();
    Map<String, BigDecimal> prices = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Record r : rows) {
      int version = (Integer) r.getField("version");
      assertThat(ids.add(r.getField("id") + "#" + version))
          .as("duplicate allocation row %s", r)
          .isTrue();
      BigDecimal price = (BigDecimal) r.getField("node_hour_cost");
      if (price == null) {
        assertThat(r.getField("cost_basis")).isEqualTo("unpriced");
        continue;
      }
      String key =
          r.getField("node")
              + "@"
              + ((OffsetDateTime) r.getField("hour_start")).toInstant()
              + "#"
              + version;
      sums.merge(key, (BigDecimal) r.getField("cost"), BigDecimal::add);
      BigDecimal before = prices.put(key, price);
      assertThat(before == null || before.compareTo(price) == 0).isTrue();
    }
    assertThat(prices).hasSizeGreaterThan(5);
    for (Map.Entry<String, BigDecimal> e : prices.entrySet()) {
      BigDecimal residual = sums.get(e.getKey()).subtract(e.getValue()).abs();
      assertThat(residual)
          .as("allocated + idle - price for %s", e.getKey())
          .isLessThan(new BigDecimal("0.005"));
      assertThat(residual.signum()).as("exact to the micro-dollar for %s", e.getKey()).isZero();
    }
  }

  /**
   * The simulator bills every hour 20 minutes after it ends and restates it after 80 minutes: the
   * first hour ends restated (version 2), the second billed once (version 1), the last stays an
   * estimate. The current rows (highest version per id) of billed hours add up to the billed
   * EffectiveCost of the instance-hour, also for the node the rate card could not price.
   */
  @Test
  void estimatesTurnIntoBilledCostAndTheLatestRestatementWins() throws Exception {
    List<Record> rows = IntegrationEnv.readTable(cfg(), TableSchemas.COST_ALLOCATIONS);
    Map<String, Record> current = new HashMap<>();
    for (Record r : rows) {
      current.merge(
          (String) r.getField("id"),
          r,
          (a, b) -> (Integer) a.getField("version") >= (Integer) b.getField("version") ? a : b);
    }
    Map<Instant, Set<String>> basisByHour = new HashMap<>();
    Map<Instant, Set<Integer>> versionsByHour = new HashMap<>();
    Map<String, BigDecimal> billedTotals = new HashMap<>();
    for (Record r : current.values()) {
      Instant hour = ((OffsetDateTime) r.getField("hour_start")).toInstant();
      basisByHour
          .computeIfAbsent(hour, k -> new HashSet<>())
          .add((String) r.getField("cost_basis"));
      versionsByHour
          .computeIfAbsent(hour, k -> new HashSet<>())
          .add((Integer) r.getField("version"));
      if ("billed".equals(r.getField("cost_basis"))) {
        billedTotals.merge(
            r.getField("node") + "@" + hour, (BigDecimal) r.getField("cost"), BigDecimal::add);
        assertThat((BigDecimal) r.getField("node_hour_cost"))
            .isEqualByComparingTo((BigDecimal) r.getField("effective_cost"));
      }
    }
    Instant h0 = START;
    Instant h1 = START.plusSeconds(3600);
    Instant h2 = START.plusSeconds(7200);
    assertThat(basisByHour.get(h0)).containsExactly("billed");
    assertThat(basisByHour.get(h1)).containsExactly("billed");
    assertThat(basisByHour.get(h2)).doesNotContain("billed");
    assertThat(versionsByHour.get(h2)).containsExactly(0);
    // savings-plan usage (on-demand AWS): 28% off in the first delivery, 35% in the restatement;
    // how many versions an hour went through depends on when billing met the estimate, the
    // current row always carries the latest delivery
    for (Record r : current.values()) {
      Instant hour = ((OffsetDateTime) r.getField("hour_start")).toInstant();
      if (!"billed".equals(r.getField("cost_basis"))
          || !"on-demand".equals(r.getField("capacity_type"))
          || !String.valueOf(r.getField("instance_type")).startsWith("p")) {
        continue;
      }
      BigDecimal ratio =
          ((BigDecimal) r.getField("effective_cost"))
              .divide((BigDecimal) r.getField("billed_cost"), 4, java.math.RoundingMode.HALF_EVEN);
      assertThat(ratio)
          .as("effective/billed of %s", r.getField("id"))
          .isEqualByComparingTo(hour.equals(h0) ? "0.65" : "0.72");
    }
    // the rate card has no price for the B200 node; its bill does
    String unpriced =
        current.values().stream()
            .filter(r -> "p6-b200.48xlarge".equals(r.getField("instance_type")))
            .map(r -> (String) r.getField("node"))
            .findFirst()
            .orElseThrow();
    Record b200 =
        current.values().stream()
            .filter(r -> unpriced.equals(r.getField("node")))
            .filter(r -> h0.equals(((OffsetDateTime) r.getField("hour_start")).toInstant()))
            .findFirst()
            .orElseThrow();
    assertThat((BigDecimal) b200.getField("billed_cost")).isEqualByComparingTo("113.9328");
    // on-demand AWS usage under the savings plan: 35% off after the restatement
    assertThat(billedTotals.get(unpriced + "@" + h0)).isEqualByComparingTo("74.05632");
  }

  /** The demo's questions run on the warehouse the job wrote, and show estimates turned billed. */
  @Test
  void theDemoQueriesAnswer() throws Exception {
    try (io.burnrate.tools.demo.SqlRunner sql = new io.burnrate.tools.demo.SqlRunner(cfg())) {
      for (String q : io.burnrate.tools.demo.DemoQueries.ALL) {
        if (q.equals(io.burnrate.tools.demo.DemoQueries.PAYBACK)) {
          continue; // needs the sites file: OwnedSiteITCase
        }
        assertThat(sql.query(q).columns()).as(q).isNotEmpty();
      }
      var hours = sql.query(io.burnrate.tools.demo.DemoQueries.ESTIMATE_VS_BILLED).rows();
      assertThat(hours).hasSize(3);
      assertThat(String.valueOf(hours.get(0).getField(3))).isEqualTo("billed");
      assertThat(String.valueOf(hours.get(2).getField(3))).doesNotContain("billed");
      var residual = sql.query(io.burnrate.tools.demo.DemoQueries.CONSERVATION).rows();
      assertThat(((BigDecimal) residual.get(0).getField(2)).signum()).isZero();
    }
  }

  /**
   * Billing rows from the topic land in {@code billing_line_items}; every delivery restates the
   * month, and the current view holds exactly the latest one. No simulated billing row is a dead
   * letter.
   */
  @Test
  void billingLandsAndTheCurrentViewIsTheLatestDelivery() throws Exception {
    try (io.burnrate.tools.demo.SqlRunner sql = new io.burnrate.tools.demo.SqlRunner(cfg())) {
      var all =
          sql.query(
                  "SELECT x_DeliveryId, COUNT(*) FROM billing_line_items GROUP BY x_DeliveryId"
                      + " ORDER BY x_DeliveryId")
              .rows();
      assertThat(all).hasSize(2); // 11:20 (hour 10) and 12:20 (hours 10 and 11)
      var current =
          sql.query(
                  "SELECT x_DeliveryId, COUNT(DISTINCT ChargePeriodStart),"
                      + " SUM(CASE WHEN ChargeCategory = 'Credit' THEN BilledCost ELSE 0 END)"
                      + " FROM billing_line_items_current GROUP BY x_DeliveryId")
              .rows();
      assertThat(current).hasSize(1);
      assertThat(current.get(0).getField(0)).isEqualTo("it-2026-01-05T12:20:00Z");
      assertThat(((Number) current.get(0).getField(1)).intValue()).isEqualTo(2);
      assertThat((BigDecimal) current.get(0).getField(2)).isEqualByComparingTo("-10");
    }
    List<JsonNode> dlq = IntegrationEnv.readCommitted(kafka, Topics.DLQ);
    assertThat(dlq)
        .filteredOn(n -> Topics.BILLING_FOCUS.equals(n.get("source_topic").asText()))
        .isEmpty();
  }

  /**
   * The simulator's support charge (no ResourceId) is shared cost: every policy distributes exactly
   * the day's amount; weighted follows the teams' GPU cost, even splits equally, none keeps it
   * whole.
   */
  @Test
  void sharedCostIsDistributedByPolicyAndConserved() throws Exception {
    double expected;
    try (io.burnrate.tools.demo.SqlRunner sql = new io.burnrate.tools.demo.SqlRunner(cfg())) {
      var support =
          sql.query(
                  "SELECT SUM(CAST(EffectiveCost AS DOUBLE)) FROM billing_line_items_current"
                      + " WHERE ResourceId IS NULL AND ChargeCategory = 'Usage'")
              .rows();
      expected = ((Number) support.get(0).getField(0)).doubleValue();
    }
    assertThat(expected).isPositive();
    for (io.burnrate.jobs.allocation.SharedCost.Policy policy :
        io.burnrate.jobs.allocation.SharedCost.Policy.values()) {
      try (io.burnrate.tools.demo.SqlRunner sql =
          new io.burnrate.tools.demo.SqlRunner(cfg(), policy)) {
        var rows = sql.query("SELECT team, shared_cost FROM shared_cost_allocation").rows();
        double total = rows.stream().mapToDouble(r -> ((Number) r.getField(1)).doubleValue()).sum();
        assertThat(total)
            .as(policy.name())
            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        if (policy == io.burnrate.jobs.allocation.SharedCost.Policy.NONE) {
          assertThat(rows).hasSize(1);
        } else {
          assertThat(rows).as(policy.name()).hasSizeGreaterThan(1);
        }
        if (policy == io.burnrate.jobs.allocation.SharedCost.Policy.EVEN) {
          assertThat(
                  rows.stream()
                      .mapToDouble(r -> ((Number) r.getField(1)).doubleValue())
                      .distinct()
                      .count())
              .isEqualTo(1);
        }
      }
    }
  }

  @Test
  void badAndLateRecordsLandInTheDeadLetterTopicWithReasons() throws Exception {
    List<JsonNode> dlq = IntegrationEnv.readCommitted(kafka, Topics.DLQ);
    Map<String, List<JsonNode>> byReason =
        dlq.stream().collect(Collectors.groupingBy(n -> n.get("reason").asText()));
    assertThat(byReason)
        .containsKeys("invalid_json", "invalid_value", "missing_field", "unpriced_instance_type");
    assertThat(byReason.get("invalid_json"))
        .anySatisfy(
            n -> {
              assertThat(n.get("source_topic").asText()).isEqualTo(Topics.TELEMETRY_GPU);
              assertThat(n.get("source_offset").asLong()).isGreaterThanOrEqualTo(0);
              assertThat(n.get("source_partition").asInt()).isGreaterThanOrEqualTo(0);
              assertThat(n.get("payload").asText()).contains("Hostname");
            });
    assertThat(byReason.get("invalid_json"))
        .anySatisfy(n -> assertThat(n.get("source_topic").asText()).isEqualTo(Topics.K8S_EVENTS));
    assertThat(byReason.get("invalid_value"))
        .anySatisfy(n -> assertThat(n.get("detail").asText()).contains("DCGM_FI_DEV_GPU_UTIL"));
    assertThat(byReason.get("invalid_value"))
        .anySatisfy(n -> assertThat(n.get("detail").asText()).contains("samples_total"));
    assertThat(byReason.get("invalid_value"))
        .anySatisfy(n -> assertThat(n.get("detail").asText()).contains("nvidia.com/gpu"));
    assertThat(byReason.get("missing_field"))
        .anySatisfy(n -> assertThat(n.get("detail").asText()).contains("timestamp"));
    // the 09:00 sample, published after everything else: whether its minute is settled when it is
    // read depends on how far each partition has got (a backlog may be read whole before event
    // time moves: SourceEventTime), so it is either a dead letter `late` naming its coordinates,
    // or read in time, when it changes nothing (its node did not exist before 10:00)
    if (byReason.containsKey("late")) {
      assertThat(byReason.get("late"))
          .anySatisfy(
              n -> {
                assertThat(n.get("detail").asText()).contains("2026-01-05T09:00:00Z");
                assertThat(n.get("source_topic").asText()).isEqualTo(Topics.TELEMETRY_GPU);
                assertThat(n.get("source_offset").asLong()).isGreaterThanOrEqualTo(0);
              });
    }
    assertThat(IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS))
        .as("no window before the fleet started")
        .allSatisfy(
            w ->
                assertThat(java.time.Instant.parse(w.get("window_start").asText()))
                    .isAfterOrEqualTo(START));
    assertThat(byReason.get("unpriced_instance_type")).hasSize(1);
    assertThat(byReason.get("unpriced_instance_type").get(0).get("detail").asText())
        .contains("p6-b200.48xlarge");
  }

  private static io.burnrate.connectors.iceberg.CatalogConfig cfg() {
    return io.burnrate.connectors.iceberg.CatalogConfig.hadoop(tmp.resolve("warehouse"));
  }
}
