package io.burnrate.jobs.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.TimeUtils;

/**
 * The rules' settings: a global default per rule and overrides by scope ({@code cluster=...},
 * {@code team=...}, {@code namespace=...}). For a series, overrides apply field by field from the
 * least to the most specific: cluster, then team, then namespace. Read from a JSON file
 * (docs/detection.md) with plain tree reads and validated at start-up; every error names the field.
 *
 * <pre>{@code
 * {"rules": {"idle_gpu": {"threshold": 0.1, "resolve_threshold": 0.15, "for": "30m",
 *                         "keep_firing_for": "10m", "severity": "warning"}},
 *  "overrides": [{"scope": "team=research", "rules": {"idle_gpu": {"for": "60m"}}}]}
 * }</pre>
 */
public final class RuleConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String IDLE_GPU = "idle_gpu";
  public static final String UNDER_UTILIZATION = "under_utilization";
  public static final String MEMORY_PRESSURE = "memory_pressure";
  public static final String THROUGHPUT_DEGRADATION = "throughput_degradation";
  public static final String HOURLY_SPEND = "hourly_spend";

  /** Rule names in evaluation order. */
  public static final List<String> RULES =
      List.of(IDLE_GPU, UNDER_UTILIZATION, MEMORY_PRESSURE, THROUGHPUT_DEGRADATION, HOURLY_SPEND);

  private static final Set<String> SCOPES = Set.of("cluster", "team", "namespace");
  private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");
  private static final Set<String> FIELDS =
      Set.of("enabled", "threshold", "resolve_threshold", "for", "keep_firing_for", "severity");

  private final Map<String, RuleSpec> defaults;

  /** scope ({@code team=ml}) -> rule -> spec with that scope's overrides applied to the default. */
  private final Map<String, Map<String, JsonNode>> overrides;

  private final Map<String, Map<String, RuleSpec>> resolved = new HashMap<>();

  private RuleConfig(Map<String, RuleSpec> defaults, Map<String, Map<String, JsonNode>> overrides) {
    this.defaults = defaults;
    this.overrides = overrides;
    for (Map.Entry<String, Map<String, JsonNode>> o : overrides.entrySet()) {
      Map<String, RuleSpec> specs = new HashMap<>();
      for (Map.Entry<String, JsonNode> r : o.getValue().entrySet()) {
        String where = "overrides[" + o.getKey() + "].rules." + r.getKey();
        specs.put(r.getKey(), apply(defaults.get(r.getKey()), r.getValue(), where));
      }
      resolved.put(o.getKey(), specs);
    }
  }

  /** The built-in defaults (docs/detection.md), with the hourly spend limit given. */
  public static RuleConfig defaults(double hourlySpendLimit) {
    return new RuleConfig(defaultSpecs(hourlySpendLimit), Map.of());
  }

  private static Map<String, RuleSpec> defaultSpecs(double hourlySpendLimit) {
    long min = 60_000L;
    Map<String, RuleSpec> d = new LinkedHashMap<>();
    d.put(IDLE_GPU, new RuleSpec(true, false, 0.10, 0.15, 30 * min, 10 * min, "warning"));
    d.put(UNDER_UTILIZATION, new RuleSpec(true, false, 0.60, 0.65, 30 * min, 10 * min, "info"));
    d.put(MEMORY_PRESSURE, new RuleSpec(true, true, 0.95, 0.90, 5 * min, 5 * min, "warning"));
    d.put(
        THROUGHPUT_DEGRADATION,
        new RuleSpec(true, false, 0.80, 0.90, 15 * min, 10 * min, "warning"));
    d.put(
        HOURLY_SPEND,
        new RuleSpec(
            hourlySpendLimit > 0,
            true,
            hourlySpendLimit > 0 ? hourlySpendLimit : 1,
            0.9 * (hourlySpendLimit > 0 ? hourlySpendLimit : 1),
            0,
            10 * min,
            "critical"));
    return d;
  }

  /**
   * Reads a rules file over the defaults.
   *
   * @throws IllegalArgumentException naming the file and the field at fault
   */
  public static RuleConfig fromFile(Path file, double hourlySpendLimit) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read rules: " + e.getMessage(), e);
    }
    try {
      return fromJson(root, hourlySpendLimit);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public static RuleConfig fromJson(JsonNode root, double hourlySpendLimit) {
    require(root != null && root.isObject(), "(root)", "must be a JSON object");
    Map<String, RuleSpec> defaults = defaultSpecs(hourlySpendLimit);
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      require(f.equals("rules") || f.equals("overrides"), f, "unknown field");
    }
    JsonNode rules = root.path("rules");
    if (!rules.isMissingNode()) {
      require(rules.isObject(), "rules", "must be an object of rule name -> settings");
      for (Map.Entry<String, JsonNode> r : rules.properties()) {
        String where = "rules." + r.getKey();
        require(defaults.containsKey(r.getKey()), where, "unknown rule, expected one of " + RULES);
        defaults.put(r.getKey(), apply(defaults.get(r.getKey()), r.getValue(), where));
      }
    }
    Map<String, Map<String, JsonNode>> overrides = new LinkedHashMap<>();
    JsonNode list = root.path("overrides");
    if (!list.isMissingNode()) {
      require(list.isArray(), "overrides", "must be an array");
      for (int i = 0; i < list.size(); i++) {
        String where = "overrides[" + i + "]";
        JsonNode o = list.get(i);
        String scope = o.path("scope").asText("");
        int eq = scope.indexOf('=');
        require(
            eq > 0 && SCOPES.contains(scope.substring(0, eq)) && eq < scope.length() - 1,
            where + ".scope",
            "must be cluster=NAME, team=NAME or namespace=NAME, got '" + scope + "'");
        require(o.path("rules").isObject(), where + ".rules", "must be an object");
        Map<String, JsonNode> byRule = overrides.computeIfAbsent(scope, k -> new HashMap<>());
        for (Map.Entry<String, JsonNode> r : o.path("rules").properties()) {
          String rw = where + ".rules." + r.getKey();
          require(defaults.containsKey(r.getKey()), rw, "unknown rule, expected one of " + RULES);
          apply(defaults.get(r.getKey()), r.getValue(), rw); // validate now
          byRule.put(r.getKey(), r.getValue());
        }
      }
    }
    return new RuleConfig(defaults, overrides);
  }

  /** The settings of {@code rule} for a series in this cluster, team and namespace. */
  public RuleSpec spec(String rule, String cluster, String team, String namespace) {
    RuleSpec s = defaults.get(rule);
    s = override(s, rule, "cluster=" + cluster);
    s = override(s, rule, "team=" + team);
    return override(s, rule, "namespace=" + namespace);
  }

  private RuleSpec override(RuleSpec base, String rule, String scope) {
    Map<String, JsonNode> o = overrides.get(scope);
    if (o == null || !o.containsKey(rule)) {
      return base;
    }
    if (base == defaults.get(rule)) {
      return resolved.get(scope).get(rule);
    }
    try {
      return apply(base, o.get(rule), scope + "." + rule);
    } catch (IllegalArgumentException e) {
      // validated against the default at start-up; a combination of a cluster and a team
      // override that contradicts itself keeps the less specific setting
      return base;
    }
  }

  /** {@code base} with the fields of {@code json} applied; validated. */
  static RuleSpec apply(RuleSpec base, JsonNode json, String where) {
    require(json.isObject(), where, "must be an object");
    List<String> unknown = new ArrayList<>();
    json.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                unknown.add(f);
              }
            });
    require(
        unknown.isEmpty(),
        where + "." + (unknown.isEmpty() ? "" : unknown.get(0)),
        "unknown field, expected one of " + FIELDS);
    RuleSpec s = base;
    if (json.has("threshold")) {
      Double resolve = number(json, "resolve_threshold", where);
      s = s.withThreshold(number(json, "threshold", where), resolve);
    }
    JsonNode enabled = json.get("enabled");
    require(enabled == null || enabled.isBoolean(), where + ".enabled", "must be true or false");
    String severity = json.has("severity") ? json.get("severity").asText() : null;
    require(
        severity == null || SEVERITIES.contains(severity),
        where + ".severity",
        "must be one of " + SEVERITIES);
    s =
        s.with(
            enabled == null ? null : enabled.asBoolean(),
            number(json, "resolve_threshold", where),
            duration(json, "for", where),
            duration(json, "keep_firing_for", where),
            severity);
    require(s.threshold() > 0, where + ".threshold", "must be > 0");
    require(
        s.above() ? s.resolveThreshold() <= s.threshold() : s.resolveThreshold() >= s.threshold(),
        where + ".resolve_threshold",
        (s.above() ? "must be <= threshold " : "must be >= threshold ") + s.threshold());
    return s;
  }

  private static Double number(JsonNode json, String field, String where) {
    JsonNode v = json.get(field);
    if (v == null) {
      return null;
    }
    require(v.isNumber(), where + "." + field, "must be a number");
    return v.asDouble();
  }

  private static Long duration(JsonNode json, String field, String where) {
    JsonNode v = json.get(field);
    if (v == null) {
      return null;
    }
    Duration d;
    try {
      d = TimeUtils.parseDuration(v.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + "." + field + ": not a duration (e.g. 30m, 1h): '" + v.asText() + "'");
    }
    require(!d.isNegative(), where + "." + field, "must be >= 0");
    return d.toMillis();
  }

  private static void require(boolean ok, String field, String message) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + message);
    }
  }
}
