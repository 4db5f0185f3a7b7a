package io.burnrate.connectors.iceberg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Turns a record of one of Burnrate's output topics (JSON, {@code schemas/}) into a row of its
 * Iceberg table, column by column by name: the history job's reader (docs/deployment.md, "Two
 * speeds"). A column is looked up at the top level of the record, then inside its nested objects
 * (alerts carry {@code cluster} in {@code labels}, {@code summary} in {@code annotations}, the
 * figures in {@code evidence}). Only the column types the tables use are read: string, int, long,
 * double, boolean, decimal, timestamptz (RFC 3339), list of doubles, map of strings. A required
 * column that is missing or null, or a value of the wrong type, is an {@link Invalid} naming the
 * column and carrying the dead-letter reason (the record then goes to the dead-letter topic).
 */
public final class JsonRows implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Numbers with a fraction are read as {@link BigDecimal}: a money column gets the digits the
   * topic carries (a double keeps about 16, so 999999999999.999999 would land as 1e12).
   */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final Schema schema;
  private final Map<String, String> defaults;

  /** A record that does not fit the table, with its dead-letter reason ({@link Reasons}). */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    public final String reason;

    Invalid(String reason, String detail) {
      super(detail);
      this.reason = reason;
    }
  }

  /** The earliest instant a timestamp column takes (what every SQL engine reads: year 1). */
  public static final Instant MIN_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest instant a timestamp column takes (year 9999, the end of RFC 3339). */
  public static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999Z");

  /**
   * Why {@code t} does not fit a timestamp column, or null. Iceberg stores microseconds in a long:
   * beyond about 292,000 years they overflow and a far-future date lands as 1969; engines read
   * years 1 to 9999 only.
   */
  public static String timestampUnfit(Instant t) {
    if (t.isBefore(MIN_TIMESTAMP) || t.isAfter(MAX_TIMESTAMP)) {
      return t + " is outside the timestamp range [" + MIN_TIMESTAMP + ", " + MAX_TIMESTAMP + "]";
    }
    return null;
  }

  /**
   * Why {@code v} does not fit the column type {@code d} (more integer digits than its precision
   * leaves), or null; {@code v} is rounded half-even to the column's scale first.
   */
  public static String decimalUnfit(BigDecimal v, Types.DecimalType d) {
    BigDecimal scaled = v.setScale(d.scale(), java.math.RoundingMode.HALF_EVEN);
    if (scaled.precision() > d.precision()) {
      return v.toString()
          + " does not fit decimal("
          + d.precision()
          + ","
          + d.scale()
          + "): at most "
          + (d.precision() - d.scale())
          + " integer digits";
    }
    return null;
  }

  public JsonRows(Schema schema) {
    this(schema, Map.of());
  }

  /**
   * @param defaults values of required string columns that the record may leave out or null (the
   *     writer's own defaults, e.g. {@code cluster} is empty for a global budget's alert)
   */
  public JsonRows(Schema schema, Map<String, String> defaults) {
    this.schema = schema;
    this.defaults = Map.copyOf(defaults);
  }

  /** The row of the record {@code json} (UTF-8). */
  public RowData toRow(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new Invalid(Reasons.INVALID_JSON, "not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Invalid(Reasons.INVALID_JSON, "not a JSON object");
    }
    return toRow(root);
  }

  /** The row of the JSON object {@code root}. */
  public RowData toRow(JsonNode root) {
    List<Types.NestedField> columns = schema.columns();
    GenericRowData row = new GenericRowData(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      Types.NestedField c = columns.get(i);
      JsonNode v = find(root, c.name(), c.type());
      if ((v == null || v.isNull()) && defaults.containsKey(c.name())) {
        row.setField(i, StringData.fromString(defaults.get(c.name())));
        continue;
      }
      if (v == null || v.isNull()) {
        if (c.isRequired()) {
          throw new Invalid(Reasons.MISSING_FIELD, c.name() + ": required, missing or null");
        }
        continue;
      }
      try {
        row.setField(i, value(c.type(), v));
      } catch (OutOfRange e) {
        throw new Invalid(Reasons.VALUE_OUT_OF_RANGE, c.name() + ": " + e.getMessage());
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new Invalid(Reasons.INVALID_VALUE, c.name() + ": " + e.getMessage());
      }
    }
    return row;
  }

  /**
   * The field {@code name} at the top level, else in the first nested object whose field of that
   * name is null or of the column's kind (an alert's {@code labels.threshold} is the label "50",
   * its {@code evidence.threshold} the number).
   */
  private static JsonNode find(JsonNode root, String name, Type type) {
    JsonNode v = root.get(name);
    if (v != null) {
      return v;
    }
    for (Iterator<JsonNode> it = root.elements(); it.hasNext(); ) {
      JsonNode child = it.next();
      if (child.isObject() && child.has(name)) {
        JsonNode c = child.get(name);
        if (c.isNull() || fits(type, c)) {
          return c;
        }
      }
    }
    return null;
  }

  /** A value of the right type that the column cannot hold. */
  private static final class OutOfRange extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    OutOfRange(String detail) {
      super(detail);
    }
  }

  private static boolean fits(Type type, JsonNode v) {
    return switch (type.typeId()) {
      case STRING, TIMESTAMP -> v.isTextual();
      case INTEGER, LONG, DOUBLE -> v.isNumber();
      case DECIMAL -> v.isNumber() || v.isTextual();
      case BOOLEAN -> v.isBoolean();
      case LIST -> v.isArray();
      case MAP -> v.isObject();
      default -> false;
    };
  }

  private static Object value(Type type, JsonNode v) {
    switch (type.typeId()) {
      case STRING:
        if (!v.isTextual()) {
          throw new IllegalArgumentException("expected a string, got " + v.getNodeType());
        }
        return StringData.fromString(v.asText());
      case INTEGER:
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
          throw new IllegalArgumentException("expected an int, got " + v);
        }
        return v.intValue();
      case LONG:
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
          throw new IllegalArgumentException("expected a long, got " + v);
        }
        return v.longValue();
      case DOUBLE:
        if (!v.isNumber()) {
          throw new IllegalArgumentException("expected a number, got " + v.getNodeType());
        }
        return v.doubleValue();
      case BOOLEAN:
        if (!v.isBoolean()) {
          throw new IllegalArgumentException("expected true or false, got " + v);
        }
        return v.booleanValue();
      case DECIMAL:
        {
          Types.DecimalType d = (Types.DecimalType) type;
          BigDecimal b;
          try {
            b = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a decimal, got " + v);
          }
          String unfit = decimalUnfit(b, d);
          if (unfit != null) {
            throw new OutOfRange(unfit);
          }
          return DecimalData.fromBigDecimal(
              b.setScale(d.scale(), java.math.RoundingMode.HALF_EVEN), d.precision(), d.scale());
        }
      case TIMESTAMP:
        {
          Instant t;
          try {
            t = Instant.parse(v.asText());
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 instant: " + v);
          }
          String unfit = timestampUnfit(t);
          if (unfit != null) {
            throw new OutOfRange(unfit);
          }
          return TimestampData.fromInstant(t);
        }
      case LIST:
        {
          Type element = type.asListType().elementType();
          if (!v.isArray() || element.typeId() != Type.TypeID.DOUBLE) {
            throw new IllegalArgumentException("expected a list of numbers, got " + v);
          }
          double[] out = new double[v.size()];
          for (int i = 0; i < out.length; i++) {
            out[i] = (Double) value(element, v.get(i));
          }
          return new GenericArrayData(out);
        }
      case MAP:
        {
          Types.MapType m = type.asMapType();
          if (!v.isObject()
              || m.keyType().typeId() != Type.TypeID.STRING
              || m.valueType().typeId() != Type.TypeID.STRING) {
            throw new IllegalArgumentException("expected an object of strings, got " + v);
          }
          Map<Object, Object> out = new LinkedHashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(StringData.fromString(e.getKey()), value(m.valueType(), e.getValue()));
          }
          return new GenericMapData(out);
        }
      default:
        throw new IllegalArgumentException("column type " + type + " is not read from JSON");
    }
  }
}
