package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;
import static io.burnrate.schemas.model.DeadLetter.Reasons.MISSING_FIELD;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One billing row: its header and its values in header order. Values are what the reader had: text
 * (CSV), numbers, {@link Instant}s and maps (Parquet), or JSON nodes (Kafka). Access is lenient:
 * the literal {@code NULL}, empty text and blanks are absent.
 */
final class BillingColumns {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final BillingHeader header;
  private final Object[] values;

  BillingColumns(BillingHeader header, Object[] values) {
    this.header = header;
    this.values = values;
  }

  BillingHeader header() {
    return header;
  }

  private Object raw(String column) {
    int i = header.indexOf(column);
    return i < 0 || i >= values.length ? null : values[i];
  }

  /** The value as trimmed text; null when absent, nullish or not a scalar. */
  String text(String column) {
    Object v = raw(column);
    String s;
    if (v instanceof JsonNode n) {
      if (n.isNull() || n.isMissingNode() || n.isContainerNode()) {
        return null;
      }
      s = n.asText();
    } else if (v == null || v instanceof Map<?, ?> || v instanceof Iterable<?>) {
      return null;
    } else if (v instanceof BigDecimal d) {
      s = d.toPlainString();
    } else {
      s = v.toString();
    }
    s = s.trim();
    return Values.isNullish(s) ? null : s;
  }

  /** A finite number, or NaN when absent. */
  double number(String column, String label) throws ParseException {
    Object v = raw(column);
    if (v instanceof Number n && !(v instanceof BigDecimal)) {
      return Values.requireFinite(label, n.doubleValue());
    }
    if (v instanceof JsonNode n && n.isNumber()) {
      return Values.requireFinite(label, n.doubleValue());
    }
    String s = text(column);
    return s == null ? Double.NaN : Values.parseNumber(label, s);
  }

  double requiredNumber(String column, String label) throws ParseException {
    double v = number(column, label);
    if (Double.isNaN(v)) {
      throw new ParseException(MISSING_FIELD, label + ": missing");
    }
    return v;
  }

  /** Epoch milliseconds, or -1 when absent. */
  long time(String column, String label) throws ParseException {
    Object v = raw(column);
    if (v instanceof Instant t) {
      return t.toEpochMilli();
    }
    String s = text(column);
    return s == null ? -1 : Values.parseTimestamp(label, s);
  }

  long requiredTime(String column, String label) throws ParseException {
    long t = time(column, label);
    if (t < 0 && text(column) == null && !(raw(column) instanceof Instant)) {
      throw new ParseException(MISSING_FIELD, label + ": missing");
    }
    return t;
  }

  /**
   * An enum-like value matched case-insensitively against its vocabulary; {@code dflt} when absent.
   */
  String enumValue(String column, String label, Set<String> allowed, String dflt)
      throws ParseException {
    String v = text(column);
    if (v == null) {
      return dflt;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    throw new ParseException(
        io.burnrate.schemas.model.DeadLetter.Reasons.UNKNOWN_ENUM,
        label + ": '" + Values.abbreviate(v) + "' is not one of " + allowed);
  }

  /**
   * Key-value tags from a map column (Parquet MAP, JSON object) or a JSON object written as text
   * (CSV), plus flattened tag columns.
   */
  void tags(String column, String label, Map<String, String> into) throws ParseException {
    Object v = raw(column);
    if (v instanceof Map<?, ?> m) {
      m.forEach(
          (k, val) -> {
            if (k != null && val != null) {
              into.put(k.toString(), val.toString());
            }
          });
    } else if (v instanceof JsonNode n && n.isObject()) {
      n.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue().asText()));
    } else {
      String s = text(column);
      if (s != null) {
        JsonNode t;
        try {
          t = MAPPER.readTree(s);
        } catch (JsonProcessingException e) {
          throw new ParseException(INVALID_VALUE, label + ": not a JSON object");
        }
        if (t == null || !t.isObject()) {
          throw new ParseException(INVALID_VALUE, label + ": not a JSON object");
        }
        t.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue().asText()));
      }
    }
    if (header.hasFlatTags()) {
      header.flatTags(values, into);
    }
  }
}
