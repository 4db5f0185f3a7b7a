package io.burnrate.connectors.billing;

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

  public static RowData of(BillingLineItem b) {
    Record r = BillingTables.lineItem(b); // b is shared with other consumers: never modified
    if (b.deliveryId == null) {
      r.setField("x_DeliveryId", STREAM_DELIVERY);
    }
    if (b.deliveredAt < 0) {
      r.setField("x_DeliveredAt", BillingTables.ts(0)); // orders before every real delivery
    }
    List<Types.NestedField> fields = TableSchemas.BILLING_LINE_ITEMS_SCHEMA.columns();
    GenericRowData row = new GenericRowData(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      row.setField(i, convert(fields.get(i).type(), r.get(i)));
    }
    return row;
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
