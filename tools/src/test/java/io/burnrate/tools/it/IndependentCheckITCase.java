package io.burnrate.tools.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent check of conservation and reconciliation: the job runs on the real parts (KRaft
 * broker on loopback, MiniCluster at parallelism 2, Iceberg warehouse in a temp folder) over two
 * simulated days of a six-node fleet with its incidents (a spot node reclaimed on day 2, a node the
 * rate card cannot price, a cordoned idle node, restarting and short jobs) and billing delivered
 * every hour, each delivery restating the month so far (AWS savings-plan hours re-priced), plus a
 * last delivery that restates the reclaimed node's day 2 as one daily row. Every node-hour and
 * pod-hour of {@code cost_allocations} is then compared with {@link IndependentLedger}, which
 * recomputes them from the raw records published here and the rate-card file, sharing no code with
 * the job: GPU-seconds, the estimated split, the billed split of every version, the billed amounts
 * of the current version, and allocated + idle = the independently computed price, to the
 * micro-dollar.
 */
class IndependentCheckITCase {
  private static final Instant START = Instant.parse("2026-03-10T00:00:00Z");
  private static final Duration DAYS = Duration.ofDays(2);
  private static final String CLUSTER = "it";

  /** The last delivery: the reclaimed spot node's day 2 restated as one daily row. */
  private static final String LATE_DELIVERY = "it-daily-restatement";

  private static final BigDecimal DAILY_BILLED = new BigDecimal("21.987654");
  private static final BigDecimal DAILY_EFFECTIVE = new BigDecimal("20.123457");

  /** A later delivery restating one node-hour for an amount that makes a rounding tie. */
  private static final String TIE_DELIVERY = "it-tie-restatement";

  private static final BigDecimal TIE_AMOUNT = new BigDecimal("12.345677");

  private static final BigDecimal GPU_SECONDS_TOLERANCE = new BigDecimal("0.000001");

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static IndependentLedger ledger;
  static Map<String, IndependentLedger.NodeHour> expected;

  /** Allocation rows of the run by {@code node@hour}, then version. */
  static final Map<String, TreeMap<Integer, List<Record>>> landed = new TreeMap<>();

  static int unallocatedRows;
  static long runMillis;

  @BeforeAll
  static void run() throws Exception {
    long t0 = System.nanoTime();
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    try (InputStream card =
        IndependentLedger.class.getResourceAsStream("/ratecard/gpu-ratecard.csv")) {
      ledger = new IndependentLedger(CLUSTER, card);
    }
    FleetSimulator sim =
        new FleetSimulator(
            new FleetSimulator.Config(14, START, DAYS, 6, CLUSTER, Duration.ofSeconds(60), true));
    Map<String, String> reclaimed = new HashMap<>(); // node -> providerID
    try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
      sim.run(
          r -> {
            try {
              ledger.accept(r.topic(), r.value());
              if (r.topic().equals(Topics.K8S_EVENTS) && r.key().startsWith("Node/")) {
                JsonNode e = IntegrationEnv.MAPPER.readTree(r.value());
                if (e.path("type").asText().equals("DELETED")) {
                  reclaimed.put(
                      e.at("/object/metadata/name").asText(),
                      e.at("/object/spec/providerID").asText());
                }
              }
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            IntegrationEnv.send(p, r.topic(), r.timestamp(), r.key(), new String(r.value(), UTF_8));
          });
      assertThat(reclaimed).as("the simulated fleet loses one spot node on day 2").hasSize(1);
      byte[] tie = tieRow(ledger.compute(), reclaimed.keySet());
      ledger.accept(Topics.BILLING_FOCUS, tie);
      IntegrationEnv.send(
          p, Topics.BILLING_FOCUS, START.plus(DAYS).toEpochMilli(), null, new String(tie, UTF_8));
      String providerId = reclaimed.values().iterator().next();
      byte[] daily = dailyRow(providerId);
      ledger.accept(Topics.BILLING_FOCUS, daily);
      IntegrationEnv.send(
          p,
          Topics.BILLING_FOCUS,
          START.plus(DAYS).toEpochMilli(),
          providerId.substring(providerId.lastIndexOf('/') + 1),
          new String(daily, UTF_8));
      p.flush();
    }
    IntegrationEnv.runBounded(
        IntegrationEnv.jobConfig(kafka, tmp.resolve("warehouse"), "it-independent"),
        "burnrate-it-independent-check");
    for (Record r : IntegrationEnv.readTable(warehouse(), TableSchemas.COST_ALLOCATIONS)) {
      if ("unallocated".equals(r.getField("holder_kind"))) {
        unallocatedRows++;
        continue;
      }
      String key =
          r.getField("node") + "@" + ((OffsetDateTime) r.getField("hour_start")).toInstant();
      landed
          .computeIfAbsent(key, k -> new TreeMap<>())
          .computeIfAbsent((Integer) r.getField("version"), v -> new ArrayList<>())
          .add(r);
    }
    expected = ledger.compute();
    runMillis = (System.nanoTime() - t0) / 1_000_000;
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * A FOCUS usage row of the simulator's account and month for {@code resourceId} over {@code
   * [from, to)}, of a delivery made {@code hoursAfterEnd} after the simulated days.
   */
  private static ObjectNode usageRow(
      String resourceId, Instant from, Instant to, String delivery, int hoursAfterEnd) {
    ObjectNode j = IntegrationEnv.MAPPER.createObjectNode();
    j.put("BillingAccountId", "123456789012").put("SubAccountId", "210987654321");
    j.put("BillingPeriodStart", "2026-03-01T00:00:00Z");
    j.put("ChargePeriodStart", from.toString()).put("ChargePeriodEnd", to.toString());
    j.put("BillingCurrency", "USD").put("ChargeCategory", "Usage");
    j.put("x_DeliveryId", delivery);
    j.put("x_DeliveredAt", START.plus(DAYS).plus(Duration.ofHours(hoursAfterEnd)).toString());
    j.put("ResourceId", resourceId).put("ResourceType", "Virtual Machine");
    return j;
  }

