package io.burnrate.connectors.billing;

import io.burnrate.connectors.iceberg.JsonRows;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.BillingLineItem;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A billing row as Flink {@link RowData} for the streaming Iceberg sink of {@code
 * billing_line_items}: the very record {@code ./burnrate ingest-billing} writes ({@link
 * BillingTables#lineItem}), converted column by column, so both paths land identical rows. Rows
 * from the topic without a delivery get the delivery {@link #STREAM_DELIVERY}.
 */
public final class BillingRowData {
  /** Delivery id of streamed rows that carry none. */
  public static final String STREAM_DELIVERY = "stream";

  private BillingRowData() {}

  /**
   * The row of {@code b}. A row the table cannot hold (see {@link #unfit}) is rejected by the parse
   * step before it gets here; should one still arrive it fails loudly rather than land a NULL.
   */
  public static RowData of(BillingLineItem b) {
    Record r = record(b);
    List<Types.NestedField> fields = TableSchemas.BILLING_LINE_ITEMS_SCHEMA.columns();
    GenericRowData row = new GenericRowData(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      Types.NestedField f = fields.get(i);
      String unfit = unfit(f.type(), r.get(i));
      if (unfit != null) {
        throw new IllegalArgumentException(f.name() + ": " + unfit);
      }
      row.setField(i, convert(f.type(), r.get(i)));
    }
    return row;
  }

  /**
   * Why {@code b} cannot be written to {@code billing_line_items}, naming the column (an amount
   * with more integer digits than {@code decimal(38,12)} holds, a date outside the years 1 to
   * 9999), or null when it fits. The same conversion as {@link #of}: what passes lands unchanged.
   */
  public static String unfit(BillingLineItem b) {
    Record r = record(b);
    List<Types.NestedField> fields = TableSchemas.BILLING_LINE_ITEMS_SCHEMA.columns();
    for (int i = 0; i < fields.size(); i++) {
      String unfit = unfit(fields.get(i).type(), r.get(i));
      if (unfit != null) {
        return fields.get(i).name() + ": " + unfit;
      }
    }
    return null;
  }

  private static Record record(BillingLineItem b) {
    Record r = BillingTables.lineItem(b); // b is shared with other consumers: never modified
    if (b.deliveryId == null) {
      r.setField("x_DeliveryId", STREAM_DELIVERY);
    }
    if (b.deliveredAt < 0) {
      r.setField("x_DeliveredAt", BillingTables.ts(0)); // orders before every real delivery
    }
    return r;
  }

  private static String unfit(Type type, Object v) {
    if (v instanceof BigDecimal d && type instanceof Types.DecimalType t) {
      return JsonRows.decimalUnfit(d, t);
    }
    if (v instanceof OffsetDateTime t) {
      return JsonRows.timestampUnfit(t.toInstant());
    }
    return null;
  }

  private static Object convert(Type type, Object v) {
    if (v == null) {
      return null;
    }
    return switch (type.typeId()) {
      case STRING -> StringData.fromString((String) v);
      case TIMESTAMP ->
          TimestampData.fromEpochMillis(((OffsetDateTime) v).toInstant().toEpochMilli());
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield DecimalData.fromBigDecimal((BigDecimal) v, d.precision(), d.scale());
      }
      case MAP -> {
        Map<StringData, StringData> m = new HashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          m.put(
              StringData.fromString(String.valueOf(e.getKey())),
              e.getValue() == null ? null : StringData.fromString(String.valueOf(e.getValue())));
        }
        yield new GenericMapData(m);
      }
      default -> v; // int, long, double, boolean: the same Java types in both
    };
  }
}
