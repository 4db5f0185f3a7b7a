package io.burnrate.connectors.billing;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.BillingLineItem;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The three billing tables of the {@code burnrate} namespace, written with Iceberg's own Java API
 * (generic records, one commit per table per delivery, append-only): {@code billing_line_items},
 * {@code billing_dead_letters}, and last, as the delivery's commit marker, {@code
 * billing_deliveries}. A delivery whose marker is missing (an interrupted run) is ingested again:
 * its orphaned files are removed first (whole files, by their {@code x_DeliveryId} statistics; no
 * delete files).
 */
public final class BillingTables implements AutoCloseable {
  private final Catalog catalog;
  private final Table lineItems;
  private final Table deliveries;
  private final Table deadLetters;

  public BillingTables(CatalogConfig config) {
    IcebergTables.ensureTable(
        config,
        TableSchemas.BILLING_LINE_ITEMS,
        TableSchemas.BILLING_LINE_ITEMS_SCHEMA,
        TableSchemas.BILLING_LINE_ITEMS_SPEC);
    IcebergTables.ensureTable(
        config,
        TableSchemas.BILLING_DELIVERIES,
        TableSchemas.BILLING_DELIVERIES_SCHEMA,
        TableSchemas.BILLING_DELIVERIES_SPEC);
    IcebergTables.ensureTable(
        config,
        TableSchemas.BILLING_DEAD_LETTERS,
        TableSchemas.BILLING_DEAD_LETTERS_SCHEMA,
        TableSchemas.BILLING_DEAD_LETTERS_SPEC);
    this.catalog = IcebergTables.catalogLoader(config).loadCatalog();
    this.lineItems = catalog.loadTable(TableSchemas.BILLING_LINE_ITEMS);
    this.deliveries = catalog.loadTable(TableSchemas.BILLING_DELIVERIES);
    this.deadLetters = catalog.loadTable(TableSchemas.BILLING_DEAD_LETTERS);
    fullMetrics(lineItems, "x_DeliveryId");
    fullMetrics(deadLetters, "delivery_id");
  }

  /** Exact min/max statistics on the delivery id, so that its files can be found and dropped. */
  private static void fullMetrics(Table t, String column) {
    String prop = "write.metadata.metrics.column." + column;
    if (!"full".equals(t.properties().get(prop))) {
      t.updateProperties().set(prop, "full").commit();
    }
  }

  Table lineItems() {
    return lineItems;
  }

  Table deadLetters() {
    return deadLetters;
  }

  /**
   * What the committed deliveries hold: {@link Delivery#key} of every object, and the SHA-256 of
   * every object's bytes (where recorded) with the URI it was first ingested as.
   */
  public record Ingested(Set<String> keys, Map<String, String> uriBySha256) {}

  /** {@link Delivery#key} of every object of every committed delivery. */
  public Set<String> ingestedKeys() throws IOException {
    return ingested().keys();
  }