  /** A FOCUS daily row for the reclaimed node's day 2, delivered after every hourly delivery. */
  private static byte[] dailyRow(String providerId) throws Exception {
    Instant day = START.plus(Duration.ofDays(1));
    ObjectNode j =
        usageRow(
            providerId.substring(providerId.lastIndexOf('/') + 1),
            day,
            day.plus(Duration.ofDays(1)),
            LATE_DELIVERY,
            6);
    j.put("ServiceName", "Amazon Elastic Compute Cloud").put("ServiceCategory", "Compute");
    j.put("PricingCategory", "Dynamic").put("RegionId", "us-west-2").put("SkuId", "g5.12xlarge");
    j.put("ChargeDescription", "g5.12xlarge instance-hours (daily)");
    j.put("BilledCost", DAILY_BILLED).put("EffectiveCost", DAILY_EFFECTIVE);
    j.put("ListCost", DAILY_BILLED).put("ConsumedUnit", "Hours");
    return IntegrationEnv.MAPPER.writeValueAsBytes(j);
  }

  /**
   * An hourly row of a later delivery restating a node-hour in which one pod held exactly half of
   * the node, for an amount whose half falls on half a micro-dollar with an even digit before it
   * (12.345677 / 2 = 6.1728385: half-even 6.172838, half-up 6.172839). Rate-card prices have at
   * most 4 decimals, so whole-hour estimates never make such a tie; this one shows the rounding
   * mode of the split.
   */
  private static byte[] tieRow(Map<String, IndependentLedger.NodeHour> hours, Set<String> skip)
      throws Exception {
    for (IndependentLedger.NodeHour nh : hours.values()) {
      if (nh.resource == null
          || skip.contains(nh.node)
          || !nh.billed
          || nh.nodeMillis != IndependentLedger.HOUR) {
        continue;
      }
      for (BigDecimal gs : nh.podGpuSeconds.values()) {
        if (gs.multiply(BigDecimal.valueOf(2)).compareTo(nh.nodeGpuSeconds) != 0) {
          continue;
        }
        Instant hour = Instant.ofEpochMilli(nh.hourStart);
        ObjectNode j = usageRow(nh.resource, hour, hour.plus(Duration.ofHours(1)), TIE_DELIVERY, 5);
        j.put("ChargeDescription", "instance-hours (restated)");
        j.put("BilledCost", TIE_AMOUNT).put("EffectiveCost", TIE_AMOUNT);
        return IntegrationEnv.MAPPER.writeValueAsBytes(j);
      }
    }
    throw new AssertionError("no whole node-hour held half by one pod in the simulated fleet");
  }

  /** What was compared and how far apart: the test's figures, printed for the docs. */
  private static final class Tally {
    final List<String> mismatches = new ArrayList<>();
    int podHours;
    int idleHours;
    BigDecimal maxMoney = BigDecimal.ZERO;
    BigDecimal maxGpuSeconds = BigDecimal.ZERO;

    void money(String what, BigDecimal want, Object got) {
      if (want == null || got == null) {
        if (want != got) {
          mismatches.add(what + ": expected " + want + ", job " + got);
        }
        return;
      }
      BigDecimal diff = want.subtract((BigDecimal) got).abs();
      maxMoney = maxMoney.max(diff);
      if (diff.signum() != 0) {
        mismatches.add(what + ": expected " + want + ", job " + got);
      }
    }

