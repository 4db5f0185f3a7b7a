package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input at scale: a seeded corpus of more than ten thousand bad records across every input
 * topic (truncated and invalid JSON, wrong types, NaN and infinities, negative counts, GPU numbers
 * and usage quantities, enormous strings, records and tag maps, unknown enum values, timestamps far
 * in the past or future), mixed into valid simulator input, plus valid-but-odd records (duplicates,
 * billing for unknown resources, credits). The job runs with no restart strategy: one exception
 * would fail it. Every bad record must reach {@code burnrate.dlq} with the reason its category
 * calls for (each record's key names its category), and the valid input's cost windows must equal
 * those of a run without the corpus, to the cent.
 *
 * <p>Records far behind the watermark are not in this corpus: in a bounded replay the watermark a
 * record meets depends on how far each source partition has got, so whether a record is late is not
 * a property of the record. {@code NodeCostFunctionTest} drives lateness through time
 * deterministically, and {@code PipelineEndToEndITCase} sends one sample after everything else.
 */
class BadInputITCase {
  private static final Instant START = Instant.parse("2026-03-02T08:00:00Z");
  private static final int MAX_RECORD = 64 * 1024;
  private static final int MAX_STRING = 16 * 1024;
  private static final int MAX_TAGS = 100;

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;

  /** Category to the reason its records must get (null: valid-but-odd, no dead letter). */
  static final Map<String, String> EXPECTED = new TreeMap<>();

  /** Category to the number of records sent. */
  static final Map<String, Integer> SENT = new TreeMap<>();

  static List<JsonNode> cleanWindows;
  static List<JsonNode> dirtyWindows;
  static List<JsonNode> cleanDlq;
  static List<JsonNode> dirtyDlq;
  static int badRecords;

  @BeforeAll
  static void run() throws Exception {
    List<SimRecord> valid = new ArrayList<>();
    new FleetSimulator(
            new FleetSimulator.Config(
                17, START, Duration.ofMinutes(90), 4, "it", Duration.ofSeconds(10), false))
        .run(valid::add);
    // run 1: the valid input alone
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("k1"), 2)) {
      try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
        for (SimRecord r : valid) {
          send(p, r.topic(), r.timestamp(), r.key(), r.value());
        }
        p.flush();
      }
      runJob(kafka, "clean");
      cleanWindows = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
      cleanDlq = IntegrationEnv.readCommitted(kafka, Topics.DLQ);
    }
    // run 2: the corpus first, then the valid input (some records twice)
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("k2"), 2)) {
      try (KafkaProducer<byte[], byte[]> p = IntegrationEnv.producer(kafka)) {
        Corpus corpus = new Corpus(new SplittableRandom(7), valid);
        corpus.bad(p);
        for (SimRecord r : valid) {
          send(p, r.topic(), r.timestamp(), r.key(), r.value());
          corpus.duplicate(p, r);
        }
        p.flush();
        badRecords = corpus.badRecords;
      }
      runJob(kafka, "dirty");
      dirtyWindows = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
      dirtyDlq = IntegrationEnv.readCommitted(kafka, Topics.DLQ);
    }
  }

  private static void runJob(EmbeddedKafka kafka, String group) throws Exception {
    Configuration c = IntegrationEnv.jobSettings(kafka, tmp.resolve("warehouse-" + group), group);
    c.set(BurnrateOptions.MAX_RECORD_BYTES, MAX_RECORD);
    c.set(BurnrateOptions.MAX_STRING_BYTES, MAX_STRING);
    c.set(BurnrateOptions.MAX_TAGS, MAX_TAGS);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(
            Configuration.fromMap(
                Map.of("pipeline.generic-types", "false", "restart-strategy.type", "none")));
    env.setParallelism(2);
    BurnrateJob.addTo(env, io.burnrate.jobs.config.JobConfig.from(c), true);
    env.execute("burnrate-it-bad-input-" + group); // throws if any task failed: no restarts
  }

  private static void send(
      KafkaProducer<byte[], byte[]> p, String topic, long ts, String key, byte[] value) {
    p.send(
        new ProducerRecord<>(
            topic, null, ts, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** The seeded corpus: each record's key is {@code bad/<category>/<n>}. */
  static final class Corpus {
    final SplittableRandom rnd;
    final List<SimRecord> valid;
    final Map<String, List<byte[]>> validByTopic = new HashMap<>();
    KafkaProducer<byte[], byte[]> p;
    int badRecords;
    final long t0 = START.toEpochMilli();

    Corpus(SplittableRandom rnd, List<SimRecord> valid) {
      this.rnd = rnd;
      this.valid = valid;
      for (SimRecord r : valid) {
        validByTopic.computeIfAbsent(r.topic(), k -> new ArrayList<>()).add(r.value());
      }
    }

    private String sample(String topic) {
      List<byte[]> l = validByTopic.get(topic);
      return new String(l.get(rnd.nextInt(l.size())), StandardCharsets.UTF_8);
    }

    private void category(String topic, String name, String reason, int n, Gen g) {
      EXPECTED.put(name, reason);
      SENT.put(name, n);
      for (int i = 0; i < n; i++) {
        send(p, topic, t0, "bad/" + name + "/" + i, g.make(i).getBytes(StandardCharsets.UTF_8));
      }
      if (reason != null) {
        badRecords += n;
      }
    }

    interface Gen {
      String make(int i);
    }

    private String truncated(String topic) {
      String s = sample(topic);
      return s.substring(0, 1 + rnd.nextInt(s.length() - 2));
    }

    private String gpu(String extra) {
      return with(
          "{\"timestamp\":\"2026-03-02T08:30:00Z\",\"cluster\":\"it\",\"Hostname\":\"gpu-x\","
              + "\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":50}",
          extra);
    }

    private String progress(String extra) {
      return with(
          "{\"timestamp\":\"2026-03-02T08:30:00Z\",\"cluster\":\"it\",\"namespace\":\"ns\","
              + "\"pod\":\"p\"}",
          extra);
    }

    /**
     * {@code base} (a flat object of strings and numbers) with the fields of {@code extra} ({@code
     * ,"name":value...}) replacing its own of the same name: a record with one key twice is a
     * category of its own (invalid_json), not the one meant.
     */
    static String with(String base, String extra) {
      java.util.regex.Matcher names =
          java.util.regex.Pattern.compile("[,{]\"([^\"]+)\":").matcher("," + extra);
      String b = base.substring(0, base.length() - 1);
      while (names.find()) {
        String field = java.util.regex.Pattern.quote("\"" + names.group(1) + "\":");
        b = b.replaceFirst(",?" + field + "(\"[^\"]*\"|[^,}]*)", "");
      }
      if (b.startsWith("{,")) {
        b = "{" + b.substring(2);
      }
      return b + extra + "}";
    }

    private String pod(String type, String gpus, String created) {
      return "{\"type\":\""
          + type
          + "\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\","
          + "\"namespace\":\"y\",\"uid\":\"u\",\"creationTimestamp\":\""
          + created
          + "\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"resources\":"
          + "{\"limits\":{\"nvidia.com/gpu\":\""
          + gpus
          + "\"}}}]},\"status\":{\"phase\":\"Running\",\"startTime\":\""
          + created
          + "\"}}}";
    }

    private String focus(String start, String cost, String extra) {
      return with(
          "{\"BillingAccountId\":\"1\",\"ChargePeriodStart\":\""
              + start
              + "\",\"ChargePeriodEnd\":\"2026-03-02T09:00:00Z\",\"BilledCost\":"
              + cost
              + ",\"EffectiveCost\":1.0,\"BillingCurrency\":\"USD\",\"ChargeCategory\":\"Usage\"}",
          extra);
    }

    private static String big(int n) {
      return "x".repeat(n);
    }

    void bad(KafkaProducer<byte[], byte[]> producer) {
      p = producer;
      String gpuT = Topics.TELEMETRY_GPU;
      category(gpuT, "gpu-truncated", Reasons.INVALID_JSON, 700, i -> truncated(gpuT));
      category(gpuT, "gpu-garbage", Reasons.INVALID_JSON, 300, i -> "not json {" + i);
      category(gpuT, "gpu-array", Reasons.INVALID_JSON, 200, i -> "[" + i + "]");
      category(gpuT, "gpu-wrong-type", Reasons.INVALID_VALUE, 400, i -> gpu(",\"gpu\":\"abc\""));
      category(
          gpuT, "gpu-bool", Reasons.INVALID_VALUE, 200, i -> gpu(",\"DCGM_FI_DEV_FB_USED\":true"));
      category(
          gpuT, "gpu-nan", Reasons.INVALID_VALUE, 300, i -> gpu(",\"DCGM_FI_DEV_FB_USED\":NaN"));
      category(
          gpuT,
          "gpu-infinity",
          Reasons.INVALID_VALUE,
          200,
          i -> gpu(",\"DCGM_FI_DEV_POWER_USAGE\":\"Infinity\""));
      category(gpuT, "gpu-negative-index", Reasons.INVALID_VALUE, 300, i -> gpu(",\"gpu\":-1"));
      category(
          gpuT,
          "gpu-negative-fb",
          Reasons.INVALID_VALUE,
          300,
          i -> gpu(",\"DCGM_FI_DEV_FB_USED\":-5"));
      category(
          gpuT,
          "gpu-no-host",
          Reasons.MISSING_FIELD,
          300,
          i -> "{\"timestamp\":\"2026-03-02T08:30:00Z\",\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":5}");
      category(
          gpuT,
          "gpu-far-past",
          Reasons.OUT_OF_RANGE,
          300,
          i -> gpu(",\"timestamp\":\"1970-01-02T00:00:00Z\""));
      category(
          gpuT,
          "gpu-far-future",
          Reasons.OUT_OF_RANGE,
          300,
          i -> gpu(",\"timestamp\":\"2999-01-01T00:00:00Z\""));
      category(
          gpuT,
          "gpu-huge-string",
          Reasons.TOO_LARGE,
          20,
          i -> gpu(",\"pod\":\"" + big(20_000) + "\""));
      category(
          gpuT,
          "gpu-huge-record",
          Reasons.TOO_LARGE,
          20,
          i -> gpu(",\"x\":[" + "1,".repeat(40_000) + "1]"));
      category(gpuT, "gpu-empty", Reasons.EMPTY, 200, i -> "");

      String wT = Topics.TELEMETRY_WORKLOAD;
      category(wT, "work-truncated", Reasons.INVALID_JSON, 400, i -> truncated(wT));
      category(
          wT,
          "work-negative-counter",
          Reasons.INVALID_VALUE,
          400,
          i -> progress(",\"samples_total\":-5"));
      category(
          wT,
          "work-nan-counter",
          Reasons.INVALID_VALUE,
          300,
          i -> progress(",\"tokens_total\":NaN"));
      category(
          wT,
          "work-wrong-type",
          Reasons.INVALID_VALUE,
          300,
          i -> progress(",\"requests_total\":\"abc\""));
      category(
          wT,
          "work-no-pod",
          Reasons.MISSING_FIELD,
          300,
          i -> "{\"timestamp\":\"2026-03-02T08:30:00Z\",\"namespace\":\"ns\",\"samples_total\":5}");
      category(
          wT,
          "work-far-future",
          Reasons.OUT_OF_RANGE,
          300,
          i -> progress(",\"samples_total\":5,\"timestamp\":\"2999-01-01T00:00:00Z\""));

      String kT = Topics.K8S_EVENTS;
      category(kT, "k8s-truncated", Reasons.INVALID_JSON, 300, i -> truncated(kT));
      category(kT, "k8s-array", Reasons.INVALID_JSON, 200, i -> "[1,2,3]");
      category(
          kT,
          "k8s-unknown-type",
          Reasons.UNKNOWN_ENUM,
          300,
          i -> pod("EXPLODED", "1", "2026-03-02T08:10:00Z"));
      category(
          kT,
          "k8s-negative-gpus",
          Reasons.INVALID_VALUE,
          300,
          i -> pod("ADDED", "-1", "2026-03-02T08:10:00Z"));
      category(
          kT,
          "k8s-no-metadata",
          Reasons.MISSING_FIELD,
          300,
          i -> "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}}");
      category(
          kT,
          "k8s-far-future",
          Reasons.OUT_OF_RANGE,
          200,
          i -> pod("ADDED", "1", "2999-01-01T00:00:00Z"));

      String bT = Topics.BILLING_FOCUS;
      category(bT, "billing-truncated", Reasons.INVALID_JSON, 300, i -> truncated(bT));
      category(
          bT,
          "billing-wrong-type",
          Reasons.INVALID_VALUE,
          300,
          i -> focus("2026-03-02T08:00:00Z", "\"abc\"", ""));
      category(
          bT,
          "billing-nan",
          Reasons.INVALID_VALUE,
          200,
          i -> focus("2026-03-02T08:00:00Z", "\"NaN\"", ""));
      category(
          bT,
          "billing-negative-usage",
          null, // a refund within the period: real money, kept (x_ChargeKind usage_reversal)
          300,
          i -> focus("2026-03-02T08:00:00Z", "1.0", ",\"ConsumedQuantity\":-3"));
      category(
          bT,
          "billing-unknown-category",
          Reasons.UNKNOWN_ENUM,
          300,
          i -> focus("2026-03-02T08:00:00Z", "1.0", ",\"ChargeCategory\":\"Bogus\""));
      category(
          bT,
          "billing-too-many-tags",
          Reasons.TOO_LARGE,
          30,
          i -> {
            StringBuilder t = new StringBuilder(",\"Tags\":{");
            for (int k = 0; k <= MAX_TAGS; k++) {
              t.append(k == 0 ? "" : ",").append("\"k").append(k).append("\":\"v\"");
            }
            return focus("2026-03-02T08:00:00Z", "1.0", t.append("}").toString());
          });
      category(
          bT,
          "billing-far-future",
          Reasons.OUT_OF_RANGE,
          200,
          i ->
              focus(
                  "2999-01-01T00:00:00Z", "1.0", ",\"ChargePeriodEnd\":\"2999-01-01T01:00:00Z\""));

      String pT = Topics.CONFIG_PRICING;
      category(pT, "pricing-truncated", Reasons.INVALID_JSON, 200, i -> "{\"instance_type\":\"p4d");
      category(
          pT,
          "pricing-negative",
          Reasons.INVALID_VALUE,
          200,
          i ->
              "{\"instance_type\":\"p4d.24xlarge\",\"price_per_hour\":-1,\"valid_from\":\"2026-03-02T00:00:00Z\"}");
      category(
          pT,
          "pricing-unknown-capacity",
          Reasons.UNKNOWN_ENUM,
          200,
          i ->
              "{\"instance_type\":\"p4d.24xlarge\",\"capacity_type\":\"preemptible-ish\","
                  + "\"price_per_hour\":3,\"valid_from\":\"2026-03-02T00:00:00Z\"}");

      String budT = Topics.CONFIG_BUDGETS;
      category(budT, "budget-truncated", Reasons.INVALID_JSON, 200, i -> "{\"id\":\"b");
      category(
          budT,
          "budget-negative",
          Reasons.INVALID_VALUE,
          200,
          i ->
              "{\"id\":\"bad/budget-negative/"
                  + i
                  + "\",\"scope\":{\"kind\":\"team\",\"value\":\"t\"},"
                  + "\"period\":\"month\",\"amount\":-10}");
      category(
          budT,
          "budget-unknown-period",
          Reasons.INVALID_VALUE,
          200,
          i ->
              "{\"id\":\"bad/budget-unknown-period/"
                  + i
                  + "\",\"scope\":{\"kind\":\"team\",\"value\":\"t\"},"
                  + "\"period\":\"fortnight\",\"amount\":10}");

      // valid but odd: billing for resources nobody runs, and credits (negative, kept)
      category(
          bT,
          "billing-unknown-resource",
          null,
          100,
          i -> focus("2026-03-02T08:00:00Z", "2.5", ",\"ResourceId\":\"i-0nobody" + i + "\""));
      category(
          bT,
          "billing-credit",
          null,
          100,
          i -> focus("2026-03-02T08:00:00Z", "-5.0", ",\"ChargeCategory\":\"Credit\""));
    }

    /**
     * Every GPU sample, progress reading and watch event of the first 20 minutes is sent twice in a
     * row (an at-least-once producer's retry): nothing may change.
     */
    void duplicate(KafkaProducer<byte[], byte[]> producer, SimRecord r) {
      boolean dupable =
          r.topic().equals(Topics.TELEMETRY_GPU)
              || r.topic().equals(Topics.TELEMETRY_WORKLOAD)
              || r.topic().equals(Topics.K8S_EVENTS);
      if (dupable && r.timestamp() < t0 + 20 * 60_000L) {
        send(producer, r.topic(), r.timestamp(), r.key(), r.value());
        EXPECTED.put("duplicates", null);
        SENT.merge("duplicates", 1, Integer::sum);
      }
    }
  }

  @Test
  void moreThanTenThousandBadRecordsAcrossEveryInputTopic() {
    assertThat(badRecords).isGreaterThanOrEqualTo(10_000);
    assertThat(SENT.keySet())
        .anyMatch(k -> k.startsWith("gpu-"))
        .anyMatch(k -> k.startsWith("work-"))
        .anyMatch(k -> k.startsWith("k8s-"))
        .anyMatch(k -> k.startsWith("billing-"))
        .anyMatch(k -> k.startsWith("pricing-"))
        .anyMatch(k -> k.startsWith("budget-"));
  }

  @Test
  void everyBadRecordIsADeadLetterWithItsReason() {
    Map<String, Map<String, Integer>> got = new TreeMap<>();
    for (JsonNode d : dirtyDlq) {
      String key = d.path("key").asText("");
      String reason = d.path("reason").asText();
      if (key.startsWith("bad/")) {
        String category = key.split("/")[1];
        got.computeIfAbsent(category, k -> new TreeMap<>()).merge(reason, 1, Integer::sum);
      }
    }
    Map<String, Map<String, Integer>> expected = new TreeMap<>();
    for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
      if (e.getValue() != null) {
        expected.put(e.getKey(), Map.of(e.getValue(), SENT.get(e.getKey())));
      }
    }
    assertThat(got).as("dead letters by category and reason").isEqualTo(expected);
    // the valid input's own dead letters (if any) are the same with and without the corpus
    assertThat(dirtyDlq.size() - badRecords).isEqualTo(cleanDlq.size());
  }

  @Test
  void theValidInputCostsTheSameToTheCent() {
    assertThat(ids(dirtyWindows)).isEqualTo(ids(cleanWindows));
    assertThat(total(dirtyWindows)).isEqualByComparingTo(total(cleanWindows));
    assertThat(total(cleanWindows)).isPositive();
  }

  private static Map<String, BigDecimal> ids(List<JsonNode> windows) {
    Map<String, BigDecimal> m = new TreeMap<>();
    for (JsonNode n : windows) {
      m.put(n.get("id").asText(), cents(n.path("cost")));
    }
    return m;
  }

  private static BigDecimal total(List<JsonNode> windows) {
    BigDecimal t = BigDecimal.ZERO;
    for (JsonNode n : windows) {
      t = t.add(cents(n.path("cost")));
    }
    return t;
  }

  private static BigDecimal cents(JsonNode cost) {
    return cost.isNumber()
        ? cost.decimalValue().setScale(6, RoundingMode.HALF_EVEN)
        : BigDecimal.ZERO;
  }
}