  /** The keys and content hashes of every object of every committed delivery. */
  public Ingested ingested() throws IOException {
    deliveries.refresh();
    Set<String> keys = new HashSet<>();
    Map<String, String> hashes = new HashMap<>();
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(deliveries).select("objects", "object_sha256").build()) {
      for (Record r : rows) {
        if (r.getField("objects") instanceof Map<?, ?> m) {
          m.forEach((uri, id) -> keys.add(Delivery.key(uri.toString(), id.toString())));
        }
        if (r.getField("object_sha256") instanceof Map<?, ?> m) {
          m.forEach((uri, sha) -> hashes.putIfAbsent(sha.toString(), uri.toString()));
        }
      }
    }
    return new Ingested(keys, hashes);
  }

  /** The current delivery of a slice: the one {@code billing_line_items_current} shows. */
  public record CurrentSlice(
      String deliveryId, long deliveredAt, long ingestedAt, long rows, BigDecimal billedCost) {}

  /**
   * The current delivery of each of these slices (latest {@code delivered_at}, then {@code
   * ingested_at}, as the view orders them); slices without one are absent.
   */
  Map<String, CurrentSlice> current(Set<String> slices) throws IOException {
    deliveries.refresh();
    Map<String, CurrentSlice> out = new HashMap<>();
    if (slices.isEmpty()) {
      return out;
    }
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(deliveries)
            .where(Expressions.in("slice", slices.toArray()))
            .select(
                "slice", "delivery_id", "delivered_at", "ingested_at", "row_count", "billed_cost")
            .build()) {
      for (Record r : rows) {
        String slice = (String) r.getField("slice");
        if (slice == null || !slices.contains(slice)) {
          continue; // the filter prunes files, not rows
        }
        CurrentSlice c =
            new CurrentSlice(
                (String) r.getField("delivery_id"),
                millis(r.getField("delivered_at")),
                millis(r.getField("ingested_at")),
                (Long) r.getField("row_count"),
                (BigDecimal) r.getField("billed_cost"));
        out.merge(
            slice,
            c,
            (a, b) ->
                Comparator.comparingLong(CurrentSlice::deliveredAt)
                            .thenComparingLong(CurrentSlice::ingestedAt)
                            .compare(a, b)
                        >= 0
                    ? a
                    : b);
      }
    }
    return out;
  }

  private static long millis(Object ts) {
    return ts instanceof OffsetDateTime t ? t.toInstant().toEpochMilli() : -1;
  }

  /**
   * Commits a delivery: its dead letters, its line items (in one snapshot whose summary names the
   * delivery), then its rows in {@code billing_deliveries}.
   */
  void commit(
      String deliveryId,
      List<DataFile> lineFiles,
      List<DataFile> deadLetterFiles,
      List<Record> deliveryRows)
      throws IOException {
    append(deadLetters, "delivery_id", deliveryId, deadLetterFiles);
    append(lineItems, "x_DeliveryId", deliveryId, lineFiles);
    try (RecordAppender a = new RecordAppender(deliveries)) {
      deliveryRows.forEach(a::add);
      List<DataFile> files = a.finish();
      var append = deliveries.newAppend();
      files.forEach(append::appendFile);
      append.set("burnrate.delivery-id", deliveryId).commit();
    }
  }

  private static void append(Table t, String idColumn, String deliveryId, List<DataFile> files)
      throws IOException {
    t.refresh();
    boolean orphans;
    try (CloseableIterable<FileScanTask> tasks =
        t.newScan().filter(Expressions.equal(idColumn, deliveryId)).planFiles()) {
      orphans = tasks.iterator().hasNext();
    }
    if (files.isEmpty() && !orphans) {
      return;
    }
    Transaction txn = t.newTransaction();
    if (orphans) {
      txn.newDelete().deleteFromRowFilter(Expressions.equal(idColumn, deliveryId)).commit();
    }
    var append = txn.newAppend();
    files.forEach(append::appendFile);
    append.set("burnrate.delivery-id", deliveryId).commit();
    txn.commitTransaction();
  }

  // ------------------------------------------------------------------ records

  public static Record lineItem(BillingLineItem b) {
    GenericRecord r = GenericRecord.create(TableSchemas.BILLING_LINE_ITEMS_SCHEMA);
    r.set(0, b.billingAccountId);
    r.set(1, b.billingAccountName);
    r.set(2, b.subAccountId);
    r.set(3, b.subAccountName);
    r.set(4, ts(b.billingPeriodStart));
    r.set(5, ts(b.billingPeriodEnd));
    r.set(6, ts(b.chargePeriodStart));
    r.set(7, ts(b.chargePeriodEnd));
    r.set(8, money(b.billedCost));
    r.set(9, money(b.effectiveCost));
    r.set(10, money(b.listCost));
    r.set(11, money(b.contractedCost));
    r.set(12, b.billingCurrency);
    r.set(13, b.chargeCategory);
    r.set(14, b.chargeClass);
    r.set(15, b.chargeFrequency);
    r.set(16, b.chargeDescription);
    r.set(17, b.pricingCategory);
    r.set(18, b.providerName);
    r.set(19, b.invoiceId);
    r.set(20, b.resourceId);
    r.set(21, b.resourceName);
    r.set(22, b.resourceType);
    r.set(23, b.serviceName);
    r.set(24, b.serviceCategory);
    r.set(25, b.skuId);
    r.set(26, b.skuPriceId);
    r.set(27, b.regionId);
    r.set(28, b.regionName);
    r.set(29, b.availabilityZone);
    r.set(30, finite(b.consumedQuantity));
    r.set(31, b.consumedUnit);
    r.set(32, finite(b.pricingQuantity));
    r.set(33, b.pricingUnit);
    r.set(34, b.commitmentDiscountId);
    r.set(35, b.commitmentDiscountCategory);
    r.set(36, b.commitmentDiscountStatus);
    r.set(37, b.commitmentDiscountType);
    r.set(38, b.tags.isEmpty() ? null : Map.copyOf(b.tags));
    r.set(39, b.sourceFormat);
    r.set(40, b.deliveryId);
    r.set(41, ts(b.deliveredAt));
    r.set(42, b.sourceObject);
    r.set(43, b.sourceRow >= 0 ? b.sourceRow : null);
    r.set(44, b.billingAccountSlice);
    r.set(45, b.instanceType);
    r.set(46, b.usageType);
    r.set(47, b.lineItemType);
    r.set(48, b.chargeKind);
    r.set(49, b.identity());
    return r;
  }

  static Record deadLetter(
      String reason,
      String detail,
      String object,
      long row,
      String deliveryId,
      String payload,
      BigDecimal billedCost) {
    GenericRecord r = GenericRecord.create(TableSchemas.BILLING_DEAD_LETTERS_SCHEMA);
    r.set(0, reason);
    r.set(1, detail);
    r.set(2, object);
    r.set(3, row);
    r.set(4, deliveryId);
    r.set(5, payload);
    r.set(6, ts(System.currentTimeMillis()));
    r.set(7, billedCost == null ? null : money(billedCost));
    return r;
  }

  static OffsetDateTime ts(long epochMillis) {
    return epochMillis < 0 ? null : Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
  }

  /** Money at the billing tables' scale; null when absent. */
  static BigDecimal money(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : money(BigDecimal.valueOf(v));
  }

  static BigDecimal money(BigDecimal v) {
    return v.setScale(TableSchemas.BILLING_MONEY_SCALE, RoundingMode.HALF_EVEN);
  }

  private static Double finite(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  @Override
  public void close() throws Exception {
    if (catalog instanceof AutoCloseable c) {
      c.close();
    }
  }
}