    void gpuSeconds(String what, BigDecimal want, Object got) {
      BigDecimal diff = want.subtract(BigDecimal.valueOf((Double) got)).abs();
      maxGpuSeconds = maxGpuSeconds.max(diff);
      if (diff.compareTo(GPU_SECONDS_TOLERANCE) > 0) {
        mismatches.add(what + " GPU-seconds: expected " + want + ", job " + got);
      }
    }

    void check(String what) {
      if (!mismatches.isEmpty()) {
        org.assertj.core.api.Assertions.fail(
            "%s: %d differences with the independent ledger, the first 30:%n  %s",
            what,
            mismatches.size(),
            String.join("\n  ", mismatches.subList(0, Math.min(30, mismatches.size()))));
      }
    }

    /** Compares one version's rows of a node-hour with the ledger's split of {@code amount}. */
    void rows(
        String what,
        IndependentLedger.NodeHour nh,
        List<Record> rows,
        Map<String, BigDecimal> split,
        BigDecimal amount) {
      Map<String, Record> byHolder = new TreeMap<>();
      BigDecimal sum = BigDecimal.ZERO;
      for (Record r : rows) {
        String holder =
            "idle".equals(r.getField("holder_kind"))
                ? IndependentLedger.IDLE
                : r.getField("namespace") + "/" + r.getField("pod");
        if (byHolder.put(holder, r) != null) {
          mismatches.add(what + ": two rows for " + holder);
        }
        money(what + " node_hour_cost (" + holder + ")", amount, r.getField("node_hour_cost"));
        if (r.getField("cost") != null) {
          sum = sum.add((BigDecimal) r.getField("cost"));
        }
      }
      Set<String> want = new TreeSet<>(nh.podGpuSeconds.keySet());
      want.add(IndependentLedger.IDLE);
      if (!want.equals(byHolder.keySet())) {
        mismatches.add(what + ": holders expected " + want + ", job " + byHolder.keySet());
        return;
      }
      for (Map.Entry<String, Record> e : byHolder.entrySet()) {
        String holder = e.getKey();
        Record r = e.getValue();
        boolean idle = holder.equals(IndependentLedger.IDLE);
        gpuSeconds(
            what + " " + holder,
            idle ? nh.idleGpuSeconds() : nh.podGpuSeconds.get(holder),
            r.getField("gpu_seconds"));
        money(
            what + " cost of " + holder,
            split == null ? null : split.get(holder),
            r.getField("cost"));
      }
      gpuSeconds(what + " node", nh.nodeGpuSeconds, rows.get(0).getField("node_gpu_seconds"));
      if (amount != null) {
        // conservation against the independently computed price, not the job's node_hour_cost
        money(what + " allocated + idle", amount, sum);
      }
    }
  }

  @Test
  void everyEstimatedPodHourAndIdleMatchesTheIndependentLedger() {
    Tally t = new Tally();
    for (String key : landed.keySet()) {
      if (!expected.containsKey(key)) {
        t.mismatches.add(key + ": in cost_allocations, not in the independent ledger");
      }
    }
    for (Map.Entry<String, IndependentLedger.NodeHour> e : expected.entrySet()) {
      IndependentLedger.NodeHour nh = e.getValue();
      if (!landed.containsKey(e.getKey())) {
        t.mismatches.add(e.getKey() + ": in the independent ledger, not in cost_allocations");
        continue;
      }
      List<Record> estimate = landed.get(e.getKey()).get(0);
      if (estimate == null) {
        t.mismatches.add(e.getKey() + ": no estimate (version 0)");
        continue;
      }
      t.rows(e.getKey() + " v0", nh, estimate, nh.estimated, nh.estimatedPrice);
      for (Record r : estimate) {
        String basis = (String) r.getField("cost_basis");
        if (!basis.equals(nh.estimatedPrice == null ? "unpriced" : "estimated")) {
          t.mismatches.add(e.getKey() + " v0: cost_basis " + basis);
        }
      }
      t.podHours += nh.podGpuSeconds.size();
      t.idleHours++;
    }
    System.out.printf(
        "independent check, estimated: %d node-hours, %d pod-hours, %d idle rows compared;"
            + " max difference %s USD, %s GPU-seconds; run %d s%n",
        expected.size(), t.podHours, t.idleHours, t.maxMoney, t.maxGpuSeconds, runMillis / 1000);
    t.check("estimated");
    assertThat(t.podHours).isGreaterThan(200);
  }

