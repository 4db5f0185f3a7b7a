package io.burnrate.connectors.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder of FOCUS 1.2 CSV files (the specification's commitment-discount examples) into a real
 * Iceberg warehouse: the warehouse's BilledCost and EffectiveCost totals equal the input's, every
 * row is ingested or dead-lettered, and a rerun ingests nothing new.
 */
class BillingFocusFolderITCase {
  private static final String EXAMPLES = "/samples/billing/focus-spec-v1.2-examples";

  @TempDir Path tmp;

  /** Copies the examples (CSV files in two subfolders) into a folder. */
  private Path exampleFolder() throws Exception {
    URL url = getClass().getResource(EXAMPLES);
    Path src = Path.of(url.toURI());
    Path dst = tmp.resolve("focus");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
        Path target = dst.resolve(src.relativize(p).toString());
        Files.createDirectories(target.getParent());
        try (InputStream in = Files.newInputStream(p)) {
          Files.copy(in, target);
        }
      }
    }
    return dst;
  }

  /** Input totals straight from the CSV text, without Burnrate's parser. */
  private record Totals(BigDecimal billed, BigDecimal effective, int rows, int hour30) {}

  private static Totals inputTotals(Path folder) throws Exception {
    BigDecimal billed = BigDecimal.ZERO;
    BigDecimal effective = BigDecimal.ZERO;
    int rows = 0;
    int hour30 = 0;
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
        List<String> lines = Files.readAllLines(p).stream().filter(l -> !l.isBlank()).toList();
        List<String> header = List.of(lines.get(0).split(","));
        int b = header.indexOf("BilledCost");
        int e = header.indexOf("EffectiveCost");
        for (String line : lines.subList(1, lines.size())) {
          rows++;
          if (line.contains("T30:00:00Z")) {
            hour30++; // an impossible hour: dead-lettered, not money
            continue;
          }
          String[] v = line.split(",", -1);
          billed = billed.add(new BigDecimal(v[b]));
          effective = effective.add(new BigDecimal(v[e]));
        }
      }
    }
    return new Totals(billed, effective, rows, hour30);
  }

  @Test
  void folderTotalsLandExactlyAndRerunIngestsNothing() throws Exception {
    Path folder = exampleFolder();
    Totals input = inputTotals(folder);
    assertThat(input.rows()).isEqualTo(25);
    CatalogConfig catalog = CatalogConfig.hadoop(tmp.resolve("warehouse"));
    List<String> progress = new ArrayList<>();
    BillingIngest.Options options =
        new BillingIngest.Options(
            folder.toString(),
            catalog,
            BillingIngest.FormatChoice.AUTO,
            null,
            null,
            tmp.resolve("work"),
            progress::add);

    BillingIngest.Summary s = new BillingIngest(options).run();
    assertThat(s.objectsRead).isEqualTo(11);
    assertThat(s.rowsRead).isEqualTo(input.rows());
    assertThat(s.rowsIngested + s.deadLetterCount()).isEqualTo(input.rows());
    assertThat(s.deadLetters).containsExactly(java.util.Map.entry(Reasons.INVALID_VALUE, 2L));
    assertThat(s.billedCost).isEqualByComparingTo(input.billed());
    assertThat(s.effectiveCost).isEqualByComparingTo(input.effective());
    assertThat(progress).anyMatch(l -> l.startsWith("delivery files-"));
    assertThat(s.describe())
        .contains("dead letters are in the table burnrate.billing_dead_letters");

    Catalog c = IcebergTables.catalogLoader(catalog).loadCatalog();
    BigDecimal billed = BigDecimal.ZERO;
    BigDecimal effective = BigDecimal.ZERO;
    long n = 0;
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(c.loadTable(TableSchemas.BILLING_LINE_ITEMS)).build()) {
      for (Record r : rows) {
        billed = billed.add((BigDecimal) r.getField("BilledCost"));
        effective = effective.add((BigDecimal) r.getField("EffectiveCost"));
        assertThat(r.getField("x_SourceFormat")).isEqualTo("focus-1.2");
        n++;
      }
    }
    assertThat(n).isEqualTo(input.rows() - input.hour30());
    assertThat(billed).isEqualByComparingTo(input.billed());
    assertThat(effective).isEqualByComparingTo(input.effective());

    BillingIngest.Summary again = new BillingIngest(options).run();
    assertThat(again.deliveries).isEmpty();
    assertThat(again.rowsRead).isZero();
    assertThat(again.alreadyIngested).isEqualTo(11);
  }
}
