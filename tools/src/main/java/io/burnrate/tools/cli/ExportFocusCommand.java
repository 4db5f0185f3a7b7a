package io.burnrate.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.tools.focus.FocusExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./burnrate export-focus}: the billed charges of a period with Burnrate's split. */
@Command(
    name = "export-focus",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the billed charges of a billing period (billing_line_items_current) as FOCUS 1.3"
          + " Cost and Usage rows (CSV) with split cost allocation: each charge for a node"
          + " Burnrate allocated is split into one row per pod that held its GPUs (by GPU-seconds)"
          + " and one for the idle remainder (AllocatedResourceId null), adding up exactly to the"
          + " charge; every other charge (credits, tax, support, resources Burnrate did not"
          + " allocate) is written as billed. SUM(BilledCost) of the file is the bill's.",
      "Columns and method: docs/focus-export.md."
    })
public final class ExportFocusCommand implements Callable<Integer> {
  private static final String NAME = "burnrate export-focus: ";

  @picocli.CommandLine.Mixin WarehouseOptions where = new WarehouseOptions();

  @Option(
      names = "--billing-period",
      paramLabel = "YYYY-MM",
      description = "The billing period: charges whose BillingPeriodStart is in that month (UTC).")
  String billingPeriod;

  @Option(
      names = "--from",
      paramLabel = "DATE|INSTANT",
      description =
          "Instead of --billing-period: charges whose ChargePeriodStart is at or after this"
              + " (2026-01-05 or 2026-01-05T10:00:00Z).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "DATE|INSTANT",
      description = "With --from: charges whose ChargePeriodStart is before this (exclusive).")
  String to;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE|DIR",
      description =
          "The CSV file to write, or an existing folder (the file is then"
              + " focus-<period>.csv in it).")
  Path output;

  @Option(names = "--json", description = "Print the summary as one JSON line on stdout.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Instant start;
    Instant end;
    String label;
    boolean byBillingPeriod = billingPeriod != null;
    if ((billingPeriod == null) == (from == null)) {
      System.err.println(NAME + "give --billing-period YYYY-MM, or --from (and --to), not both");
      return 2;
    }
    if (billingPeriod != null) {
      if (to != null) {
        System.err.println(NAME + "--to goes with --from, not with --billing-period");
        return 2;
      }
      YearMonth m;
      try {
        m = YearMonth.parse(billingPeriod.trim());
      } catch (DateTimeParseException e) {
        System.err.println(
            NAME
                + "--billing-period: expected YYYY-MM (e.g. 2026-01), got '"
                + billingPeriod
                + "'");
        return 2;
      }
      start = m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      end = m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      label = m.toString();
    } else {
      try {
        start = instant(from);
      } catch (DateTimeParseException e) {
        System.err.println(
            NAME + "--from: expected a date (2026-01-05) or an instant, got '" + from + "'");
        return 2;
      }
      try {
        end = to == null ? Instant.now() : instant(to);
      } catch (DateTimeParseException e) {
        System.err.println(
            NAME + "--to: expected a date (2026-01-05) or an instant, got '" + to + "'");
        return 2;
      }
      if (!end.isAfter(start)) {
        System.err.println(NAME + "--to: must be after --from (" + from + ")");
        return 2;
      }
      label = from + "_" + (to == null ? "now" : to);
    }
    CatalogConfig catalog;
    try {
      catalog = where.catalog();
    } catch (IllegalArgumentException e) {
      System.err.println(NAME + e.getMessage());
      return 2;
    }
    if (catalog == null) {
      System.err.println(NAME + "--warehouse: no warehouse: give --warehouse DIR or --config FILE");
      return 2;
    }
    if (WarehouseOptions.missingFolder(catalog) != null) {
      System.err.println(NAME + "--warehouse: " + WarehouseOptions.missingFolder(catalog));
      return 2;
    }
    Path file = output;
    if (Files.isDirectory(output)) {
      file = output.resolve("focus-" + label.replace(':', '-') + ".csv");
    } else if (output.getParent() != null
        && Files.exists(output.getParent())
        && !Files.isDirectory(output.getParent())) {
      System.err.println(NAME + "--output: " + output.getParent() + " is not a folder");
      return 2;
    }
    FocusExport.Summary s;
    try {
      s =
          new FocusExport(
                  new FocusExport.Options(
                      catalog, start, end, byBillingPeriod, file, System.err::println))
              .run();
    } catch (IllegalStateException e) {
      System.err.println(NAME + e.getMessage());
      return 2;
    }
    if (json) {
      System.err.println(s.describe());
      System.out.println(new ObjectMapper().writeValueAsString(s.asMap()));
    } else {
      System.out.println(s.describe());
    }
    return s.balanced() ? 0 : 1;
  }

  /** 2026-01-05 (midnight UTC) or an ISO instant. */
  private static Instant instant(String v) {
    String t = v.trim();
    if (t.length() == 10) {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
    return Instant.parse(t);
  }

  /** For tests: the command's exit code with these arguments. */
  public static int run(String... args) {
    return new CommandLine(new ExportFocusCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }
}
