package io.burnrate.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The JSON written to {@code burnrate.cost.windows} and {@code burnrate.dlq} against the JSON
 * Schemas shipped in the schemas jar ({@code /schemas/*.schema.json} on the classpath).
 */
class OutputJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

  private static JsonNode schema(String name) throws Exception {
    try (InputStream in = OutputJsonTest.class.getResourceAsStream("/schemas/" + name)) {
      assertThat(in).as("/schemas/" + name + " on the classpath").isNotNull();
      return MAPPER.readTree(in);
    }
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * A small check of the schema keywords these two schemas use: type (string or list), enum, format
   * date-time, minimum/maximum, pattern, required, additionalProperties false.
   */
  private static void assertConforms(JsonNode doc, JsonNode schema) {
    JsonNode props = schema.get("properties");
    assertThat(names(doc)).containsExactlyInAnyOrderElementsOf(names(props));
    for (JsonNode req : schema.get("required")) {
      assertThat(doc.has(req.asText())).as("required %s", req.asText()).isTrue();
    }
    for (Map.Entry<String, JsonNode> p : props.properties()) {
      String name = p.getKey();
      JsonNode rule = p.getValue();
      JsonNode v = doc.get(name);
      if (rule.has("enum")) {
        List<JsonNode> allowed = new ArrayList<>();
        rule.get("enum").forEach(allowed::add);
        assertThat(allowed).as("enum %s", name).contains(v);
      }
      if (rule.has("type")) {
        Set<String> types = new LinkedHashSet<>();
        if (rule.get("type").isArray()) {
          rule.get("type").forEach(t -> types.add(t.asText()));
        } else {
          types.add(rule.get("type").asText());
        }
        String t = typeOf(v);
        // JSON Schema: an integer is also a number
        assertThat(types.contains(t) || (t.equals("integer") && types.contains("number")))
            .as("type of %s = %s, allowed %s", name, v, types)
            .isTrue();
      }
      if (v.isTextual() && "date-time".equals(rule.path("format").asText())) {
        assertThat(Instant.parse(v.asText())).as(name).isNotNull();
        assertThat(v.asText()).as(name).endsWith("Z");
      }
      if (v.isNumber()) {
        assertThat(Double.isFinite(v.asDouble())).as(name).isTrue();
        if (rule.has("minimum")) {
          assertThat(v.asDouble()).as(name).isGreaterThanOrEqualTo(rule.get("minimum").asDouble());
        }
        if (rule.has("maximum")) {
          assertThat(v.asDouble()).as(name).isLessThanOrEqualTo(rule.get("maximum").asDouble());
        }
      }
      if (v.isTextual() && rule.has("pattern")) {
        assertThat(v.asText()).as(name).matches(rule.get("pattern").asText());
      }
    }
    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
  }

  private static String typeOf(JsonNode v) {
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "string";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isIntegralNumber()) {
      return "integer";
    }
    if (v.isNumber()) {
      return "number";
    }
    return v.getNodeType().name().toLowerCase();
  }

  static CostWindow fullWindow() {
    CostWindow w = new CostWindow();
    w.id = "workload|prod|ml/Job/train|" + START.toEpochMilli();
    w.kind = CostWindow.KIND_WORKLOAD;
    w.windowStart = START.toEpochMilli();
    w.windowEnd = START.plusSeconds(60).toEpochMilli();
    w.cluster = "prod";
    w.namespace = "ml";
    w.workload = "ml/Job/train";
    w.team = "research";
    w.project = "llm";
    w.costCenter = "cc-42";
    w.node = "node-a";
    w.instanceType = "p4d.24xlarge";
    w.capacityType = "spot";
    w.region = "us-east-1";
    w.gpuModel = "NVIDIA A100-SXM4-40GB";
    w.pods = 2;
    w.gpuSeconds = 480.0;
    w.meanUtilization = 0.75;
    w.telemetryCoverage = 1.0;
    w.efficiency = 0.5;
    w.cost = 1.234567;
    w.costBasis = CostWindow.BASIS_ESTIMATED;
    w.currency = "USD";
    w.wastedCost = 0.6172835;
    w.samples = 1200.0;
    w.costPerSample = 0.001028806;
    w.tokens = 3.5e6;
    w.requests = 42.0;
    w.costPerMillionTokens = 0.352733;
    w.costPerThousandRequests = 29.394452;
    w.idleGpuSeconds = 0.0;
    w.emittedAt = START.plusSeconds(60).toEpochMilli();
    w.step = 14_900.0;
    w.totalSteps = 200_000.0;
    return w;
  }

  /** An idle, unpriced window: every nullable quantity is null. */
  static CostWindow unpricedIdleWindow() {
    CostWindow w = new CostWindow();
    w.id = "idle|prod|node-b|" + START.toEpochMilli();
    w.kind = CostWindow.KIND_IDLE;
    w.windowStart = START.toEpochMilli();
    w.windowEnd = START.plusSeconds(60).toEpochMilli();
    w.cluster = "prod";
    w.node = "node-b";
    w.costBasis = CostWindow.BASIS_UNPRICED;
    w.idleGpuSeconds = 480.0;
    w.emittedAt = START.plusSeconds(60).toEpochMilli();
    return w;
  }

  @Test
  void costAllocationHasExactlyTheSchemaPropertiesAndExactMoney() throws Exception {
    JsonNode schema = schema("burnrate.cost.allocations.schema.json");
    CostAllocation a = allocation();
    JsonNode doc = MAPPER.readTree(OutputJson.costAllocation(a));
    assertThat(names(doc)).containsExactlyElementsOf(names(schema.get("properties")));
    assertConforms(doc, schema);
    assertThat(doc.get("cost").decimalValue()).isEqualByComparingTo("16.3863");
    assertThat(doc.get("billed_cost").decimalValue()).isEqualByComparingTo("40.000001");
    assertThat(doc.get("version").asInt()).isEqualTo(2);
    a.billedCost = null;
    a.effectiveCost = null;
    a.billingDelivery = null;
    a.version = 0;
    a.costBasis = "estimated";
    doc = MAPPER.readTree(OutputJson.costAllocation(a));
    assertConforms(doc, schema);
    assertThat(doc.get("billed_cost").isNull()).isTrue();
  }

  @Test
  void costWindowHasExactlyTheSchemaProperties() throws Exception {
    JsonNode schema = schema("burnrate.cost.windows.schema.json");
    JsonNode doc = MAPPER.readTree(OutputJson.costWindow(fullWindow()));
    assertThat(names(doc)).containsExactlyElementsOf(names(schema.get("properties")));
    assertConforms(doc, schema);
  }

  @Test
  void costWindowValuesAndIsoTimes() throws Exception {
    CostWindow w = fullWindow();
    JsonNode doc = MAPPER.readTree(OutputJson.costWindow(w));
    assertThat(doc.get("id").asText()).isEqualTo(w.id);
    assertThat(doc.get("window_start").asText()).isEqualTo("2026-01-05T10:00:00Z");
    assertThat(doc.get("window_end").asText()).isEqualTo("2026-01-05T10:01:00Z");
    assertThat(doc.get("emitted_at").asText()).isEqualTo("2026-01-05T10:01:00Z");
    assertThat(doc.get("cost_center").asText()).isEqualTo("cc-42");
    assertThat(doc.get("pods").isInt()).isTrue();
    assertThat(doc.get("pods").asInt()).isEqualTo(2);
    assertThat(doc.get("cost").asDouble()).isEqualTo(1.234567);
    assertThat(doc.get("wasted_cost").asDouble()).isEqualTo(0.6172835);
    assertThat(doc.get("tokens").asDouble()).isEqualTo(3.5e6);
    assertThat(doc.get("idle_gpu_seconds").asDouble()).isZero();
  }

  @Test
  void millisecondTimesKeepTheirMilliseconds() throws Exception {
    CostWindow w = fullWindow();
    w.emittedAt = START.toEpochMilli() + 60_123;
    JsonNode doc = MAPPER.readTree(OutputJson.costWindow(w));
    assertThat(doc.get("emitted_at").asText()).isEqualTo("2026-01-05T10:01:00.123Z");
    assertThat(Instant.parse(doc.get("emitted_at").asText()).toEpochMilli()).isEqualTo(w.emittedAt);
  }

  @Test
  void unknownQuantitiesAreNullNeverZero() throws Exception {
    JsonNode schema = schema("burnrate.cost.windows.schema.json");
    JsonNode doc = MAPPER.readTree(OutputJson.costWindow(unpricedIdleWindow()));
    assertConforms(doc, schema);
    for (String f :
        List.of(
            "namespace",
            "workload",
            "team",
            "project",
            "cost_center",
            "instance_type",
            "capacity_type",
            "region",
            "gpu_model",
            "mean_utilization",
            "efficiency",
            "cost",
            "currency",
            "wasted_cost",
            "samples",
            "cost_per_sample",
            "tokens",
            "requests",
            "cost_per_million_tokens",
            "cost_per_thousand_requests")) {
      assertThat(doc.has(f)).as(f + " present").isTrue();
      assertThat(doc.get(f).isNull()).as(f + " is null: " + doc.get(f)).isTrue();
    }
    assertThat(doc.get("cost_basis").asText()).isEqualTo("unpriced");
  }

  @Test
  void nanAndInfinityAreWrittenAsNull() throws Exception {
    CostWindow w = fullWindow();
    w.meanUtilization = Double.NaN;
    w.efficiency = Double.POSITIVE_INFINITY;
    w.cost = Double.NEGATIVE_INFINITY;
    w.wastedCost = Double.NaN;
    w.samples = Double.NaN;
    w.costPerSample = Double.POSITIVE_INFINITY;
    w.tokens = Double.NaN;
    w.requests = Double.NEGATIVE_INFINITY;
    byte[] json = OutputJson.costWindow(w);
    String text = new String(json, StandardCharsets.UTF_8);
    assertThat(text).doesNotContainIgnoringCase("nan").doesNotContainIgnoringCase("infinity");
    JsonNode doc = MAPPER.readTree(json);
    for (String f :
        List.of(
            "mean_utilization",
            "efficiency",
            "cost",
            "wasted_cost",
            "samples",
            "cost_per_sample",
            "tokens",
            "requests")) {
      assertThat(doc.get(f).isNull()).as(f).isTrue();
    }
  }

  @Test
  void negativeCostIsKept() throws Exception {
    CostWindow w = fullWindow();
    w.cost = -3.25; // a billed credit
    assertThat(MAPPER.readTree(OutputJson.costWindow(w)).get("cost").asDouble()).isEqualTo(-3.25);
  }

  @Test
  void stringsAreEscaped() throws Exception {
    CostWindow w = fullWindow();
    w.team = "a \"quoted\" \\ team\n\u00e9\u20ac";
    assertThat(MAPPER.readTree(OutputJson.costWindow(w)).get("team").asText()).isEqualTo(w.team);
  }

  static DeadLetter deadLetter() {
    DeadLetter d = new DeadLetter();
    d.reason = DeadLetter.Reasons.INVALID_JSON;
    d.detail = "Unexpected character ('x')";
    d.sourceTopic = "burnrate.telemetry.gpu";
    d.sourcePartition = 1;
    d.sourceOffset = 99;
    d.sourceTimestamp = START.toEpochMilli();
    d.key = "node-a/0";
    d.payload = "x{";
    d.payloadTruncated = true;
    d.failedAt = START.plusMillis(1_500).toEpochMilli();
    return d;
  }

  @Test
  void deadLetterHasExactlyTheSchemaProperties() throws Exception {
    JsonNode schema = schema("burnrate.dlq.schema.json");
    JsonNode doc = MAPPER.readTree(OutputJson.deadLetter(deadLetter()));
    assertThat(names(doc)).containsExactlyElementsOf(names(schema.get("properties")));
    assertConforms(doc, schema);
    assertThat(doc.get("reason").asText()).isEqualTo("invalid_json");
    assertThat(doc.get("source_partition").asInt()).isEqualTo(1);
    assertThat(doc.get("source_offset").asLong()).isEqualTo(99);
    assertThat(doc.get("source_timestamp").asText()).isEqualTo("2026-01-05T10:00:00Z");
    assertThat(doc.get("failed_at").asText()).isEqualTo("2026-01-05T10:00:01.500Z");
    assertThat(doc.get("payload_truncated").asBoolean()).isTrue();
    assertThat(doc.get("payload").asText()).isEqualTo("x{");
  }

  @Test
  void derivedDeadLetterWritesNullsAndMinusOne() throws Exception {
    JsonNode schema = schema("burnrate.dlq.schema.json");
    DeadLetter d = new DeadLetter();
    d.reason = DeadLetter.Reasons.UNPRICED;
    d.failedAt = START.toEpochMilli();
    JsonNode doc = MAPPER.readTree(OutputJson.deadLetter(d));
    assertConforms(doc, schema);
    assertThat(doc.get("source_timestamp").isNull()).isTrue();
    assertThat(doc.get("detail").isNull()).isTrue();
    assertThat(doc.get("source_topic").isNull()).isTrue();
    assertThat(doc.get("key").isNull()).isTrue();
    assertThat(doc.get("payload").isNull()).isTrue();
    assertThat(doc.get("source_partition").asInt()).isEqualTo(-1);
    assertThat(doc.get("source_offset").asLong()).isEqualTo(-1);
    assertThat(doc.get("payload_truncated").asBoolean()).isFalse();
  }

  static io.burnrate.schemas.model.Alert alert(String status) {
    io.burnrate.schemas.model.Alert a = new io.burnrate.schemas.model.Alert();
    a.fingerprint = "0123456789abcdef0123456789abcdef";
    a.status = status;
    a.alertname = "CostRateAnomaly";
    a.severity = "warning";
    a.labels.put("workload", "ml/Job/train");
    a.labels.put("cluster", "prod");
    a.labels.put("alertname", "CostRateAnomaly");
    a.summary = "cost rate of ml/Job/train is above its expected range";
    a.description = "observed 88 above expected range 21.5-23.1, score 1.00";
    a.startsAt = START.toEpochMilli();
    a.endsAt = status.equals("resolved") ? START.plusSeconds(600).toEpochMilli() : -1;
    a.id = a.fingerprint + "/" + a.startsAt + "/" + status;
    a.observed = 88.0;
    a.expectedLow = 21.5;
    a.expectedHigh = 23.1;
    a.score = 0.9999;
    a.threshold = 0.8;
    a.windowStart = START.toEpochMilli();
    a.windowEnd = START.plusSeconds(60).toEpochMilli();
    a.costBasis = "estimated";
    return a;
  }

  @Test
  void alertsMatchTheirSchema() throws Exception {
    JsonNode schema = schema("burnrate.alerts.schema.json");
    for (String status : List.of("firing", "resolved")) {
      JsonNode doc = MAPPER.readTree(OutputJson.alert(alert(status)));
      assertConforms(doc, schema);
      assertThat(names(doc.get("evidence")))
          .containsExactlyInAnyOrderElementsOf(names(schema.at("/properties/evidence/properties")));
      assertThat(names(doc.get("labels"))).containsExactly("alertname", "cluster", "workload");
      assertThat(doc.get("ends_at").isNull()).isEqualTo(status.equals("firing"));
    }
    io.burnrate.schemas.model.Alert rule = alert("firing");
    rule.score = Double.NaN; // a rule without a score
    rule.costBasis = null;
    JsonNode doc = MAPPER.readTree(OutputJson.alert(rule));
    assertConforms(doc, schema);
    assertThat(doc.at("/evidence/score").isNull()).isTrue();
  }

  @Test
  void actionAndBudgetStatusHaveExactlyTheSchemaProperties() throws Exception {
    io.burnrate.schemas.model.Action a = action();
    JsonNode schema = schema("burnrate.actions.schema.json");
    JsonNode doc = MAPPER.readTree(OutputJson.action(a));
    assertThat(names(doc)).containsExactlyElementsOf(names(schema.get("properties")));
    assertThat(doc.get("resolved_at").isNull()).isTrue();

    io.burnrate.schemas.model.BudgetStatus b = budgetStatus();
    JsonNode bs = schema("burnrate.budget.status.schema.json");
    JsonNode bdoc = MAPPER.readTree(OutputJson.budgetStatus(b));
    assertThat(names(bdoc)).containsExactlyElementsOf(names(bs.get("properties")));
    assertThat(bdoc.get("thresholds_crossed").get(0).asDouble()).isEqualTo(50.0);
    assertThat(bdoc.get("projected_breach_at").isNull()).isTrue();
  }

  static io.burnrate.schemas.model.Action action() {
    io.burnrate.schemas.model.Action a = new io.burnrate.schemas.model.Action();
    a.id = "0123456789abcdef0123456789abcdef/1/open";
    a.fingerprint = "0123456789abcdef0123456789abcdef";
    a.status = "open";
    a.kind = "release_idle_node";
    a.operation = "release_node";
    a.targetKind = "node";
    a.cluster = "prod";
    a.node = "gpu-1";
    a.reason = "idle";
    a.evidence = "8 GPUs idle";
    a.estimatedMonthlySavings = 16029.0;
    a.currency = "USD";
    a.confidence = 0.6;
    a.openedAt = START.toEpochMilli();
    a.windowStart = START.toEpochMilli();
    a.windowEnd = START.toEpochMilli() + 60_000;
    return a;
  }

  static io.burnrate.schemas.model.BudgetStatus budgetStatus() {
    io.burnrate.schemas.model.BudgetStatus b = new io.burnrate.schemas.model.BudgetStatus();
    b.id = "ml/1/2";
    b.budgetId = "ml";
    b.scope = "team=ml";
    b.period = "month";
    b.timeZone = "Europe/Berlin";
    b.periodStart = START.toEpochMilli();
    b.periodEnd = START.toEpochMilli() + 3_600_000;
    b.asOf = START.toEpochMilli();
    b.amount = 100;
    b.currency = "USD";
    b.thresholdsCrossed.add(50.0);
    b.status = "ok";
    return b;
  }

  static CostAllocation allocation() {
    CostAllocation a = new CostAllocation();
    a.id = "prod/node-a/" + START.toEpochMilli() + "/ml/train-0";
    a.cluster = "prod";
    a.node = "node-a";
    a.providerInstanceId = "i-0abc";
    a.hourStart = START.toEpochMilli();
    a.hourEnd = START.plusSeconds(3600).toEpochMilli();
    a.holderKind = CostAllocation.HOLDER_POD;
    a.namespace = "ml";
    a.pod = "train-0";
    a.gpus = 4;
    a.gpuSeconds = 14400;
    a.nodeGpuSeconds = 28800;
    a.nodeHourCost = new java.math.BigDecimal("32.772600");
    a.cost = new java.math.BigDecimal("16.386300");
    a.costBasis = "billed";
    a.currency = "USD";
    a.version = 2;
    a.billedCost = new java.math.BigDecimal("40.000001");
    a.effectiveCost = new java.math.BigDecimal("32.772600");
    a.billingDelivery = "2026-01-06T03:00:00Z";
    return a;
  }
}
