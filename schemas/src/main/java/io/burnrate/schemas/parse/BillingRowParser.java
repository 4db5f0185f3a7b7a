package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;
import static io.burnrate.schemas.model.DeadLetter.Reasons.UNKNOWN_FORMAT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.BillingLineItem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one entry point for billing rows of any supported format: FOCUS 1.2/1.3 and AWS CUR 2.0 (and
 * legacy CUR), from files (a {@link BillingHeader} once per file, then value arrays) or as JSON
 * objects. Every row either becomes a {@link BillingLineItem} with {@code sourceFormat} and {@code
 * billingAccountSlice} set, or a {@link ParseException} whose reason and detail name the column and
 * value.
 *
 * <pre>{@code
 * BillingRowParser parser = new BillingRowParser();
 * BillingHeader header = new BillingHeader(columnNames, BillingFormat.detect(columnNames));
 * BillingLineItem item = parser.parse(header, values);      // per row
 * BillingLineItem fromKafka = parser.parseJson(recordValue); // FOCUS or CUR JSON
 * }</pre>
 */
public final class BillingRowParser {
  private static final ObjectMapper MAPPER = GpuSampleParser.strictMapper();

  /** Reasons a file source may report in {@code x_ReadError}. */
  private static final java.util.Set<String> READ_ERRORS =
      java.util.Set.of(
          io.burnrate.schemas.model.DeadLetter.Reasons.UNREADABLE_OBJECT,
          io.burnrate.schemas.model.DeadLetter.Reasons.UNKNOWN_FORMAT,
          io.burnrate.schemas.model.DeadLetter.Reasons.MALFORMED_ROW);

  /** A row of a file: values in the header's order (missing trailing values are absent). */
  public BillingLineItem parse(BillingHeader header, Object[] values) throws ParseException {
    if (header.format() == null) {
      throw new ParseException(
          UNKNOWN_FORMAT, "columns are neither FOCUS nor AWS CUR: " + abbreviated(header.names()));
    }
    BillingColumns c = new BillingColumns(header, values);
    BillingLineItem b =
        header.format().isCur() ? CurRowParser.fromColumns(c) : FocusRowParser.fromColumns(c);
    b.sourceFormat = header.format().id();
    b.billingAccountSlice = BillingLineItem.slice(b.billingAccountId, b.billingPeriodStart);
    b.chargeKind = BillingLineItem.ChargeKind.of(b);
    return b;
  }

  /**
   * The row's own amount, read on its own and leniently: FOCUS {@code BilledCost}, CUR {@code
   * line_item_unblended_cost}; null when the row has none or it is not a number. What a file says
   * it is worth, whether or not the rest of the row can be used (a dead letter's amount).
   */
  public static java.math.BigDecimal billedAmount(BillingHeader header, Object[] values) {
    if (header.format() == null) {
      return null;
    }
    BillingColumns c = new BillingColumns(header, values);
    String column = header.format().isCur() ? "line_item_unblended_cost" : "billedcost";
    try {
      double v = c.number(column, column);
      return Double.isNaN(v) ? null : java.math.BigDecimal.valueOf(v);
    } catch (ParseException | RuntimeException e) {
      return null;
    }
  }

  /** A row as a map of column name to value; the format is detected when {@code format} is null. */
  public BillingLineItem parse(Map<String, ?> row, BillingFormat format) throws ParseException {
    List<String> names = new ArrayList<>(row.keySet());
    BillingFormat f = format != null ? format : BillingFormat.detect(names);
    return parse(new BillingHeader(names, f), row.values().toArray());
  }

  /**
   * A JSON object as sent on {@code burnrate.billing.focus}: FOCUS columns, or CUR columns
   * (detected). A row Burnrate itself wrote keeps its provenance ({@code x_SourceFormat}, {@code
   * x_DeliveryId}, {@code x_SourceObject}, ...).
   */
  public BillingLineItem parseJson(byte[] json) throws ParseException {
    JsonNode root = GpuSampleParser.readObject(MAPPER, json, "billing row");
    JsonNode readError = root.get("x_ReadError");
    if (readError != null && readError.isObject()) {
      // a file source could not read this row or object: its reason, as the source said
      String reason = readError.path("reason").asText();
      throw new ParseException(
          READ_ERRORS.contains(reason) ? reason : INVALID_VALUE,
          root.path("x_SourceObject").asText("?") + ": " + readError.path("detail").asText());
    }
    List<String> names = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      names.add(e.getKey());
      values.add(e.getValue());
    }
    BillingFormat f = BillingFormat.detect(names);
    BillingHeader header = new BillingHeader(names, f != null ? f : BillingFormat.FOCUS_1_2);
    Object[] v = values.toArray();
    BillingLineItem b = parse(header, v);
    BillingColumns c = new BillingColumns(header, v);
    BillingFormat declared = BillingFormat.byId(c.text("x_sourceformat"));
    if (declared != null) {
      b.sourceFormat = declared.id();
    }
    b.deliveryId = c.text("x_deliveryid");
    long at = c.time("x_deliveredat", "x_DeliveredAt");
    b.deliveredAt = at >= 0 ? at : -1;
    b.sourceObject = c.text("x_sourceobject");
    double row = c.number("x_sourcerow", "x_SourceRow");
    b.sourceRow = Double.isNaN(row) ? -1 : (long) row;
    b.rowId = c.text("x_rowid");
    if (b.rowId == null) {
      b.rowId = b.identity(); // a row sent twice has the same identity
    }
    return b;
  }

  private static String abbreviated(List<String> names) {
    return Values.abbreviate(String.join(",", names));
  }
}
