package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.burnrate.connectors.billing.BillingIngest;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.tools.cli.ExportFocusCommand;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.demo.SqlRunner;
import io.burnrate.tools.simulator.FleetSimulator;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate export-focus} on a warehouse the job wrote: the simulated fleet (GPU telemetry,
 * Kubernetes events, billing delivered late and restated) through a real KRaft broker and the job
 * on a MiniCluster into Iceberg, plus a FOCUS file of another account (tax, a VM Burnrate never
 * allocated) ingested with {@code ingest-billing}'s code. The export's allocated rows add up to
 * their origin charge for every charge, its total is the bill's, every FOCUS 1.3 column is there,
 * Burnrate's columns are {@code x_}-prefixed, idle rows have no AllocatedResourceId, and each pod's
 * EffectiveCost in the export is what reconciliation gave it in {@code cost_allocations_current}.
 */
class FocusExportITCase {
  private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");

  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;
  static Path warehouse;
  static Path output;
  static int exit;
  static JsonNode summary;
  static List<String> header;
  static List<Map<String, String>> rows;

  private static final String OTHER_ACCOUNT =
      "BillingAccountId,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,"
          + "BilledCost,EffectiveCost,BillingCurrency,ChargeCategory,ResourceId,ServiceName\n"
          + "999988887777,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,2026-01-05T00:00:00Z,"
          + "2026-01-06T00:00:00Z,7.5,7.5,USD,Tax,,Tax\n"
          + "999988887777,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,2026-01-05T10:00:00Z,"
          + "2026-01-05T11:00:00Z,3.1234567,3.1234567,USD,Usage,i-0cpu0000000000001,"
          + "Amazon Elastic Compute Cloud\n";

  @BeforeAll
  static void runPipelineThenExport() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    warehouse = tmp.resolve("warehouse");
    FleetSimulator sim =
        new FleetSimulator(
            new FleetSimulator.Config(
                11, START, Duration.ofMinutes(150), 5, "it", Duration.ofSeconds(30), true));
    IntegrationEnv.publish(kafka, sim);
    IntegrationEnv.runBounded(
        IntegrationEnv.jobConfig(kafka, warehouse, "it-focus"), "burnrate-it-focus");

    Path exports = Files.createDirectories(tmp.resolve("exports"));
    Files.writeString(exports.resolve("other-account.csv"), OTHER_ACCOUNT);
    new BillingIngest(
            new BillingIngest.Options(
                exports.toString(),
                CatalogConfig.hadoop(warehouse),
                BillingIngest.FormatChoice.AUTO,
                null,
                null,
                tmp.resolve("work"),
                null))
        .run();

