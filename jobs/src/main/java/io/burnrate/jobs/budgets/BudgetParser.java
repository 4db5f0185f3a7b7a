package io.burnrate.jobs.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.Budget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads budget definitions ({@code burnrate.config.budgets.schema.json}) with plain tree reads
 * (never polymorphic) and validates them: every error names the field, e.g. {@code
 * budgets[2].amount: must be > 0}. Missing optional fields take the documented defaults.
 */
public final class BudgetParser {
  public static final List<Double> DEFAULT_THRESHOLDS = List.of(50.0, 80.0, 90.0, 100.0);

  private static final Set<String> FIELDS =
      Set.of("id", "scope", "period", "time_zone", "amount", "currency", "thresholds", "actions");
  private static final Set<String> SCOPES =
      Set.of(
          Budget.SCOPE_GLOBAL,
          Budget.SCOPE_TEAM,
          Budget.SCOPE_PROJECT,
          Budget.SCOPE_NAMESPACE,
          Budget.SCOPE_COST_CENTER,
          Budget.SCOPE_CLUSTER,
          Budget.SCOPE_LABEL);
  private static final Set<String> PERIODS = Set.of(Budget.DAY, Budget.WEEK, Budget.MONTH);
  private static final Set<String> ACTIONS =
      Set.of(Budget.SWITCH_TO_SPOT, Budget.REDUCE_BATCH_SIZE, Budget.STOP_NON_CRITICAL);

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  private final String defaultZone;

  /**
   * @param defaultZone time zone of budgets that name none ({@code budgets.time-zone})
   */
  public BudgetParser(String defaultZone) {
    this.defaultZone = defaultZone;
  }

  /** The default escalations: 90% switch to spot, 95% reduce batch size, 98% stop non-critical. */
  public static List<Budget.Escalation> defaultEscalations() {
    List<Budget.Escalation> out = new ArrayList<>();
    out.add(new Budget.Escalation(90, Budget.SWITCH_TO_SPOT));
    out.add(new Budget.Escalation(95, Budget.REDUCE_BATCH_SIZE));
    out.add(new Budget.Escalation(98, Budget.STOP_NON_CRITICAL));
    return out;
  }

  /** Parses one definition from JSON bytes. */
  public Budget parse(byte[] json, String where) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage());
    }
    return parse(n, where);
  }

  /** Parses the bootstrap file: {@code {"budgets": [...]}} or a bare array; ids unique. */
  public List<Budget> parseFile(Path file) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read budgets: " + e.getMessage(), e);
    }
    JsonNode list = root != null && root.isObject() ? root.get("budgets") : root;
    require(list != null && list.isArray(), file + ": budgets", "must be an array of budgets");
    List<Budget> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String where = file + ": budgets[" + i + "]";
      Budget b = parse(list.get(i), where);
      require(ids.add(b.id), where + ".id", "duplicate id '" + b.id + "'");
      out.add(b);
    }
    return out;
  }

  /** Parses and validates one definition. */
  public Budget parse(JsonNode n, String where) {
    require(n != null && n.isObject(), where, "must be a JSON object");
    n.fieldNames()
        .forEachRemaining(
            f -> require(FIELDS.contains(f), where + "." + f, "unknown field, expected " + FIELDS));
    Budget b = new Budget();
    b.id = text(n, "id", where, true);
    JsonNode scope = n.get("scope");
    require(scope != null && scope.isObject(), where + ".scope", "must be an object with 'kind'");
    b.scopeKind = text(scope, "kind", where + ".scope", true);
    require(
        SCOPES.contains(b.scopeKind),
        where + ".scope.kind",
        "must be one of " + new TreeSet<>(SCOPES));
    b.scopeLabel = text(scope, "key", where + ".scope", Budget.SCOPE_LABEL.equals(b.scopeKind));
    require(
        b.scopeLabel == null || Budget.SCOPE_LABEL.equals(b.scopeKind),
        where + ".scope.key",
        "only for kind label");
    b.scopeValue = text(scope, "value", where + ".scope", !Budget.SCOPE_GLOBAL.equals(b.scopeKind));
    require(
        b.scopeValue == null || !Budget.SCOPE_GLOBAL.equals(b.scopeKind),
        where + ".scope.value",
        "not allowed for kind global");
    b.period = text(n, "period", where, true);
    require(PERIODS.contains(b.period), where + ".period", "must be day, week or month");
    String zone = text(n, "time_zone", where, false);
    b.timeZone = zone != null ? zone : defaultZone;
    try {
      ZoneId.of(b.timeZone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          where + ".time_zone: not a time zone: '" + b.timeZone + "'");
    }
    JsonNode amount = n.get("amount");
    require(amount != null && amount.isNumber(), where + ".amount", "is required (a number)");
    b.amount = amount.asDouble();
    require(b.amount > 0 && !Double.isInfinite(b.amount), where + ".amount", "must be > 0");
    String currency = text(n, "currency", where, false);
    b.currency = currency == null ? "USD" : currency.toUpperCase(Locale.ROOT);
    require(b.currency.matches("[A-Z]{3}"), where + ".currency", "must be an ISO 4217 code");
    b.thresholds = percents(n.get("thresholds"), where + ".thresholds");
    if (b.thresholds == null) {
      b.thresholds = new ArrayList<>(DEFAULT_THRESHOLDS);
    }
    b.escalations = escalations(n.get("actions"), where + ".actions");
    return b;
  }

  private static List<Double> percents(JsonNode a, String where) {
    if (a == null) {
      return null;
    }
    require(a.isArray() && !a.isEmpty(), where, "must be a non-empty array of percentages");
    TreeSet<Double> out = new TreeSet<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(percent(a.get(i), where + "[" + i + "]"));
    }
    return new ArrayList<>(out);
  }

  private static double percent(JsonNode v, String where) {
    require(v != null && v.isNumber(), where, "must be a number (percent of amount)");
    double p = v.asDouble();
    require(p > 0 && p <= 1000, where, "must be in (0, 1000]");
    return p;
  }

  private static List<Budget.Escalation> escalations(JsonNode a, String where) {
    if (a == null) {
      return defaultEscalations();
    }
    require(a.isArray(), where, "must be an array of {at, action}");
    List<Budget.Escalation> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      String w = where + "[" + i + "]";
      JsonNode e = a.get(i);
      require(e.isObject(), w, "must be an object {at, action}");
      String action = text(e, "action", w, true);
      require(ACTIONS.contains(action), w + ".action", "must be one of " + new TreeSet<>(ACTIONS));
      out.add(new Budget.Escalation(percent(e.get("at"), w + ".at"), action));
    }
    out.sort((x, y) -> Double.compare(x.atPercent, y.atPercent));
    return out;
  }

  private static String text(JsonNode n, String field, String where, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      require(!required, where + "." + field, "is required");
      return null;
    }
    require(
        v.isTextual() && !v.asText().isBlank(), where + "." + field, "must be a non-empty string");
    return v.asText();
  }

  private static void require(boolean ok, String field, String message) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + message);
    }
  }
}
