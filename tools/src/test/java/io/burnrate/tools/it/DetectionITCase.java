package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection on the real parts: the simulated fleet with its injected incidents into a KRaft broker
 * on loopback, the whole job on a MiniCluster at parallelism 2, exactly-once into Kafka and a real
 * Iceberg warehouse. Every incident the simulator lists as ground truth must raise its alert (and
 * its action where one applies) exactly once, in Kafka (read_committed) and in the {@code alerts}
 * and {@code actions} tables; the budget the run is heading for must be forecast before it is
 * breached; and a budget changed on {@code burnrate.config.budgets} must change what fires while
 * the job runs.
 *
 * <p><b>Why the sources are unbounded here.</b> Budget definitions are configuration: they take no
 * part in event time (their watermark is the end of time) and apply when they arrive. With bounded
 * sources every record is on the topics before the job starts, and the definitions (a handful of
 * records) reach the budget operator before the cost windows (which need the whole pipeline and a
 * watermark): a redefinition published "later" on the topic would apply from the start, so no
 * bounded run can show a change mid-run deterministically. So the job runs unbounded, and the test
 * orders the change by what the job has published: (1) the first {@link #PHASE1} of the fleet (and
 * the step that holds the nodes' heartbeats at its end, so that every partition of every input has
 * passed the end of phase 1 less the out-of-orderness) is on the topics, and budget {@code
 * it-cluster-daily} is defined far above what the cluster spends; (2) once the job's budget status
 * shows the spend of every window up to the end of phase 1 (the last window the watermark can
 * close), the test publishes a lower amount for the same id; (3) once its alert is out, the rest of
 * the fleet follows; (4) once the job has committed the offsets of every input record, it is
 * stopped with a draining savepoint (the end of input of a bounded run: every window and timer
 * fires, the last Kafka transaction and Iceberg snapshot commit). The amount is derived from the
 * observed spend, so the 50% threshold is crossed at the change and the others later, whatever the
 * rate card says. No step depends on timing: each waits for an output of the job.
 *
 * <p>On the default time settings: a pause between the phases longer than {@code
 * time.source-idleness} marks every source idle, and event time holds where it is until the data
 * resumes.
 */
class DetectionITCase {
  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");
  private static final Duration RUN = Duration.ofMinutes(160);
  private static final Duration PHASE1 = Duration.ofMinutes(60);
  private static final long END_OF_PHASE1 = START.plus(PHASE1).toEpochMilli();
  private static final String CLUSTER_BUDGET = "it-cluster-daily";

  /**
   * Far above what the cluster spends in the day (nor forecast to), yet low enough that its status
   * (published on change, percent to 2 decimals) changes with every window.
   */
  private static final double INITIAL_AMOUNT = 5000;

  private static final Duration WAIT = Duration.ofMinutes(3);

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static FleetSimulator sim;
  static JsonNode statusBeforeChange;
  static double loweredAmount;
  static List<JsonNode> alerts;
  static List<JsonNode> actions;

  @BeforeAll
  static void run() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    sim =
        new FleetSimulator(
            new FleetSimulator.Config(7, START, RUN, 6, "it", Duration.ofSeconds(10), true));
    Configuration settings =
        IntegrationEnv.jobSettings(kafka, tmp.resolve("warehouse"), "it-detect");
    // the defaults a user gets: checkpoints (and so the exactly-once windows and lake) every 10 s
    settings.removeConfig(io.burnrate.jobs.config.BurnrateOptions.CHECKPOINT_INTERVAL);
    JobConfig cfg = JobConfig.from(settings);
    try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
      IntegrationEnv.send(
          p,
          Topics.CONFIG_BUDGETS,
          START.toEpochMilli(),
          CLUSTER_BUDGET,
          clusterBudget(INITIAL_AMOUNT));
      // up to and with the step that holds the nodes' 11:00 heartbeats: every partition of every
      // input has passed 10:59:20, so the watermark closes the windows up to 10:59, not 11:00
      publish(p, sim.startMillis(), END_OF_PHASE1 + sim.stepMillis());

      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.getExecutionEnvironment(
              Configuration.fromMap(Map.of("pipeline.generic-types", "false")));
      env.setParallelism(2);
      BurnrateJob.addTo(env, cfg, false);
      JobClient job = env.executeAsync("burnrate-it-detection");

