package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.connectors.billing.BillingIngest;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.jobs.reconcile.BillingCharge;
import io.burnrate.jobs.reconcile.BillingCharges;
import io.burnrate.jobs.reconcile.ChargeBook;
import io.burnrate.jobs.reconcile.Reconciliation;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.parse.BillingRowParser;
import io.burnrate.tools.demo.EmbeddedKafka;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliveries are idempotent end to end, on a real broker and a real Iceberg warehouse: the same
 * object ingested twice, and a run that crashes after publishing a delivery's rows on {@code
 * burnrate.billing.focus} but before its Iceberg commit and is then run again, change no total (the
 * warehouse's, nor what reconciliation holds from the topic). Every charge class is ingested, and
 * file total = ingested + dead-lettered.
 */
class BillingRedeliveryITCase {
  @TempDir Path tmp;

  /**
   * An Azure-shaped FOCUS daily export (ARM ids, daily charge periods) with a refund of usage
   * (negative quantity and cost), zero-cost usage, a credit, a tax row, a rounding adjustment, a
   * row with a bad date (amount readable) and a row whose amount is not a number.
   */
  private static final String AZURE_FOCUS =
      "BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,"
          + "ChargeCategory,ChargeClass,ChargeDescription,BilledCost,EffectiveCost,"
          + "ConsumedQuantity,ConsumedUnit,ResourceId,BillingCurrency\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-04,2026-03-05,Usage,,NC24ads A100 v4,88.16,88.16,"
          + "24,Hours,/subscriptions/0b1f/resourceGroups/mc_ml/providers/Microsoft.Compute/"
          + "virtualMachineScaleSets/aks-gpu-vmss/virtualMachines/3,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-04,2026-03-05,Usage,,NC24ads A100 v4,-11.02,-11.02,"
          + "-3,Hours,/subscriptions/0b1f/resourceGroups/mc_ml/providers/Microsoft.Compute/"
          + "virtualMachineScaleSets/aks-gpu-vmss/virtualMachines/3,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-04,2026-03-05,Usage,,Standard SSD,0,0,1,GB,"
          + "/subscriptions/0b1f/resourceGroups/mc_ml/providers/Microsoft.Compute/disks/d1,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-01,2026-04-01,Credit,,Azure credit,-50,-50,,,,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-01,2026-04-01,Tax,,VAT,7.5,7.5,,,,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-01,2026-04-01,Adjustment,,Rounding adjustment,"
          + "-0.004,-0.004,,,,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-02-01,2026-02-02,Usage,Correction,Feb restated,-2.5,"
          + "-2.5,-1,Hours,/subscriptions/0b1f/resourceGroups/mc_ml/providers/Microsoft.Compute/"
          + "virtualMachines/vm9,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-31 30:00,2026-04-01,Usage,,bad hour,3.25,3.25,1,"
          + "Hours,/subscriptions/0b1f/x,USD\n"
          + "ea-1,2026-03-01,2026-04-01,2026-03-04,2026-03-05,Usage,,bad amount,$1.00,1,1,Hours,"
          + "/subscriptions/0b1f/y,USD\n";

  /**
   * The file's own total, added up by hand from the text: 88.16 - 11.02 + 0 - 50 + 7.5 - 0.004 -
   * 2.5 + 3.25 (the bad-date row; the "$1.00" row has no readable amount).
   */
  private static final String FILE_TOTAL = "35.386";

  private static final String INGESTED = "32.136";

  private Path exportFolder() throws Exception {
    Path from = Files.createDirectories(tmp.resolve("exports"));
    Files.writeString(from.resolve("focus-2026-03.csv"), AZURE_FOCUS);
    return from;
  }

  private BillingIngest ingest(Path from, Properties kafka) {
    return new BillingIngest(
        new BillingIngest.Options(
            from.toString(),
            CatalogConfig.hadoop(tmp.resolve("warehouse")),
            BillingIngest.FormatChoice.AUTO,
            null,
            kafka,
            tmp.resolve("work"),
            null));
  }

  private BigDecimal warehouseBilled() throws Exception {
    Catalog catalog =
        IcebergTables.catalogLoader(CatalogConfig.hadoop(tmp.resolve("warehouse"))).loadCatalog();
    BigDecimal sum = BigDecimal.ZERO;
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(catalog.loadTable(TableSchemas.BILLING_LINE_ITEMS)).build()) {
      for (Record r : rows) {
        sum = sum.add((BigDecimal) r.getField("BilledCost"));
      }
    }
    return sum;
  }

  @Test
  void everyChargeClassIsIngestedTheTotalsAddUpAndTheSameObjectTwiceChangesNothing()
      throws Exception {
    Path from = exportFolder();
    BillingIngest.Summary first = ingest(from, null).run();
    assertThat(first.rowsRead).isEqualTo(9);
    assertThat(first.rowsIngested).isEqualTo(7);
    assertThat(first.deadLetterCount()).isEqualTo(2);
    assertThat(first.amounts.file).isEqualByComparingTo(FILE_TOTAL);
    assertThat(first.amounts.ingested).isEqualByComparingTo(INGESTED);
    assertThat(first.amounts.deadLettered).isEqualByComparingTo("3.25");
    assertThat(first.amounts.deadLettersWithoutAmount).isEqualTo(1);
    assertThat(first.amounts.balanced()).isTrue();
    assertThat(first.describe())
        .contains("BilledCost: file 35.386 = ingested 32.136 + dead-lettered 3.25 (balanced)");
    assertThat(first.chargeKinds)
        .containsOnlyKeys(
            "usage", "usage_reversal", "zero_cost", "credit", "tax", "rounding", "correction");
    assertThat(first.chargeKinds.get("usage_reversal").billed).isEqualByComparingTo("-11.02");
    assertThat(warehouseBilled()).isEqualByComparingTo(INGESTED);

    BillingIngest.Summary again = ingest(from, null).run(); // the same object, unchanged
    assertThat(again.rowsRead).isZero();
    assertThat(again.alreadyIngested).isEqualTo(1);
    assertThat(warehouseBilled()).isEqualByComparingTo(INGESTED);
  }

  @Test
  void aCrashBetweenPublishAndCommitThenARerunChangesNoTotal() throws Exception {
    Path from = exportFolder();
    try (EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2)) {
      Properties props = new Properties();
      props.setProperty("bootstrap.servers", kafka.bootstrapServers());
      // run 1 publishes every row, then dies before its Iceberg commit
      assertThatThrownBy(
              () ->
                  ingest(from, props)
                      .beforeCommit(
                          d -> {
                            throw new IllegalStateException("crash after publish, before commit");
                          })
                      .run())
          .hasMessageContaining("crash after publish");
      assertThat(warehouseBilled()).isZero();
      assertThat(IntegrationEnv.readCommitted(kafka, Topics.BILLING_FOCUS)).hasSize(7);

      // run 2 finds nothing committed, ingests the delivery again and publishes it again
      BillingIngest.Summary rerun = ingest(from, props).run();
      assertThat(rerun.rowsIngested).isEqualTo(7);
      assertThat(rerun.amounts.balanced()).isTrue();
      assertThat(warehouseBilled()).isEqualByComparingTo(INGESTED);
      List<JsonNode> topic = IntegrationEnv.readCommitted(kafka, Topics.BILLING_FOCUS);
      assertThat(topic).hasSize(14); // at least once: every row twice

      // what reconciliation holds from the topic: each row once, by delivery and row identity
      BillingRowParser parser = new BillingRowParser();
      java.util.Map<String, ChargeBook> books = new java.util.HashMap<>();
      BigDecimal sentTwice = BigDecimal.ZERO;
      for (JsonNode n : topic) {
        BillingLineItem b = parser.parseJson(IntegrationEnv.MAPPER.writeValueAsBytes(n));
        for (BillingCharge c : BillingCharges.of(b, b.deliveryId, b.deliveredAt)) {
          sentTwice = sentTwice.add(BigDecimal.valueOf(c.billedCost));
          Reconciliation.apply(books.computeIfAbsent(c.resourceKey, k -> new ChargeBook()), c);
        }
      }
      BigDecimal held = BigDecimal.ZERO;
      for (ChargeBook book : books.values()) {
        for (BillingCharge c : book.charges.values()) {
          held = held.add(BigDecimal.valueOf(c.billedCost));
        }
      }
      // the four usage rows of resources: 88.16 - 11.02 + 0 - 2.5
      assertThat(sentTwice).isEqualByComparingTo("149.28");
      assertThat(held).isEqualByComparingTo("74.64");
    }
  }
}
