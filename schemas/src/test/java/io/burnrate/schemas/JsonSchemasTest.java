package io.burnrate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas shipped in {@code schemas/} (on the classpath, from {@code
 * src/main/resources/schemas}): well-formed, one per topic, and in step with the Java model.
 */
class JsonSchemasTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

  private static Map<String, JsonNode> schemas() throws Exception {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String path : Samples.list("schemas", ".schema.json")) {
      out.put(path.substring(path.lastIndexOf('/') + 1), MAPPER.readTree(Samples.bytes(path)));
    }
    return out;
  }

  private static JsonNode schema(String topic) throws Exception {
    return MAPPER.readTree(Samples.bytes("schemas/" + topic + ".schema.json"));
  }

  static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static Set<String> instanceFields(Class<?> c) {
    return Arrays.stream(c.getFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()))
        .filter(f -> !f.isAnnotationPresent(JsonIgnore.class)) // inside the job only
        .map(Field::getName)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> snakeCaseFields(Class<?> c) {
    return instanceFields(c).stream()
        .map(JsonSchemasTest::snakeCase)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void snakeCaseConversion() {
    assertThat(snakeCase("windowStart")).isEqualTo("window_start");
    assertThat(snakeCase("costPerSample")).isEqualTo("cost_per_sample");
    assertThat(snakeCase("idleGpuSeconds")).isEqualTo("idle_gpu_seconds");
    assertThat(snakeCase("id")).isEqualTo("id");
  }

  @Test
  void everySchemaIsValidJsonWithSchemaTitleAndDescription() throws Exception {
    Map<String, JsonNode> all = schemas();
    assertThat(all).isNotEmpty();
    all.forEach(
        (file, s) -> {
          assertThat(s.isObject()).as(file).isTrue();
          assertThat(s.path("$schema").asText()).as(file + " $schema").isEqualTo(DRAFT_2020_12);
          assertThat(s.path("title").asText()).as(file + " title").isNotBlank();
          assertThat(s.path("description").asText()).as(file + " description").isNotBlank();
          String topic = file.substring(0, file.length() - ".schema.json".length());
          assertThat(s.path("$id").asText())
              .as(file + " $id")
              .isEqualTo("urn:burnrate:schema:" + topic);
          assertThat(s.path("type").asText()).as(file + " type").isEqualTo("object");
        });
  }

  @Test
  void oneSchemaPerInputAndOutputTopic() throws Exception {
    Set<String> files = schemas().keySet();
    List<String> topics = new ArrayList<>(Topics.INPUTS);
    topics.addAll(Topics.OUTPUTS);
    topics.addAll(Topics.CONFIG);
    for (String topic : topics) {
      assertThat(files).contains(topic + ".schema.json");
    }
    assertThat(files).hasSize(topics.size());
  }

  /** Every local {@code $ref} points at something that exists. */
  @Test
  void localReferencesResolve() throws Exception {
    for (Map.Entry<String, JsonNode> e : schemas().entrySet()) {
      List<String> refs = new ArrayList<>();
      collectRefs(e.getValue(), refs);
      for (String ref : refs) {
        assertThat(ref).as(e.getKey()).startsWith("#/");
        JsonNode target = e.getValue().at(ref.substring(1));
        assertThat(target.isMissingNode()).as(e.getKey() + " " + ref).isFalse();
      }
    }
  }

  private static void collectRefs(JsonNode n, List<String> out) {
    if (n.isObject()) {
      n.fields()
          .forEachRemaining(
              f -> {
                if (f.getKey().equals("$ref") && f.getValue().isTextual()) {
                  out.add(f.getValue().asText());
                } else {
                  collectRefs(f.getValue(), out);
                }
              });
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, out));
    }
  }

  @Test
  void costWindowPropertiesAreExactlyTheModelsFieldsInSnakeCase() throws Exception {
    JsonNode s = schema(Topics.COST_WINDOWS);
    Set<String> expected = snakeCaseFields(CostWindow.class);
    assertThat(expected).contains("window_start", "cost_center", "idle_gpu_seconds", "emitted_at");
    assertThat(names(s.get("properties"))).isEqualTo(expected);
    Set<String> required = new TreeSet<>();
    s.get("required").forEach(r -> required.add(r.asText()));
    assertThat(required).isEqualTo(expected);
    assertThat(s.get("additionalProperties").asBoolean(true)).isFalse();
  }

  @Test
  void costWindowTypesFollowTheModel() throws Exception {
    JsonNode props = schema(Topics.COST_WINDOWS).get("properties");
    for (Field f : CostWindow.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)) {
        continue;
      }
      JsonNode p = props.get(snakeCase(f.getName()));
      Set<String> types = new HashSet<>();
      if (p.has("type")) {
        if (p.get("type").isArray()) {
          p.get("type").forEach(t -> types.add(t.asText()));
        } else {
          types.add(p.get("type").asText());
        }
      }
      Class<?> t = f.getType();
      String where = f.getName();
      if (t == Double.class) {
        assertThat(types).as(where).containsExactlyInAnyOrder("number", "null");
      } else if (t == double.class) {
        assertThat(types).as(where).containsExactly("number");
      } else if (t == int.class) {
        assertThat(types).as(where).containsExactly("integer");
      } else if (t == long.class) {
        // epoch milliseconds in the model, ISO-8601 strings on the wire
        assertThat(types).as(where).containsExactly("string");
        assertThat(p.path("format").asText()).as(where).isEqualTo("date-time");
      } else if (t == String.class && p.has("enum")) {
        assertThat(types).as(where).isEmpty();
      } else if (t == Map.class) {
        assertThat(types).as(where).containsExactlyInAnyOrder("object", "null");
      } else if (t == boolean.class) {
        assertThat(types).as(where).containsExactly("boolean");
      } else {
        assertThat(t).as(where).isEqualTo(String.class);
        assertThat(types).as(where).contains("string");
      }
    }
  }

  @Test
  void costBasisAndKindEnumsMatchTheModelConstants() throws Exception {
    JsonNode props = schema(Topics.COST_WINDOWS).get("properties");
    assertThat(texts(props.get("cost_basis").get("enum")))
        .containsExactlyInAnyOrder(
            CostWindow.BASIS_ESTIMATED,
            CostWindow.BASIS_BILLED,
            CostWindow.BASIS_ENERGY,
            CostWindow.BASIS_UNPRICED);
    assertThat(texts(props.get("kind").get("enum")))
        .containsExactlyInAnyOrder(CostWindow.KIND_WORKLOAD, CostWindow.KIND_IDLE);
  }

  @Test
  void costAllocationPropertiesAreExactlyTheModelsFieldsInSnakeCase() throws Exception {
    JsonNode s = schema(Topics.COST_ALLOCATIONS);
    Set<String> expected = snakeCaseFields(CostAllocation.class);
    assertThat(expected).contains("node_hour_cost", "version", "billed_cost", "effective_cost");
    assertThat(names(s.get("properties"))).isEqualTo(expected);
    Set<String> required = new TreeSet<>();
    s.get("required").forEach(r -> required.add(r.asText()));
    assertThat(required).isEqualTo(expected);
  }

  @Test
  void deadLetterPropertiesAreExactlyTheModelsFieldsInSnakeCase() throws Exception {
    JsonNode s = schema(Topics.DLQ);
    Set<String> expected = snakeCaseFields(DeadLetter.class);
    assertThat(expected).contains("source_topic", "payload_truncated", "failed_at");
    assertThat(names(s.get("properties"))).isEqualTo(expected);
  }

  @Test
  void deadLetterReasonEnumIsExactlyTheReasonCodes() throws Exception {
    Set<String> codes = new TreeSet<>();
    for (Field f : DeadLetter.Reasons.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        codes.add((String) f.get(null));
      }
    }
    assertThat(codes).contains("invalid_json", "unknown_enum", "empty_record");
    JsonNode reason = schema(Topics.DLQ).get("properties").get("reason");
    assertThat(new TreeSet<>(texts(reason.get("enum")))).isEqualTo(codes);
  }

  @Test
  void billingColumnsAreFocusColumnsAndCoverWhatTheParserReads() throws Exception {
    String header = Samples.text("samples/billing/focus-1.3-costandusage-header.csv").trim();
    Set<String> focus =
        Arrays.stream(header.split(","))
            .map(c -> c.replace("\"", "").trim())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(focus).contains("BilledCost", "EffectiveCost", "ChargePeriodStart", "Tags");
    JsonNode s = schema(Topics.BILLING_FOCUS);
    Set<String> props = names(s.get("properties"));
    // the FOCUS 1.3 columns, plus Burnrate's own columns with FOCUS's x_ prefix for custom columns
    assertThat(props).containsAll(focus);
    assertThat(props.stream().filter(p -> !focus.contains(p))).allMatch(p -> p.startsWith("x_"));
    // every BillingLineItem field is a column (lower camel case of the column name)
    for (String field : instanceFields(io.burnrate.schemas.model.BillingLineItem.class)) {
      String column = io.burnrate.schemas.model.BillingLineItem.column(field);
      assertThat(props).as(field).contains(column);
    }
    assertThat(texts(s.get("required")))
        .containsExactlyInAnyOrder("ChargePeriodStart", "ChargePeriodEnd", "BilledCost");
  }

  @Test
  void billingEnumsMatchTheParser() throws Exception {
    JsonNode props = schema(Topics.BILLING_FOCUS).get("properties");
    assertThat(texts(props.get("ChargeCategory").get("anyOf").get(0).get("enum")))
        .containsExactlyInAnyOrderElementsOf(
            io.burnrate.schemas.parse.FocusRowParser.CHARGE_CATEGORIES);
    assertThat(texts(props.get("PricingCategory").get("anyOf").get(0).get("enum")))
        .containsExactlyInAnyOrderElementsOf(
            io.burnrate.schemas.parse.FocusRowParser.PRICING_CATEGORIES);
  }

  @Test
  void gpuSchemaDocumentsTheDcgmFieldsTheParserReads() throws Exception {
    JsonNode props = schema(Topics.TELEMETRY_GPU).get("properties");
    Map<String, double[]> ranges = new LinkedHashMap<>();
    ranges.put("DCGM_FI_DEV_GPU_UTIL", new double[] {0, 100});
    ranges.put("DCGM_FI_PROF_SM_ACTIVE", new double[] {0, 1});
    ranges.put("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", new double[] {0, 1});
    ranges.put("DCGM_FI_DEV_FB_USED", new double[] {0, Double.NaN});
    ranges.put("DCGM_FI_DEV_FB_FREE", new double[] {0, Double.NaN});
    ranges.put("DCGM_FI_DEV_POWER_USAGE", new double[] {0, Double.NaN});
    ranges.put("DCGM_FI_DEV_MEM_COPY_UTIL", new double[] {0, 100});
    ranges.put("DCGM_FI_DEV_GPU_TEMP", new double[] {-50, 200});
    ranges.put("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", new double[] {0, Double.NaN});
    ranges.forEach(
        (name, r) -> {
          JsonNode p = props.get(name);
          assertThat(p).as(name).isNotNull();
          assertThat(p.path("x-unit").asText()).as(name + " unit").isNotBlank();
          assertThat(p.path("minimum").asDouble()).as(name + " minimum").isEqualTo(r[0]);
          if (Double.isNaN(r[1])) {
            assertThat(p.has("maximum")).as(name + " maximum").isFalse();
          } else {
            assertThat(p.path("maximum").asDouble()).as(name + " maximum").isEqualTo(r[1]);
          }
        });
    assertThat(names(props))
        .contains(
            "timestamp",
            "Hostname",
            "hostname",
            "gpu",
            "UUID",
            "modelName",
            "namespace",
            "pod",
            "container",
            "pod_name",
            "pod_namespace",
            "container_name",
            "cluster");
  }

  @Test
  void k8sSchemaDocumentsTheWatchEnvelopeAndTheKinds() throws Exception {
    JsonNode s = schema(Topics.K8S_EVENTS);
    assertThat(texts(s.get("properties").get("type").get("enum")))
        .containsExactlyInAnyOrder("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR");
    assertThat(names(s.get("$defs"))).contains("pod", "node", "job");
    JsonNode nodeLabels = s.at("/$defs/node/properties/metadata/properties/labels/properties");
    assertThat(names(nodeLabels))
        .contains(
            "node.kubernetes.io/instance-type",
            "karpenter.sh/capacity-type",
            "eks.amazonaws.com/capacityType",
            "cloud.google.com/gke-spot",
            "kubernetes.azure.com/scalesetpriority",
            "topology.kubernetes.io/region",
            "topology.kubernetes.io/zone");
    assertThat(s.at("/$defs/node/properties/spec/properties/providerID").isMissingNode()).isFalse();
    assertThat(s.at("/$defs/job/properties/status/properties/completionTime").isMissingNode())
        .isFalse();
    assertThat(s.at("/$defs/pod/properties/spec/properties/nodeName").isMissingNode()).isFalse();
  }

  @Test
  void actionAndBudgetStatusPropertiesAreExactlyTheModelsFieldsInSnakeCase() throws Exception {
    for (Map.Entry<String, Class<?>> e :
        Map.<String, Class<?>>of(
                Topics.ACTIONS, io.burnrate.schemas.model.Action.class,
                Topics.BUDGET_STATUS, io.burnrate.schemas.model.BudgetStatus.class)
            .entrySet()) {
      JsonNode s = schema(e.getKey());
      Set<String> expected = snakeCaseFields(e.getValue());
      assertThat(names(s.get("properties"))).as(e.getKey()).isEqualTo(expected);
      Set<String> required = new TreeSet<>();
      s.get("required").forEach(r -> required.add(r.asText()));
      assertThat(required).as(e.getKey()).isEqualTo(expected);
      assertThat(s.get("additionalProperties").asBoolean(true)).isFalse();
    }
  }

  @Test
  void actionKindsAndBudgetEnumsMatchTheModelConstants() throws Exception {
    JsonNode kinds = schema(Topics.ACTIONS).at("/properties/kind/enum");
    assertThat(texts(kinds))
        .containsExactlyInAnyOrder(
            io.burnrate.schemas.model.Action.RELEASE_IDLE_NODE,
            io.burnrate.schemas.model.Action.RIGHT_SIZE,
            io.burnrate.schemas.model.Action.MOVE_TO_SPOT,
            io.burnrate.schemas.model.Action.CHANGE_GPU_TYPE,
            io.burnrate.schemas.model.Action.SHARE_GPU,
            io.burnrate.schemas.model.Action.SMALLER_GPU_TYPE,
            io.burnrate.schemas.model.Action.SCALE_TO_LOAD,
            io.burnrate.schemas.model.Action.BUDGET_ESCALATION,
            io.burnrate.schemas.model.Action.EARLY_STOP,
            io.burnrate.schemas.model.Action.STOP_DIVERGED,
            io.burnrate.schemas.model.Action.CHECK_RESTART,
            io.burnrate.schemas.model.Action.RESCHEDULE);
    JsonNode scopes = schema(Topics.CONFIG_BUDGETS).at("/properties/scope/properties/kind/enum");
    assertThat(texts(scopes))
        .containsExactlyInAnyOrder(
            io.burnrate.schemas.model.Budget.SCOPE_GLOBAL,
            io.burnrate.schemas.model.Budget.SCOPE_TEAM,
            io.burnrate.schemas.model.Budget.SCOPE_PROJECT,
            io.burnrate.schemas.model.Budget.SCOPE_NAMESPACE,
            io.burnrate.schemas.model.Budget.SCOPE_COST_CENTER,
            io.burnrate.schemas.model.Budget.SCOPE_CLUSTER,
            io.burnrate.schemas.model.Budget.SCOPE_LABEL);
    JsonNode status = schema(Topics.BUDGET_STATUS).at("/properties/status/enum");
    assertThat(texts(status))
        .containsExactlyInAnyOrder(
            io.burnrate.schemas.model.BudgetStatus.OK,
            io.burnrate.schemas.model.BudgetStatus.AT_RISK,
            io.burnrate.schemas.model.BudgetStatus.EXCEEDED);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
    return out;
  }
}
