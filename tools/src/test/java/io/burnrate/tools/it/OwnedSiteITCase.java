package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The simulator's owned site through the real broker, MiniCluster and Iceberg: two DGX-class nodes
 * priced by energy (with an energy counter reset) and amortisation, an LLM inference service with
 * tokens and requests, a fine-tuning run whose validation loss plateaus and an RL run whose loss
 * diverges, beside a small cloud fleet.
 */
class OwnedSiteITCase {
  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");
  private static final String FINETUNE = "team-nlp/Job/train-llm-finetune-0";
  private static final String UNSTABLE = "team-ml-infra/Job/train-rl-unstable-0";
  private static final String SERVE = "team-nlp/Deployment/serve-chat-llm";

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static JobConfig cfg;

  @BeforeAll
  static void run() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    FleetSimulator sim =
        new FleetSimulator(
            new FleetSimulator.Config(
                    21, START, Duration.ofMinutes(100), 4, "it", Duration.ofSeconds(10), true)
                .withOwnedSite());
    try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
      sim.run(
          r ->
              IntegrationEnv.send(
                  p,
                  r.topic(),
                  r.timestamp(),
                  r.key(),
                  new String(r.value(), StandardCharsets.UTF_8)));
      p.flush();
    }
    Path sites = tmp.resolve("sites.json");
    try (var in = io.burnrate.tools.demo.DemoRunner.class.getResourceAsStream("sites.json")) {
      Files.copy(in, sites);
    }
    Configuration c = IntegrationEnv.jobSettings(kafka, tmp.resolve("warehouse"), "it-owned");
    c.set(BurnrateOptions.CLUSTER, "it");
    c.set(BurnrateOptions.SITES_FILE, sites.toString());
    cfg = JobConfig.from(c);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            Configuration.fromMap(Map.of("pipeline.generic-types", "false")));
    env.setParallelism(2);
    BurnrateJob.addTo(env, cfg, true);
    env.execute("burnrate-it-owned-site");
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static List<JsonNode> windows() throws Exception {
    return IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
  }

  @Test
  void ownedNodesArePricedByEnergyAndConserveEveryHour() throws Exception {
    List<JsonNode> owned =
        windows().stream().filter(n -> n.path("node").asText().startsWith("dgx-")).toList();
    assertThat(owned).hasSizeGreaterThan(300);
    assertThat(owned).allMatch(n -> n.get("cost_basis").asText().equals("energy"));
    // the energy counter reset (a driver reload half-way) never makes a minute's energy negative
    // or a whole counter's worth: every owned GPU-minute costs about the same energy
    for (JsonNode n : owned) {
      if (n.get("kind").asText().equals("workload")) {
        double perGpuMinute =
            n.get("energy_cost").asDouble() / (n.get("gpu_seconds").asDouble() / 60);
        assertThat(perGpuMinute).as(n.toString()).isBetween(0.0, 0.02);
        assertThat(n.get("site").asText()).isEqualTo(FleetSimulator.OWNED_SITE);
        assertThat(n.get("cloud_on_demand_cost").asDouble())
            .as("the same GPU time in the cloud costs more than owning it")
            .isGreaterThan(n.get("cost").asDouble());
      }
    }
    Map<String, BigDecimal[]> hours = new HashMap<>();
    for (Record r : IntegrationEnv.readTable(cfg.iceberg, TableSchemas.COST_ALLOCATIONS)) {
      String node = (String) r.getField("node");
      if (node == null || !node.startsWith("dgx-")) {
        continue;
      }
      assertThat(r.getField("cost_basis")).isEqualTo("energy");
      String key = node + "@" + r.getField("hour_start") + "#" + r.getField("version");
      BigDecimal[] acc =
          hours.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
      acc[0] = acc[0].add((BigDecimal) r.getField("cost"));
      acc[1] = (BigDecimal) r.getField("node_hour_cost");
    }
    assertThat(hours).hasSizeGreaterThanOrEqualTo(4); // 2 nodes x 2 (partial) hours at least
    for (var e : hours.entrySet()) {
      assertThat(e.getValue()[0].subtract(e.getValue()[1]).abs())
          .as("allocated + idle = the node-hour's cost, " + e.getKey())
          .isLessThanOrEqualTo(new BigDecimal("0.000001"));
    }
  }

  @Test
  void theInferenceServiceCostsPerMillionTokensAndPerThousandRequests() throws Exception {
    List<JsonNode> serve =
        windows().stream()
            .filter(n -> n.path("workload").asText().equals(SERVE))
            .filter(n -> n.path("tokens").asDouble(0) > 0)
            .toList();
    assertThat(serve).hasSizeGreaterThan(60);
    for (JsonNode n : serve) {
      double cost = n.get("cost").asDouble();
      assertThat(n.get("cost_per_million_tokens").asDouble())
          .isCloseTo(cost / n.get("tokens").asDouble() * 1e6, within(1e-9));
      if (n.path("requests").asDouble(0) > 0) {
        assertThat(n.get("cost_per_thousand_requests").asDouble())
            .isCloseTo(cost / n.get("requests").asDouble() * 1e3, within(1e-9));
      }
    }
  }

  @Test
  void thePlateauedAndTheDivergedRunEachRaiseOneAlertAndOneActionWithSavings() throws Exception {
    List<JsonNode> alerts = IntegrationEnv.readCommitted(kafka, Topics.ALERTS);
    List<JsonNode> actions = IntegrationEnv.readCommitted(kafka, Topics.ACTIONS);
    assertThat(firing(alerts, "TrainingPlateau", FINETUNE)).hasSize(1);
    assertThat(firing(alerts, "TrainingDiverged", UNSTABLE)).hasSize(1);
    assertThat(firing(alerts, "TrainingPlateau", UNSTABLE)).isEmpty();
    assertThat(firing(alerts, "TrainingDiverged", FINETUNE)).isEmpty();
    List<JsonNode> earlyStop = opened(actions, "early_stop", FINETUNE);
    List<JsonNode> stop = opened(actions, "stop_diverged", UNSTABLE);
    assertThat(earlyStop).hasSize(1);
    assertThat(stop).hasSize(1);
    assertThat(earlyStop.get(0).get("estimated_monthly_savings").asDouble()).isPositive();
    assertThat(stop.get(0).get("estimated_monthly_savings").asDouble()).isPositive();
    // the fine-tuning run reports total_steps: the savings count the steps it has left; the
    // diverging run does not: the assumed remaining hours, said so
    assertThat(earlyStop.get(0).get("evidence").asText())
        .contains("planned steps left (total_steps)");
    assertThat(stop.get(0).get("evidence").asText())
        .contains("training.assumed-remaining-hours")
        .contains("it reports no total_steps");
  }

  @Test
  void theDemoQueriesShowTheOwnedSiteTheInferenceServiceAndTheTrainingRuns() throws Exception {
    try (io.burnrate.tools.demo.SqlRunner sql =
        new io.burnrate.tools.demo.SqlRunner(
            cfg.iceberg,
            io.burnrate.jobs.allocation.SharedCost.Policy.WEIGHTED,
            io.burnrate.jobs.onprem.Sites.fromFile(tmp.resolve("sites.json")))) {
      for (String q : io.burnrate.tools.demo.DemoQueries.ALL) {
        assertThat(sql.query(q).columns()).as(q).isNotEmpty();
      }
      assertThat(sql.query(io.burnrate.tools.demo.DemoQueries.OWN_VS_CLOUD).rows()).hasSize(3);
      var payback = sql.query(io.burnrate.tools.demo.DemoQueries.PAYBACK).rows();
      assertThat(payback).hasSize(1);
      assertThat(payback.get(0).getField(0)).isEqualTo(FleetSimulator.OWNED_SITE);
      assertThat(payback.get(0).getField(7)).as("a payback date").isNotNull();
      assertThat(sql.query(io.burnrate.tools.demo.DemoQueries.UNIT_COST_INFERENCE).rows())
          .anyMatch(r -> SERVE.equals(r.getField(0)));
      assertThat(sql.query(io.burnrate.tools.demo.DemoQueries.TRAINING).rows())
          .extracting(r -> r.getField(0) + " " + r.getField(1))
          .containsExactlyInAnyOrder("TrainingPlateau " + FINETUNE, "TrainingDiverged " + UNSTABLE);
    }
  }

  private static List<JsonNode> firing(List<JsonNode> alerts, String name, String workload) {
    return alerts.stream()
        .filter(a -> a.get("status").asText().equals("firing"))
        .filter(a -> a.get("alertname").asText().equals(name))
        .filter(a -> a.at("/labels/workload").asText().equals(workload))
        .toList();
  }

  private static List<JsonNode> opened(List<JsonNode> actions, String kind, String workload) {
    return actions.stream()
        .filter(a -> a.get("status").asText().equals("open"))
        .filter(a -> a.get("kind").asText().equals(kind))
        .filter(a -> a.path("workload").asText().equals(workload))
        .toList();
  }
}