    output = tmp.resolve("out/focus-2026-01.csv");
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit =
          ExportFocusCommand.run(
              "--warehouse",
              warehouse.toString(),
              "--billing-period",
              "2026-01",
              "--output",
              output.toString(),
              "--json");
    } finally {
      System.setOut(stdout);
    }
    String json = captured.toString(StandardCharsets.UTF_8).trim();
    summary = new ObjectMapper().readTree(json.substring(json.lastIndexOf('\n') + 1));
    CsvMapper csv = new CsvMapper();
    csv.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    rows = new ArrayList<>();
    try (MappingIterator<String[]> it = csv.readerFor(String[].class).readValues(output.toFile())) {
      header = List.of(it.next());
      while (it.hasNext()) {
        String[] v = it.next();
        Map<String, String> r = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
          r.put(header.get(i), v[i].isEmpty() ? null : v[i]);
        }
        rows.add(r);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static BigDecimal money(String v) {
    return v == null ? BigDecimal.ZERO : new BigDecimal(v);
  }

  /**
   * The current billing rows of January: (x_DeliveryId, x_RowId) -> {BilledCost, EffectiveCost}.
   */
  private static Map<String, BigDecimal[]> charges() throws Exception {
    Map<String, BigDecimal[]> in = new HashMap<>();
    try (SqlRunner sql = new SqlRunner(CatalogConfig.hadoop(warehouse))) {
      for (Row r :
          sql.query(
                  "SELECT x_DeliveryId, x_RowId, BilledCost, EffectiveCost FROM"
                      + " billing_line_items_current WHERE BillingPeriodStart >="
                      + " TIMESTAMP '2026-01-01 00:00:00'")
              .rows()) {
        BigDecimal[] prev =
            in.put(
                r.getField(0) + "#" + r.getField(1),
                new BigDecimal[] {(BigDecimal) r.getField(2), (BigDecimal) r.getField(3)});
        assertThat(prev).as("charge %s#%s once", r.getField(0), r.getField(1)).isNull();
      }
    }
    return in;
  }

  @Test
  void everyChargeIsExportedAndItsAllocatedRowsAddUpToItExactly() throws Exception {
    assertThat(exit).isZero();
    Map<String, BigDecimal[]> in = charges();
    Map<String, BigDecimal[]> out = new HashMap<>();
    Map<String, Integer> parts = new HashMap<>();
    for (Map<String, String> r : rows) {
      String id = r.get("x_DeliveryId") + "#" + r.get("x_OriginRowId");
      out.merge(
          id,
          new BigDecimal[] {money(r.get("BilledCost")), money(r.get("EffectiveCost"))},
          (a, b) -> new BigDecimal[] {a[0].add(b[0]), a[1].add(b[1])});
      parts.merge(id, 1, Integer::sum);
    }
    assertThat(out.keySet()).isEqualTo(in.keySet());
    BigDecimal totalIn = BigDecimal.ZERO;
    BigDecimal totalOut = BigDecimal.ZERO;
    for (Map.Entry<String, BigDecimal[]> e : in.entrySet()) {
      BigDecimal[] o = out.get(e.getKey());
      assertThat(o[0]).as("BilledCost of %s", e.getKey()).isEqualByComparingTo(e.getValue()[0]);
      assertThat(o[1]).as("EffectiveCost of %s", e.getKey()).isEqualByComparingTo(e.getValue()[1]);
      totalIn = totalIn.add(e.getValue()[0]);
      totalOut = totalOut.add(o[0]);
    }
    assertThat(totalOut).isEqualByComparingTo(totalIn);
    assertThat(summary.get("balanced").asBoolean()).isTrue();
    assertThat(new BigDecimal(summary.get("currencies").get("USD").get("billed_out").asText()))
        .isEqualByComparingTo(totalIn);
    // the fleet's GPU hours were split; credits, support, tax and the CPU VM were not
    assertThat(summary.get("charges_split").asLong()).isPositive();
    assertThat(parts.values()).anyMatch(n -> n > 2);
    assertThat(summary.get("charges_not_split").get("not_usage").asLong()).isPositive();
    assertThat(summary.get("charges_not_split").get("unmatched_resource").asLong()).isPositive();
    assertThat(rows)
        .filteredOn(r -> "not_split".equals(r.get("x_AllocationStatus")))
        .allSatisfy(
            r -> {
              assertThat(r.get("AllocatedMethodId")).isNull();
              assertThat(r.get("AllocatedResourceId")).isNull();
              assertThat(r.get("AllocatedMethodDetails")).isNull();
            });
    assertThat(rows)
        .filteredOn(r -> "3.1234567".equals(r.get("BilledCost")))
        .singleElement()
        .satisfies(r -> assertThat(r.get("x_NotSplitReason")).isEqualTo("unmatched_resource"));
  }

  @Test
  void everyFocus13ColumnIsThereAndBurnratesAreXPrefixed() throws Exception {
    List<String> focus;
    try (InputStream h =
        FocusExportITCase.class.getResourceAsStream("/focus/focus-1.3-costandusage-header.csv")) {
      String text = new String(h.readAllBytes(), StandardCharsets.UTF_8);
      String line =
          text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
      focus = List.of(line.replace("\"", "").split(","));
    }
    assertThat(focus).hasSizeGreaterThan(60).contains("AllocatedMethodDetails", "BilledCost");
    assertThat(header).containsAll(focus);
    assertThat(header.stream().filter(c -> !focus.contains(c)))
        .isNotEmpty()
        .allMatch(c -> c.startsWith("x_"))
        .contains("x_Cluster", "x_Namespace", "x_Workload", "x_Team", "x_GpuSeconds");
  }

  @Test
  void idleRowsHaveNoAllocatedResourceAndPodRowsDo() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Map<String, String>> idle =
        rows.stream().filter(r -> "idle".equals(r.get("x_AllocationStatus"))).toList();
    List<Map<String, String>> pods =
        rows.stream().filter(r -> "allocated".equals(r.get("x_AllocationStatus"))).toList();
    assertThat(idle).isNotEmpty();
    assertThat(pods).isNotEmpty();
    assertThat(idle)
        .allSatisfy(
            r -> {
              assertThat(r.get("AllocatedResourceId")).isNull();
              assertThat(r.get("AllocatedResourceName")).isNull();
              assertThat(r.get("AllocatedMethodId")).isEqualTo("burnrate-gpu-seconds");
            });
    for (Map<String, String> r : pods) {
      assertThat(r.get("AllocatedResourceId")).isNotNull();
      assertThat(r.get("AllocatedResourceName")).isNotNull();
      assertThat(r.get("AllocatedMethodId")).isEqualTo("burnrate-gpu-seconds");
      assertThat(r.get("x_Workload")).isNotNull();
      JsonNode tags = json.readTree(r.get("AllocatedTags"));
      assertThat(tags.get("burnrate.io/workload").asText()).isEqualTo(r.get("x_Workload"));
    }
    // AllocatedRatio adds up to 1 for every split charge
    Map<String, BigDecimal> ratios = new HashMap<>();
    for (Map<String, String> r : rows) {
      if (r.get("AllocatedMethodDetails") != null) {
        ratios.merge(
            r.get("x_DeliveryId") + "#" + r.get("x_OriginRowId"),
            json.readTree(r.get("AllocatedMethodDetails"))
                .get("Elements")
                .get(0)
                .get("AllocatedRatio")
                .decimalValue(),
            BigDecimal::add);
      }
    }
    assertThat(ratios.values())
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s).isEqualByComparingTo("1"));
  }

  @Test
  void eachPodsEffectiveCostIsWhatReconciliationGaveIt() throws Exception {
    Map<String, BigDecimal> exported = new HashMap<>();
    Map<String, Integer> exportedRows = new HashMap<>();
    for (Map<String, String> r : rows) {
      if ("allocated".equals(r.get("x_AllocationStatus"))) {
        exported.merge(
            r.get("AllocatedResourceId"), money(r.get("EffectiveCost")), BigDecimal::add);
        exportedRows.merge(r.get("AllocatedResourceId"), 1, Integer::sum);
      }
    }
    Map<String, BigDecimal> reconciled = new HashMap<>();
    try (SqlRunner sql = new SqlRunner(CatalogConfig.hadoop(warehouse))) {
      for (Row r :
          sql.query(
                  "SELECT cluster, namespace, pod, SUM(cost) FROM cost_allocations_current"
                      + " WHERE holder_kind = 'pod' AND cost_basis = 'billed'"
                      + " GROUP BY cluster, namespace, pod")
              .rows()) {
        reconciled.put(
            r.getField(0) + "/" + r.getField(1) + "/" + r.getField(2), (BigDecimal) r.getField(3));
      }
    }
    assertThat(exported).isNotEmpty();
    for (Map.Entry<String, BigDecimal> e : exported.entrySet()) {
      // the same split, rounded once per charge here and once per hour there
      BigDecimal tolerance =
          new BigDecimal("0.000002").multiply(BigDecimal.valueOf(exportedRows.get(e.getKey())));
      assertThat(e.getValue().subtract(reconciled.getOrDefault(e.getKey(), BigDecimal.ZERO)).abs())
          .as(
              "EffectiveCost of %s: export %s, cost_allocations_current %s",
              e.getKey(), e.getValue(), reconciled.get(e.getKey()))
          .isLessThanOrEqualTo(tolerance);
    }
  }
}