      // (2) every window up to the end of phase 1 is counted: lower the amount
      statusBeforeChange =
          awaitFirst(
              Topics.BUDGET_STATUS,
              n ->
                  CLUSTER_BUDGET.equals(n.path("budget_id").asText())
                      && n.path("as_of").asText().equals(iso(END_OF_PHASE1 - 60_000)));
      loweredAmount = Math.round(statusBeforeChange.path("spend").asDouble() / 0.6 * 100) / 100.0;
      IntegrationEnv.send(
          p, Topics.CONFIG_BUDGETS, END_OF_PHASE1, CLUSTER_BUDGET, clusterBudget(loweredAmount));
      p.flush();
      // (3) the change is applied (its 50% alert is out): the rest of the fleet
      awaitFirst(
          Topics.ALERTS,
          n ->
              CLUSTER_BUDGET.equals(n.at("/labels/budget").asText())
                  && n.at("/labels/threshold").asText().equals("50"));
      // the first step wakes every partition (idle during the pause) before the rest arrives:
      // a partition still idle while another races ahead would find its records late
      publish(p, END_OF_PHASE1 + sim.stepMillis(), sim.endMillis());

      // (4) every input record is processed (its offset committed): drain and stop
      IntegrationEnv.awaitConsumed(kafka, cfg.groupId, WAIT);
      job.stopWithSavepoint(
              true, tmp.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      job.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    alerts = readToEnd(Topics.ALERTS);
    actions = readToEnd(Topics.ACTIONS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Each injected incident raises its alert (and action) once: one firing per fingerprint. */
  @Test
  void everyIncidentRaisesItsAlertOrActionOnce() {
    Map<String, FleetSimulator.Incident> byKind = new HashMap<>();
    for (FleetSimulator.Incident i : sim.incidents()) {
      byKind.put(i.kind(), i);
    }
    assertThat(byKind)
        .containsKeys(
            "idle_gpu",
            "runaway_scale_up",
            "throughput_degradation",
            "memory_pressure",
            "under_utilisation",
            "idle_node",
            "spot_tolerant_on_demand",
            "light_inference",
            "budget_thresholds",
            "budget_forecast");
    firesOnce("IdleGpu", workload(byKind.get("idle_gpu")));
    firesOnce("GpuUnderUtilized", workload(byKind.get("under_utilisation")));
    firesOnce("GpuMemoryPressure", workload(byKind.get("memory_pressure")));
    firesOnce("ThroughputDegraded", workload(byKind.get("throughput_degradation")));
    FleetSimulator.Incident runaway = byKind.get("runaway_scale_up");
    JsonNode cost = firesOnce("CostRateAnomaly", workload(runaway));
    assertThat(millis(cost.get("starts_at"))).isGreaterThanOrEqualTo(runaway.from());

    opensOnce(
        "release_idle_node", a -> a.path("node").asText().equals(node(byKind.get("idle_node"))));
    opensOnce(
        "move_to_spot",
        a -> a.path("workload").asText().equals(workload(byKind.get("spot_tolerant_on_demand"))));
    // the idle job holds 4 GPUs doing nothing: right-size it
    opensOnce(
        "right_size", a -> a.path("workload").asText().equals(workload(byKind.get("idle_gpu"))));
    // a one-GPU service at 2-8%: share its GPU or move it to a smaller type, one of the two
    String light = workload(byKind.get("light_inference"));
    List<JsonNode> sizing =
        actions.stream()
            .filter(a -> a.path("status").asText().equals("open"))
            .filter(a -> a.path("workload").asText().equals(light))
            .filter(
                a ->
                    List.of("share_gpu", "smaller_gpu_type", "scale_to_load")
                        .contains(a.path("kind").asText()))
            .toList();
    assertThat(sizing).as("sizing advice for %s", light).hasSize(1);
    assertThat(sizing.get(0).path("kind").asText()).isIn("share_gpu", "smaller_gpu_type");
    assertThat(sizing.get(0).path("estimated_monthly_savings").asDouble()).isPositive();
    assertThat(sizing.get(0).path("evidence").asText()).contains("p95").contains("rate card");
  }

  /**
   * Team research's day: every threshold once, each escalation once; the forecast of the 100%
   * breach comes before the breach. Its month: forecast past the budget while spend stays low.
   */
  @Test
  void aTeamHeadingForItsBudgetIsForecastBeforeItBreaches() {
    Map<String, JsonNode> daily = budgetAlerts("research-daily", "BudgetThresholdReached");
    assertThat(daily).containsOnlyKeys("50", "80", "90", "100");
    Map<String, JsonNode> dailyForecast = budgetAlerts("research-daily", "BudgetForecastBreach");
    assertThat(dailyForecast).containsKey("100");
    assertThat(millis(dailyForecast.get("100").get("starts_at")))
        .as("the forecast of the breach comes first")
        .isLessThan(millis(daily.get("100").get("starts_at")));
    assertThat(dailyForecast.get("100").at("/annotations/summary").asText())
        .contains("projected to reach 100%");
    for (String op : List.of("switch_to_spot", "reduce_batch_size", "stop_non_critical")) {
      opensOnce(
          "budget_escalation",
          a ->
              a.path("budget_id").asText().equals("research-daily")
                  && a.path("operation").asText().equals(op));
    }

    assertThat(budgetAlerts("research-monthly", "BudgetThresholdReached")).isEmpty();
    assertThat(budgetAlerts("research-monthly", "BudgetForecastBreach")).containsKey("100");
  }

  /**
   * The cluster's budget was far away until the test lowered it on the topic mid-run: nothing fired
   * before; at the change the 50% threshold (crossed by the spend already counted) fires at once,
   * and 80/90/100% fire later, as the spend grows, against the new amount.
   */
  @Test
  void aBudgetLoweredOnTheTopicChangesWhatFiresWithoutRestart() {
    assertThat(statusBeforeChange.path("amount").asDouble()).isEqualTo(INITIAL_AMOUNT);
    assertThat(statusBeforeChange.path("forecast_thresholds_crossed")).isEmpty();
    assertThat(statusBeforeChange.path("thresholds_crossed")).isEmpty();
    Map<String, JsonNode> fired = budgetAlerts(CLUSTER_BUDGET, "BudgetThresholdReached");
    assertThat(fired).containsOnlyKeys("50", "80", "90", "100");
    long changedAt = END_OF_PHASE1 - 60_000; // the last window counted before the change
    assertThat(millis(fired.get("50").get("starts_at"))).isEqualTo(changedAt);
    for (String pct : List.of("80", "90", "100")) {
      assertThat(millis(fired.get(pct).get("starts_at"))).isGreaterThan(changedAt);
    }
    for (Map.Entry<String, JsonNode> e : fired.entrySet()) {
      assertThat(e.getValue().at("/evidence/threshold").asDouble())
          .as("threshold %s%% of the new amount", e.getKey())
          .isCloseTo(
              Double.parseDouble(e.getKey()) / 100 * loweredAmount,
              org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  /** Alerts and actions land once each, the same in Kafka and in Iceberg. */
  @Test
  void alertsAndActionsLandOnceInKafkaAndIceberg() throws Exception {
    Set<String> alertIds = ids(alerts);
    assertThat(alertIds).hasSize(alerts.size());
    assertThat(icebergIds(TableSchemas.ALERTS)).isEqualTo(alertIds);
    Set<String> actionIds = ids(actions);
    assertThat(actionIds).hasSize(actions.size());
    assertThat(icebergIds(TableSchemas.ACTIONS)).isEqualTo(actionIds);
    // nothing fired for the cluster's budget before it was lowered
    assertThat(alerts)
        .filteredOn(a -> CLUSTER_BUDGET.equals(a.at("/labels/budget").asText()))
        .allMatch(a -> millis(a.get("starts_at")) >= END_OF_PHASE1 - 60_000);
    // nothing was late across the pause between the phases
    assertThat(readToEnd(Topics.DLQ))
        .filteredOn(n -> n.path("reason").asText().equals("late"))
        .noneMatch(n -> millis(n.get("source_timestamp")) >= END_OF_PHASE1 - 120_000);
  }

  /** Pod labels and annotations reach the cost windows: attribution labels and the hints. */
  @Test
  void costWindowsCarryTheLabelsAndHints() throws Exception {
    Map<String, JsonNode> byWorkload = new HashMap<>();
    for (JsonNode w : readToEnd(Topics.COST_WINDOWS)) {
      byWorkload.put(w.path("workload").asText(), w);
    }
    String spot =
        sim.incidents().stream()
            .filter(i -> i.kind().equals("spot_tolerant_on_demand"))
            .map(DetectionITCase::workload)
            .findFirst()
            .orElseThrow();
    assertThat(labels(byWorkload.get(spot)))
        .containsEntry("burnrate.io/spot-tolerant", "true")
        .containsEntry("team", "nlp")
        .containsKeys("project", "cost-center")
        .doesNotContainKey("burnrate.io/critical");
    assertThat(labels(byWorkload.get("team-research/Job/train-foundation-0")))
        .containsEntry("burnrate.io/critical", "true")
        .containsEntry("team", "research");
  }

  // ------------------------------------------------------------------ helpers

  private static JsonNode firesOnce(String alertname, String workload) {
    List<JsonNode> firing =
        alerts.stream()
            .filter(a -> a.path("status").asText().equals("firing"))
            .filter(a -> a.path("alertname").asText().equals(alertname))
            .filter(a -> a.at("/labels/workload").asText().equals(workload))
            .toList();
    assertThat(firing).as("%s firing for %s", alertname, workload).hasSize(1);
    return firing.get(0);
  }

  private static JsonNode opensOnce(String kind, Predicate<JsonNode> target) {
    List<JsonNode> open =
        actions.stream()
            .filter(a -> a.path("status").asText().equals("open"))
            .filter(a -> a.path("kind").asText().equals(kind))
            .filter(target)
            .toList();
    assertThat(open).as("%s opened", kind).hasSize(1);
    return open.get(0);
  }

  /** Firing alerts of one budget by threshold; fails on a second firing of a fingerprint. */
  private static Map<String, JsonNode> budgetAlerts(String budget, String alertname) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode a : alerts) {
      if (a.path("status").asText().equals("firing")
          && a.path("alertname").asText().equals(alertname)
          && a.at("/labels/budget").asText().equals(budget)) {
        JsonNode before = out.put(a.at("/labels/threshold").asText(), a);
        assertThat(before).as("%s %s fired twice", budget, alertname).isNull();
      }
    }
    return out;
  }

  private static String workload(FleetSimulator.Incident i) {
    return i.target().substring("workload/".length());
  }

  private static String node(FleetSimulator.Incident i) {
    return i.target().substring("node/".length());
  }

  private static Map<String, String> labels(JsonNode window) {
    assertThat(window).isNotNull();
    Map<String, String> out = new HashMap<>();
    window
        .path("labels")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static Set<String> ids(List<JsonNode> nodes) {
    return nodes.stream().map(n -> n.get("id").asText()).collect(Collectors.toSet());
  }

  private static Set<String> icebergIds(org.apache.iceberg.catalog.TableIdentifier table)
      throws Exception {
    Set<String> ids = new HashSet<>();
    for (Record r :
        IntegrationEnv.readTable(CatalogConfig.hadoop(tmp.resolve("warehouse")), table)) {
      ids.add((String) r.getField("id"));
    }
    return ids;
  }

  private static long millis(JsonNode iso) {
    return Instant.parse(iso.asText()).toEpochMilli();
  }

  private static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  private static String clusterBudget(double amount) {
    return String.format(
        Locale.ROOT,
        "{\"id\":\"%s\",\"scope\":{\"kind\":\"cluster\",\"value\":\"it\"},\"period\":\"day\","
            + "\"time_zone\":\"UTC\",\"amount\":%.2f,\"actions\":[]}",
        CLUSTER_BUDGET,
        amount);
  }

  /** Publishes the simulation's steps in [from, to). */
  private static void publish(KafkaProducer<byte[], byte[]> p, long from, long to) {
    for (long t = from; t < to; t += sim.stepMillis()) {
      sim.runStep(
          t,
          r ->
              IntegrationEnv.send(
                  p,
                  r.topic(),
                  r.timestamp(),
                  r.key(),
                  new String(r.value(), StandardCharsets.UTF_8)));
    }
    p.flush();
  }

  /** Everything committed on {@code topic} once the job has stopped, read_committed. */
  private static List<JsonNode> readToEnd(String topic) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
      Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
      while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(IntegrationEnv.MAPPER.readTree(r.value()));
        }
      }
    }
    return out;
  }

  /** A read_committed consumer of every partition of {@code topic}, from the beginning. */
  private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
    Properties props = kafka.clientProperties();
    props.setProperty("isolation.level", "read_committed");
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo pi : c.partitionsFor(topic)) {
      parts.add(new TopicPartition(topic, pi.partition()));
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** The first committed record of {@code topic} that matches; fails after {@link #WAIT}. */
  private static JsonNode awaitFirst(String topic, Predicate<JsonNode> match) throws Exception {
    try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          JsonNode n = IntegrationEnv.MAPPER.readTree(r.value());
          if (match.test(n)) {
            return n;
          }
        }
      }
    }
    return fail("no matching record on %s within %s", topic, WAIT);
  }
}
