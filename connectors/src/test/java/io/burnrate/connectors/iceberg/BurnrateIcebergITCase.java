package io.burnrate.connectors.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.testing.PostgresServer;
import io.burnrate.connectors.testing.RestCatalogServer;
import io.burnrate.connectors.testing.S3ProxyServer;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link BurnrateIceberg#append} on a MiniCluster at parallelism 2 with checkpointing: bounded
 * streams of allocations and windows land exactly once, with their values, in a JDBC catalog on
 * SQLite and in a folder catalog.
 */
class BurnrateIcebergITCase {
  private static final int ROWS = 200;
  private static final Instant DAY0 = Instant.parse("2026-01-05T00:00:00Z");
  private static final String[] CLUSTERS = {"prod-eu", "prod-us", "lab"};

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir Path dir;

  // ---- data ----------------------------------------------------------------------------------

  static List<CostAllocation> allocations() {
    List<CostAllocation> out = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      CostAllocation a = new CostAllocation();
      boolean idle = i % 5 == 0;
      a.cluster = CLUSTERS[i % CLUSTERS.length];
      a.node = "node-" + (i % 7);
      a.hourStart = DAY0.plusSeconds(3600L * (i % 60)).toEpochMilli(); // 3 days
      a.hourEnd = a.hourStart + 3_600_000L;
      a.holderKind = idle ? CostAllocation.HOLDER_IDLE : CostAllocation.HOLDER_POD;
      a.id = a.cluster + "/" + a.node + "/" + a.hourStart + "/" + (idle ? "idle" : "pod-" + i);
      a.instanceType = i % 11 == 0 ? null : "p4d.24xlarge";
      a.capacityType = i % 2 == 0 ? "on-demand" : "spot";
      a.region = i % 13 == 0 ? null : "eu-west-1";
      a.providerInstanceId = i % 3 == 0 ? null : "aws:///eu-west-1a/i-0" + i;
      if (!idle) {
        a.namespace = "ns-" + (i % 4);
        a.pod = "trainer-" + i;
        a.workload = a.namespace + "/Job/job-" + (i % 9);
        a.team = i % 6 == 0 ? null : "team-" + (i % 3);
        a.project = i % 7 == 0 ? null : "llm";
        a.costCenter = i % 8 == 0 ? null : "cc-" + (i % 2);
      }
      a.gpus = idle ? 0 : 1 + i % 8;
      a.gpuSeconds = a.gpus * 3600.0 / (1 + i % 4) + 0.125;
      a.nodeGpuSeconds = 8 * 3600.0;
      boolean unpriced = i % 17 == 0;
      a.nodeHourCost = unpriced ? null : new BigDecimal("32.773000").add(BigDecimal.valueOf(i, 6));
      a.cost = unpriced ? null : BigDecimal.valueOf(1_234_567L * (i + 1), 6); // scale 6, exact
      a.costBasis = unpriced ? CostWindow.BASIS_UNPRICED : CostWindow.BASIS_ESTIMATED;
      a.currency = unpriced ? null : "USD";
      out.add(a);
    }
    // money at the edges of decimal(18, 6): the largest value, the smallest unit, rounding
    out.get(1).cost = new BigDecimal("999999999999.999999");
    out.get(2).cost = new BigDecimal("0.000001");
    out.get(3).cost = new BigDecimal("-4.500000"); // a credit
    out.get(4).cost = new BigDecimal("0.1234565"); // 7 decimals: half-even to 0.123456
    out.get(6).cost = new BigDecimal("0.1234575"); // 7 decimals: half-even to 0.123458
    out.get(7).cost = new BigDecimal("12"); // scale 0
    return out;
  }

  static List<CostWindow> windows() {
    List<CostWindow> out = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      CostWindow w = new CostWindow();
      boolean idle = i % 4 == 0;
      w.kind = idle ? CostWindow.KIND_IDLE : CostWindow.KIND_WORKLOAD;
      w.cluster = CLUSTERS[i % CLUSTERS.length];
      w.windowStart = DAY0.plusSeconds(60L * 17 * i).toEpochMilli(); // ~2.4 days
      w.windowEnd = w.windowStart + 60_000L;
      w.emittedAt = w.windowEnd + (i % 1000); // milliseconds survive
      w.node = "node-" + (i % 5);
      w.id = w.kind + "|" + w.cluster + "|" + (idle ? w.node : "w" + i) + "|" + w.windowStart;
      if (!idle) {
        w.namespace = "ns-" + (i % 4);
        w.workload = w.namespace + "/Job/job-" + i;
        w.team = i % 6 == 0 ? null : "team-" + (i % 3);
        w.project = i % 7 == 0 ? null : "llm";
        w.costCenter = i % 9 == 0 ? null : "cc-1";
        w.pods = 1 + i % 3;
        w.gpuSeconds = 60.0 * (1 + i % 8);
      } else {
        w.idleGpuSeconds = 60.0 * (i % 8) + 0.5;
      }
      w.instanceType = i % 10 == 0 ? null : "a3-highgpu-8g";
      w.capacityType = i % 3 == 0 ? null : "spot";
      w.region = "europe-west4";
      w.gpuModel = i % 11 == 0 ? null : "NVIDIA H100 80GB HBM3";
      boolean telemetry = i % 5 != 0;
      w.telemetryCoverage = telemetry ? (i % 10) / 10.0 + 0.05 : 0.0;
      w.meanUtilization = telemetry ? 0.013 * (i % 70) : null;
      w.efficiency = telemetry ? 0.011 * (i % 80) : null;
      boolean unpriced = i % 13 == 0;
      w.costBasis = unpriced ? CostWindow.BASIS_UNPRICED : CostWindow.BASIS_ESTIMATED;
      w.currency = unpriced ? null : "USD";
      w.cost = unpriced ? null : 0.1 * i + 1e-9;
      w.wastedCost = unpriced || !telemetry ? null : w.cost * (1 - w.efficiency);
      w.samples = i % 3 == 0 ? null : 100.0 * i;
      w.costPerSample =
          w.samples == null || w.cost == null || w.samples == 0 ? null : w.cost / w.samples;
      w.tokens = i % 2 == 0 ? null : 1.5e6 * i;
      w.requests = i % 2 == 0 ? null : (double) i;
      w.costPerMillionTokens = w.tokens == null || w.cost == null ? null : w.cost / w.tokens * 1e6;
      w.costPerThousandRequests =
          w.requests == null || w.cost == null ? null : w.cost / w.requests * 1e3;
      out.add(w);
    }
    return out;
  }

  // ---- expectations in Iceberg's generic representation ---------------------------------------

  private static OffsetDateTime ts(long epochMs) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
  }

  static Map<String, Object> expected(CostAllocation a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.id);
    m.put("cluster", a.cluster);
    m.put("node", a.node);
    m.put("instance_type", a.instanceType);
    m.put("capacity_type", a.capacityType);
    m.put("region", a.region);
    m.put("provider_instance_id", a.providerInstanceId);
    m.put("hour_start", ts(a.hourStart));
    m.put("hour_end", ts(a.hourEnd));
    m.put("holder_kind", a.holderKind);
    m.put("namespace", a.namespace);
    m.put("pod", a.pod);
    m.put("workload", a.workload);
    m.put("team", a.team);
    m.put("project", a.project);
    m.put("cost_center", a.costCenter);
    m.put("gpus", a.gpus);
    m.put("gpu_seconds", a.gpuSeconds);
    m.put("node_gpu_seconds", a.nodeGpuSeconds);
    m.put("node_hour_cost", a.nodeHourCost);
    // decimal(18, 6): amounts with more decimals are checked separately
    m.put("cost", a.cost == null || a.cost.scale() > 6 ? null : a.cost.setScale(6));
    m.put("cost_basis", a.costBasis);
    m.put("currency", a.currency);
    m.put("version", a.version);
    m.put("billed_cost", a.billedCost);
    m.put("effective_cost", a.effectiveCost);
    m.put("billing_delivery", a.billingDelivery);
    m.put("unallocated_reason", a.unallocatedReason);
    return m;
  }

  static Map<String, Object> expected(CostWindow w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", w.id);
    m.put("kind", w.kind);
    m.put("window_start", ts(w.windowStart));
    m.put("window_end", ts(w.windowEnd));
    m.put("cluster", w.cluster);
    m.put("namespace", w.namespace);
    m.put("workload", w.workload);
    m.put("team", w.team);
    m.put("project", w.project);
    m.put("cost_center", w.costCenter);
    m.put("node", w.node);
    m.put("instance_type", w.instanceType);
    m.put("capacity_type", w.capacityType);
    m.put("region", w.region);
    m.put("gpu_model", w.gpuModel);
    m.put("pods", w.pods);
    m.put("gpu_seconds", w.gpuSeconds);
    m.put("mean_utilization", w.meanUtilization);
    m.put("telemetry_coverage", w.telemetryCoverage);
    m.put("efficiency", w.efficiency);
    m.put("cost", w.cost);
    m.put("cost_basis", w.costBasis);
    m.put("currency", w.currency);
    m.put("wasted_cost", w.wastedCost);
    m.put("samples", w.samples);
    m.put("cost_per_sample", w.costPerSample);
    m.put("tokens", w.tokens);
    m.put("requests", w.requests);
    m.put("idle_gpu_seconds", w.idleGpuSeconds);
    m.put("emitted_at", ts(w.emittedAt));
    m.put("cost_per_million_tokens", w.costPerMillionTokens);
    m.put("cost_per_thousand_requests", w.costPerThousandRequests);
    m.put("memory_used_ratio", w.memoryUsedRatio);
    m.put("idle_share_cost", w.idleShareCost);
    m.put("usage_cost", w.usageCost);
    m.put("cost_per_sample_usage", w.costPerSampleUsage);
    m.put("site", w.site);
    m.put("energy_cost", w.energyCost);
    m.put("cloud_on_demand_cost", w.cloudOnDemandCost);
    m.put("cloud_spot_cost", w.cloudSpotCost);
    m.put("loss", w.loss);
    m.put("val_loss", w.valLoss);
    m.put("step", w.step);
    m.put("loss_non_finite", w.lossNonFinite);
    m.put("total_steps", w.totalSteps);
    return m;
  }

  // ---- the job ---------------------------------------------------------------------------------

  private static void runJob(
      CatalogConfig catalog, List<CostAllocation> allocs, List<CostWindow> wins) throws Exception {
    Configuration conf = new Configuration();
    conf.setString("pipeline.generic-types", "false");
    conf.setString("restart-strategy.type", "none"); // fail fast instead of retrying forever
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(200);
    BurnrateIceberg.append(
        env.fromData(allocs),
        ExpectedRows::allocation,
        catalog,
        TableSchemas.COST_ALLOCATIONS,
        TableSchemas.COST_ALLOCATIONS_SCHEMA,
        TableSchemas.COST_ALLOCATIONS_SPEC,
        "it-allocations");
    BurnrateIceberg.append(
        env.fromData(wins),
        ExpectedRows::window,
        catalog,
        TableSchemas.WORKLOAD_WINDOWS,
        TableSchemas.WORKLOAD_WINDOWS_SCHEMA,
        TableSchemas.WORKLOAD_WINDOWS_SPEC,
        "it-windows");
    env.execute("burnrate-iceberg-it");
  }

  private static List<Record> read(Table table) throws Exception {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      for (Record r : it) {
        rows.add(r.copy());
      }
    }
    return rows;
  }

  private static void assertLanded(
      Catalog catalog, TableIdentifier id, Schema schema, List<Map<String, Object>> expected)
      throws Exception {
    Table table = catalog.loadTable(id);
    List<Record> rows = read(table);
    assertThat(rows).as("%s: every row exactly once", id).hasSize(expected.size());

    Map<String, Record> byId = new HashMap<>();
    for (Record r : rows) {
      assertThat(byId.put((String) r.getField("id"), r)).as("duplicate %s", r).isNull();
    }
    List<String> columns = schema.columns().stream().map(Types.NestedField::name).toList();
    for (Map<String, Object> e : expected) {
      assertThat(e.keySet()).containsExactlyElementsOf(columns);
      Record r = byId.get((String) e.get("id"));
      assertThat(r).as("row %s", e.get("id")).isNotNull();
      for (String c : columns) {
        assertThat(r.getField(c)).as("%s %s.%s", id, e.get("id"), c).isEqualTo(e.get(c));
      }
    }

    Snapshot s = table.currentSnapshot();
    assertThat(s).isNotNull();
    assertThat(s.summary()).containsEntry("total-records", Integer.toString(expected.size()));

    // data files are partitioned by (day of the time column, cluster)
    String timeColumn = schema.findColumnName(table.spec().fields().get(0).sourceId());
    Set<String> expectedPartitions = new TreeSet<>();
    for (Map<String, Object> e : expected) {
      expectedPartitions.add(
          ((OffsetDateTime) e.get(timeColumn)).toLocalDate().toEpochDay() + "/" + e.get("cluster"));
    }
    Set<String> partitions = new TreeSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        StructLike p = t.file().partition();
        partitions.add(p.get(0, Integer.class) + "/" + p.get(1, String.class));
      }
    }
    assertThat(partitions).hasSizeGreaterThan(3).isEqualTo(expectedPartitions);
  }

  private void roundTrip(CatalogConfig catalog) throws Exception {
    List<CostAllocation> allocs = allocations();
    List<CostWindow> wins = windows();
    runJob(catalog, allocs, wins);

    List<Map<String, Object>> expectedAllocs = new ArrayList<>();
    for (CostAllocation a : allocs) {
      expectedAllocs.add(expected(a));
    }
    // rounding to micro-units (half-even) of the two 7-decimal amounts
    expectedAllocs.get(4).put("cost", new BigDecimal("0.123456"));
    expectedAllocs.get(6).put("cost", new BigDecimal("0.123458"));
    List<Map<String, Object>> expectedWins = new ArrayList<>();
    for (CostWindow w : wins) {
      expectedWins.add(expected(w));
    }

    Catalog c = IcebergTables.catalogLoader(catalog).loadCatalog();
    try {
      assertLanded(
          c, TableSchemas.COST_ALLOCATIONS, TableSchemas.COST_ALLOCATIONS_SCHEMA, expectedAllocs);
      assertLanded(
          c, TableSchemas.WORKLOAD_WINDOWS, TableSchemas.WORKLOAD_WINDOWS_SCHEMA, expectedWins);
      Record big =
          read(c.loadTable(TableSchemas.COST_ALLOCATIONS)).stream()
              .filter(r -> r.getField("id").equals(allocs.get(1).id))
              .findFirst()
              .orElseThrow();
      assertThat(big.getField("cost")).isEqualTo(new BigDecimal("999999999999.999999"));
    } finally {
      if (c instanceof AutoCloseable ac) {
        ac.close();
      }
    }
  }

  @Test
  void appendsExactlyOnceToAJdbcCatalogOnSqlite() throws Exception {
    roundTrip(CatalogConfig.sqlite(dir));
  }

  @Test
  void appendsExactlyOnceToAHadoopCatalog() throws Exception {
    roundTrip(CatalogConfig.hadoop(dir));
  }

  @Test
  void appendsExactlyOnceToAJdbcCatalogOnPostgresql() throws Exception {
    PostgresServer.assumeInstalled();
    try (PostgresServer pg = new PostgresServer()) {
      roundTrip(
          new CatalogConfig(
              "burnrate",
              CatalogConfig.Type.JDBC,
              dir.resolve("warehouse").toUri().toString(),
              pg.jdbcUrl(),
              Map.of("jdbc.user", pg.user(), "jdbc.password", pg.password())));
    }
  }

  @Test
  void appendsExactlyOnceThroughARestCatalogToS3() throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer(Files.createDirectories(dir.resolve("s3")));
        S3Client client = s3.settings().client()) {
      client.createBucket(b -> b.bucket("lake"));
      String warehouse = "s3://lake/warehouse";
      try (RestCatalogServer rest =
          RestCatalogServer.overSqlite(
              dir.resolve("rest-catalog.db"), warehouse, s3.icebergProperties())) {
        roundTrip(
            new CatalogConfig(
                "burnrate",
                CatalogConfig.Type.REST,
                warehouse,
                rest.uri(),
                s3.icebergProperties()));
      }
      // data and metadata went to the bucket through S3FileIO, nothing to the local disk
      List<String> keys =
          client
              .listObjectsV2Paginator(b -> b.bucket("lake").prefix("warehouse/"))
              .contents()
              .stream()
              .map(o -> o.key())
              .toList();
      assertThat(keys).anyMatch(k -> k.endsWith(".parquet")).anyMatch(k -> k.endsWith(".avro"));
      assertThat(keys).anyMatch(k -> k.endsWith(".metadata.json"));
    }
  }
}