  @Test
  void everyBilledVersionMatchesTheIndependentLedgerAndTheLatestDeliveryWins() {
    Tally t = new Tally();
    int billedHours = 0;
    int restated = 0;
    int billedPodHours = 0;
    int versionsChecked = 0;
    int ties = 0;
    for (Map.Entry<String, IndependentLedger.NodeHour> e : expected.entrySet()) {
      IndependentLedger.NodeHour nh = e.getValue();
      TreeMap<Integer, List<Record>> versions = landed.get(e.getKey());
      if (versions == null) {
        continue; // reported by the estimate test
      }
      int current = versions.lastKey();
      if (!nh.billed) {
        if (current != 0) {
          t.mismatches.add(e.getKey() + ": billed (v" + current + ") without a bill");
        }
        continue;
      }
      if (current == 0) {
        t.mismatches.add(e.getKey() + ": billing arrived but the hour stayed an estimate");
        continue;
      }
      billedHours++;
      billedPodHours += nh.podGpuSeconds.size();
      restated += current > 1 ? 1 : 0;
      // every billed version is a correct split of its own amount by the ledger's GPU-seconds
      for (Map.Entry<Integer, List<Record>> v : versions.tailMap(1).entrySet()) {
        BigDecimal amount = (BigDecimal) v.getValue().get(0).getField("node_hour_cost");
        String what = e.getKey() + " v" + v.getKey();
        for (Record r : v.getValue()) {
          if (!"billed".equals(r.getField("cost_basis"))) {
            t.mismatches.add(what + ": cost_basis " + r.getField("cost_basis"));
          }
        }
        if (amount == null) {
          t.mismatches.add(what + ": billed without an amount");
          continue;
        }
        t.rows(what, nh, v.getValue(), IndependentLedger.split(nh, amount), amount);
        versionsChecked++;
      }
      for (String pod : nh.podGpuSeconds.keySet()) {
        ties += IndependentLedger.evenTie(nh, nh.effectiveCost, pod) ? 1 : 0;
      }
      // the current version carries the latest delivery's amounts
      List<Record> latest = versions.get(current);
      String what = e.getKey() + " current v" + current;
      t.rows(what, nh, latest, nh.billedSplit, nh.effectiveCost);
      for (Record r : latest) {
        t.money(what + " billed_cost", nh.billedCost, r.getField("billed_cost"));
        t.money(what + " effective_cost", nh.effectiveCost, r.getField("effective_cost"));
      }
    }
    System.out.printf(
        "independent check, billed: %d node-hours, %d pod-hours current, %d billed versions"
            + " split-checked (%d node-hours went through more than one); input: %d billing rows"
            + " replaced by a later delivery, %d node-hours whose amount a delivery restated;"
            + " %d pod shares on a half-even tie; max difference %s USD, %s GPU-seconds%n",
        billedHours,
        billedPodHours,
        versionsChecked,
        restated,
        ledger.superseded,
        ledger.restatedHours,
        ties,
        t.maxMoney,
        t.maxGpuSeconds);
    t.check("billed");
    assertThat(billedHours).as("billed node-hours").isGreaterThan(200);
    // how many versions an hour went through depends on whether billing or the estimate was read
    // first; the input's restatements do not
    assertThat(ledger.restatedHours).as("node-hours restated in the input").isGreaterThan(100);
    assertThat(ties).as("pod shares that show the rounding mode").isPositive();
    assertThat(unallocatedRows).as("billed money no hour took").isZero();
  }

  /** The last delivery's daily row sits on the reclaimed node's day-2 hours, and nowhere else. */
  @Test
  void theDailyRowIsCarriedByTheHoursTheReclaimedNodeRan() {
    BigDecimal onDay2 = BigDecimal.ZERO;
    int hours = 0;
    Instant day2 = START.plus(Duration.ofDays(1));
    for (Map.Entry<String, TreeMap<Integer, List<Record>>> e : landed.entrySet()) {
      List<Record> current = e.getValue().lastEntry().getValue();
      if (LATE_DELIVERY.equals(current.get(0).getField("billing_delivery"))) {
        Instant hour = ((OffsetDateTime) current.get(0).getField("hour_start")).toInstant();
        assertThat(hour).isAfterOrEqualTo(day2).isBefore(day2.plus(Duration.ofDays(1)));
        onDay2 = onDay2.add((BigDecimal) current.get(0).getField("effective_cost"));
        hours++;
      }
    }
    assertThat(hours).as("hours the reclaimed node ran on day 2").isBetween(2, 23);
    assertThat(onDay2).isEqualByComparingTo(DAILY_EFFECTIVE);
  }

  private static CatalogConfig warehouse() {
    return CatalogConfig.hadoop(tmp.resolve("warehouse"));
  }
}
