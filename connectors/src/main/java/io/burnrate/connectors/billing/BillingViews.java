package io.burnrate.connectors.billing;

import io.burnrate.schemas.iceberg.TableSchemas;
import java.util.stream.Collectors;
import org.apache.iceberg.types.Types;

/**
 * SQL over the billing tables. {@code billing_line_items} keeps every delivery (append-only);
 * {@link #CURRENT} selects, for every (billing account, billing period) slice, the rows of its
 * latest delivery (latest {@code delivered_at}, then {@code ingested_at}) as recorded in {@code
 * billing_deliveries}. Rows of a delivery that has no row in {@code billing_deliveries} (an
 * interrupted run) are never current. Rows the job streamed from {@code burnrate.billing.focus} (no
 * source object) are deliveries of their own {@code x_DeliveryId} ({@code stream} when the row
 * carried none, ordered before every real delivery). The statement is standard SQL (a window
 * function and a join); it runs on Flink SQL, Spark SQL and Trino as it is.
 */
public final class BillingViews {
  /** The name {@code ./burnrate sql} registers {@link #CURRENT} under. */
  public static final String CURRENT_VIEW = "billing_line_items_current";

  /**
   * The rows of the latest delivery of every slice, each row once: a row delivered twice within its
   * delivery (the same {@code x_DeliveryId} and {@code x_RowId}: a re-publish after a crash that
   * the job also landed, or ingest-billing and the job landing the same rows) counts once. Rows
   * written before {@code x_RowId} existed (null) are all kept.
   */
  public static final String CURRENT = current();

  private static String current() {
    String cols =
        TableSchemas.BILLING_LINE_ITEMS_SCHEMA.columns().stream()
            .map(Types.NestedField::name)
            .collect(Collectors.joining(", "));
    return "SELECT "
        + cols
        + " FROM (SELECT b.*, ROW_NUMBER() OVER ("
        + "PARTITION BY b.x_DeliveryId, b.x_RowId ORDER BY b.x_SourceRow) AS row_copy"
        + " FROM billing_line_items AS b JOIN ("
        + " SELECT slice, delivery_id FROM ("
        + "  SELECT slice, delivery_id, ROW_NUMBER() OVER ("
        + "   PARTITION BY slice ORDER BY delivered_at DESC, ingested_at DESC) AS rn"
        + "  FROM (SELECT slice, delivery_id, delivered_at, ingested_at FROM billing_deliveries"
        + "   UNION ALL SELECT x_BillingAccountSlice, x_DeliveryId, MAX(x_DeliveredAt),"
        + "   MAX(x_DeliveredAt) FROM billing_line_items WHERE x_SourceObject IS NULL"
        + "   GROUP BY x_BillingAccountSlice, x_DeliveryId) AS deliveries"
        + "  WHERE slice IS NOT NULL) AS ranked"
        + " WHERE rn = 1) AS d"
        + " ON b.x_BillingAccountSlice = d.slice AND b.x_DeliveryId = d.delivery_id) AS c"
        + " WHERE row_copy = 1 OR x_RowId IS NULL";
  }

  private BillingViews() {}
}
