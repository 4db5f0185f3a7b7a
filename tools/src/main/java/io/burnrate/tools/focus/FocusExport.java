package io.burnrate.tools.focus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.reconcile.BillingCharges;
import io.burnrate.jobs.reconcile.ResourceIds;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.tools.demo.SqlRunner;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.types.Row;

/**
 * Writes the billed charges of a period as FOCUS 1.3 Cost and Usage rows with Burnrate's split cost
 * allocation: every charge of {@code billing_line_items_current} that reconciliation put on
 * node-hours Burnrate allocated (billed basis in {@code cost_allocations_current}) becomes one
 * allocated charge per pod that held GPUs in those hours and one for the idle remainder (null
 * {@code AllocatedResourceId}), adding up exactly to the origin charge in every summable column;
 * every other charge (credits, taxes, support, resources Burnrate did not allocate) is written as
 * billed, with null {@code Allocated*} columns. So the export's {@code SUM(BilledCost)} is the
 * bill's. See docs/focus-export.md.
 */
public final class FocusExport {
  private static final long HOUR = 3_600_000L;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.WRITE_BIGDECIMAL_AS_PLAIN);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** Workload labels as {@code cost_allocations} keeps them: AllocatedTags key -> column. */
  private static final Map<String, String> LABELS =
      Map.of("team", "team", "project", "project", "cost-center", "cost_center");

  /** Prefix of the tags Burnrate defines (FOCUS: data generator-defined tag keys are prefixed). */
  public static final String TAG_PREFIX = "burnrate.io/";

  /**
   * What to export.
   *
   * @param byBillingPeriod true: charges whose {@code BillingPeriodStart} is in {@code [from, to)};
   *     false: charges whose {@code ChargePeriodStart} is
   * @param progress where progress lines go (stderr), or null
   */
  public record Options(
      CatalogConfig catalog,
      Instant from,
      Instant to,
      boolean byBillingPeriod,
      Path output,
      Consumer<String> progress) {}

  private final Options opt;

  public FocusExport(Options opt) {
    this.opt = opt;
  }

  private void progress(String line) {
    if (opt.progress() != null) {
      opt.progress().accept(line);
    }
  }

  /** Reads the warehouse, writes {@link Options#output()}, returns what it wrote. */
  public Summary run() throws Exception {
    long t0 = System.nanoTime();
    List<Map<String, Object>> charges;
    Map<String, NavigableMap<Long, List<FocusSplit.HolderHour>>> hours = new HashMap<>();
    Set<String> allocatedKeys = new HashSet<>();
    try (SqlRunner sql = new SqlRunner(opt.catalog())) {
      List<String> tables =
          sql.query("SHOW TABLES").rows().stream().map(r -> (String) r.getField(0)).toList();
      if (!tables.contains("billing_line_items") || !tables.contains("billing_deliveries")) {
        throw new IllegalStateException(
            "the warehouse has no billing (tables billing_line_items, billing_deliveries): run"
                + " ./burnrate ingest-billing, or the job with billing, first");
      }
      String column = opt.byBillingPeriod() ? "BillingPeriodStart" : "ChargePeriodStart";
      progress(
          "reading billing_line_items_current: "
              + column
              + " in ["
              + opt.from()
              + ", "
              + opt.to()
              + ")");
      charges =
          maps(
              sql.query(
                  "SELECT * FROM billing_line_items_current WHERE "
                      + column
                      + " >= "
                      + ts(opt.from())
                      + " AND "
                      + column
                      + " < "
                      + ts(opt.to())));
      progress(charges.size() + " charges");
      if (charges.isEmpty()) {
        progress(
            "no billing rows in that period; the periods there are: ./burnrate sql --warehouse ..."
                + " \"SELECT DISTINCT BillingPeriodStart FROM billing_line_items_current\"");
      }
      long lo = Long.MAX_VALUE;
      long hi = Long.MIN_VALUE;
      for (Map<String, Object> c : charges) {
        lo = Math.min(lo, millis(c.get("ChargePeriodStart")) - HOUR);
        hi = Math.max(hi, millis(c.get("ChargePeriodEnd")));
      }
      if (!charges.isEmpty() && tables.contains("cost_allocations")) {
        List<Map<String, Object>> allocations =
            maps(
                sql.query(
                    "SELECT cluster, node, provider_instance_id, hour_start, holder_kind,"
                        + " namespace, pod, workload, team, project, cost_center, gpu_seconds,"
                        + " node_gpu_seconds, cost_basis FROM "
                        + SqlRunner.ALLOCATIONS_CURRENT_VIEW
                        + " WHERE holder_kind IN ('pod', 'idle') AND provider_instance_id IS NOT"
                        + " NULL AND hour_start >= "
                        + ts(Instant.ofEpochMilli(lo))
                        + " AND hour_start < "
                        + ts(Instant.ofEpochMilli(hi))));
        int billed = 0;
        for (Map<String, Object> a : allocations) {
          String key = ResourceIds.instanceKey((String) a.get("provider_instance_id"));
          if (key == null) {
            continue;
          }
          allocatedKeys.add(key);
          if (!"billed".equals(a.get("cost_basis"))) {
            continue;
          }
          billed++;
          hours
              .computeIfAbsent(key, k -> new TreeMap<>())
              .computeIfAbsent(millis(a.get("hour_start")), k -> new ArrayList<>())
              .add(holderHour(a));
        }
        progress(
            allocations.size()
                + " allocation rows of "
                + allocatedKeys.size()
                + " resources ("
                + billed
                + " on billed hours)");
      }
    }
    Summary s = new Summary();
    s.output = opt.output();
    Path out = opt.output().toAbsolutePath();
    Files.createDirectories(out.getParent());
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      List<String> header = FocusColumns.all();
      writeCsvLine(w, header);
      for (Map<String, Object> c : charges) {
        String key = ResourceIds.instanceKey((String) c.get("ResourceId"));
        NavigableMap<Long, List<FocusSplit.HolderHour>> byHour =
            key == null ? null : hours.get(key);
        List<FocusSplit.HolderHour> covering = new ArrayList<>();
        if (byHour != null) {
          for (List<FocusSplit.HolderHour> l :
              byHour
                  .subMap(
                      millis(c.get("ChargePeriodStart")) - HOUR,
                      false,
                      millis(c.get("ChargePeriodEnd")),
                      false)
                  .values()) {
            covering.addAll(l);
          }
        }
        List<Map<String, Object>> rows =
            rows(c, covering, key != null && allocatedKeys.contains(key));
        s.add(c, rows);
        for (Map<String, Object> r : rows) {
          List<String> values = new ArrayList<>(header.size());
          for (String h : header) {
            values.add(text(r.get(h)));
          }
          writeCsvLine(w, values);
        }
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    s.seconds = (System.nanoTime() - t0) / 1e9;
    return s;
  }

  private static FocusSplit.HolderHour holderHour(Map<String, Object> a) {
    boolean idle = "idle".equals(a.get("holder_kind"));
    String cluster = (String) a.get("cluster");
    return new FocusSplit.HolderHour(
        millis(a.get("hour_start")),
        idle ? null : cluster + "/" + a.get("namespace") + "/" + a.get("pod"),
        cluster,
        (String) a.get("node"),
        (String) a.get("namespace"),
        (String) a.get("pod"),
        (String) a.get("workload"),
        (String) a.get("team"),
        (String) a.get("project"),
        (String) a.get("cost_center"),
        ((Number) a.get("gpu_seconds")).doubleValue(),
        ((Number) a.get("node_gpu_seconds")).doubleValue());
  }

  /**
   * The export rows of one charge ({@code billing_line_items_current} columns): the charge as
   * billed with {@code x_NotSplitReason}, or its allocated charges over {@code hours} (the billed
   * node-hours of its resource that its period overlaps).
   *
   * @param allocated whether Burnrate allocated the charge's resource at all in the period
   */
  public static List<Map<String, Object>> rows(
      Map<String, Object> charge, List<FocusSplit.HolderHour> hours, boolean allocated) {
    Map<String, Object> base = origin(charge);
    String reason = notSplitReason(charge, allocated);
    List<FocusSplit.Share> shares = List.of();
    if (reason == null) {
      shares =
          FocusSplit.shares(
              millis(charge.get("ChargePeriodStart")),
              millis(charge.get("ChargePeriodEnd")),
              hours);
      if (shares.isEmpty()) {
        reason = "no_billed_hour";
      }
    }
    if (reason != null) {
      base.put("x_AllocationStatus", FocusColumns.NOT_SPLIT);
      base.put("x_NotSplitReason", reason);
      return List.of(base);
    }
    double[] weights = FocusSplit.weights(shares);
    BigDecimal[] ratios = FocusSplit.splitExact(BigDecimal.ONE, weights, FocusSplit.RATIO_SCALE);
    Map<String, BigDecimal[]> parts = new HashMap<>();
    for (String m : FocusColumns.MONEY) {
      BigDecimal v = (BigDecimal) base.get(m);
      parts.put(m, FocusSplit.splitExact(v, weights, FocusSplit.moneyScale(v)));
    }
    for (String q : FocusColumns.QUANTITIES) {
      BigDecimal v = (BigDecimal) base.get(q);
      parts.put(q, FocusSplit.splitExact(v, weights, FocusSplit.moneyScale(v)));
    }
    @SuppressWarnings("unchecked")
    Map<String, String> tags =
        charge.get("Tags") instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
    List<Map<String, Object>> out = new ArrayList<>(shares.size());
    for (int i = 0; i < shares.size(); i++) {
      FocusSplit.Share sh = shares.get(i);
      FocusSplit.HolderHour h = sh.holder();
      Map<String, Object> r = new LinkedHashMap<>(base);
      for (Map.Entry<String, BigDecimal[]> e : parts.entrySet()) {
        r.put(e.getKey(), e.getValue()[i]);
      }
      r.put("AllocatedMethodId", FocusSplit.METHOD_ID);
      r.put("AllocatedMethodDetails", methodDetails(ratios[i], sh.usage()));
      r.put("x_Cluster", h.cluster());
      r.put("x_Node", h.node());
      r.put("x_GpuSeconds", gpuSeconds(sh.usage()));
      if (sh.idle()) {
        r.put("x_AllocationStatus", FocusColumns.IDLE);
      } else {
        r.put("x_AllocationStatus", FocusColumns.ALLOCATED);
        r.put("AllocatedResourceId", h.holderId());
        r.put("AllocatedResourceName", h.namespace() + "/" + h.pod());
        r.put("AllocatedTags", allocatedTags(h, tags));
        r.put("x_Namespace", h.namespace());
        r.put("x_Pod", h.pod());
        r.put("x_Workload", h.workload());
        r.put("x_Team", h.team());
        r.put("x_Project", h.project());
        r.put("x_CostCenter", h.costCenter());
      }
      out.add(r);
    }
    return out;
  }

  /** Why a charge is exported as billed, or null when reconciliation put it on node-hours. */
  static String notSplitReason(Map<String, Object> charge, boolean allocated) {
    BillingLineItem b = new BillingLineItem();
    b.chargeCategory = (String) charge.get("ChargeCategory");
    b.resourceId = (String) charge.get("ResourceId");
    b.chargePeriodStart = millis(charge.get("ChargePeriodStart"));
    b.chargePeriodEnd = millis(charge.get("ChargePeriodEnd"));
    if (BillingCharges.pricesResource(b)) {
      return allocated ? null : "unmatched_resource";
    }
    if (!"Usage".equalsIgnoreCase(b.chargeCategory)) {
      return "not_usage";
    }
    if (ResourceIds.instanceKey(b.resourceId) == null) {
      return "no_resource";
    }
    return "charge_period";
  }

  /** The charge's FOCUS columns (the lake's, the rest null) and its Burnrate provenance. */
  private static Map<String, Object> origin(Map<String, Object> c) {
    Map<String, Object> r = new LinkedHashMap<>();
    for (String col : FocusColumns.FOCUS_1_3) {
      r.put(col, FocusColumns.FROM_THE_LAKE.contains(col) ? c.get(col) : null);
    }
    for (String q : FocusColumns.QUANTITIES) {
      Object v = r.get(q);
      if (v instanceof Double d) {
        r.put(q, Double.isFinite(d) ? BigDecimal.valueOf(d) : null);
      }
    }
    for (String m : FocusColumns.MONEY) {
      if (r.get(m) instanceof BigDecimal d) {
        r.put(m, d.stripTrailingZeros().scale() < 0 ? d.setScale(0) : d.stripTrailingZeros());
      }
    }
    r.put("x_DeliveryId", c.get("x_DeliveryId"));
    r.put("x_OriginRowId", c.get("x_RowId"));
    r.put("x_ChargeKind", c.get("x_ChargeKind"));
    r.put("x_SourceFormat", c.get("x_SourceFormat"));
    r.put("x_InstanceType", c.get("x_InstanceType"));
    return r;
  }

  /** {@code AllocatedMethodDetails}: one element, the ratio by GPU-seconds and their quantity. */
  static String methodDetails(BigDecimal ratio, double gpuSeconds) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("AllocatedRatio", ratio.stripTrailingZeros());
    e.put("UsageUnit", FocusSplit.USAGE_UNIT);
    e.put("UsageQuantity", gpuSeconds(gpuSeconds));
    return json(Map.of("Elements", List.of(e)));
  }

  /**
   * {@code AllocatedTags}: the pod's workload labels ({@code team}, {@code project}, {@code
   * cost-center}) and Burnrate's own tags ({@code burnrate.io/namespace}, {@code
   * burnrate.io/workload}), without the tags the origin charge's {@code Tags} already carry.
   */
  static String allocatedTags(FocusSplit.HolderHour h, Map<String, String> originTags) {
    Map<String, String> t = new TreeMap<>();
    Map<String, String> values = new HashMap<>();
    values.put("team", h.team());
    values.put("project", h.project());
    values.put("cost_center", h.costCenter());
    for (Map.Entry<String, String> l : LABELS.entrySet()) {
      String v = values.get(l.getValue());
      if (v != null) {
        t.put(l.getKey(), v);
      }
    }
    if (h.namespace() != null) {
      t.put(TAG_PREFIX + "namespace", h.namespace());
    }
    if (h.workload() != null) {
      t.put(TAG_PREFIX + "workload", h.workload());
    }
    t.entrySet().removeIf(e -> e.getValue().equals(originTags.get(e.getKey())));
    return json(t);
  }

  /** GPU-seconds to the millisecond, without the binary noise of their sum. */
  private static BigDecimal gpuSeconds(double v) {
    BigDecimal d =
        BigDecimal.valueOf(v).setScale(3, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String ts(Instant t) {
    return "TO_TIMESTAMP_LTZ(" + t.toEpochMilli() + ", 3)";
  }

  static long millis(Object v) {
    if (v instanceof Instant i) {
      return i.toEpochMilli();
    }
    if (v instanceof java.time.LocalDateTime l) {
      return l.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
    if (v instanceof java.time.OffsetDateTime o) {
      return o.toInstant().toEpochMilli();
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("not a time: " + v);
  }

  private static List<Map<String, Object>> maps(SqlRunner.Result r) {
    List<Map<String, Object>> out = new ArrayList<>(r.rows().size());
    for (Row row : r.rows()) {
      Map<String, Object> m = new HashMap<>();
      for (int i = 0; i < r.columns().size(); i++) {
        m.put(r.columns().get(i), row.getField(i));
      }
      out.add(m);
    }
    return out;
  }

  /** A value as CSV text: times in FOCUS's {@code YYYY-MM-DDTHH:mm:ssZ}, maps as JSON objects. */
  static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Instant || v instanceof java.time.LocalDateTime) {
      return TIME.format(Instant.ofEpochMilli(millis(v)));
    }
    if (v instanceof Map<?, ?> m) {
      return json(new TreeMap<>(m));
    }
    return v.toString();
  }

  static void writeCsvLine(Writer w, List<String> values) throws IOException {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        w.write(',');
      }
      String v = values.get(i);
      if (v.indexOf(',') >= 0
          || v.indexOf('"') >= 0
          || v.indexOf('\n') >= 0
          || v.indexOf('\r') >= 0) {
        w.write('"');
        w.write(v.replace("\"", "\"\""));
        w.write('"');
      } else {
        w.write(v);
      }
    }
    w.write("\r\n");
  }

  /** What an export wrote: rows, and BilledCost / EffectiveCost in and out per currency. */
  public static final class Summary {
    public Path output;
    public long charges;
    public long chargesSplit;
    public long rowsOut;
    public double seconds;
    public final Map<String, Long> notSplit = new TreeMap<>();
    public final Map<String, Totals> currencies = new TreeMap<>();

    /** Amounts of one currency. */
    public static final class Totals {
      public BigDecimal billedIn = BigDecimal.ZERO;
      public BigDecimal billedOut = BigDecimal.ZERO;
      public BigDecimal effectiveIn = BigDecimal.ZERO;
      public BigDecimal effectiveOut = BigDecimal.ZERO;

      /** BilledCost of the charges that were split, and of their pod and idle parts. */
      public BigDecimal splitBilled = BigDecimal.ZERO;

      public BigDecimal podBilled = BigDecimal.ZERO;
      public BigDecimal idleBilled = BigDecimal.ZERO;

      public boolean balanced() {
        return billedIn.compareTo(billedOut) == 0 && effectiveIn.compareTo(effectiveOut) == 0;
      }

      /** Idle's part of the split charges' BilledCost (null when nothing was split). */
      public BigDecimal idleShare() {
        return splitBilled.signum() == 0
            ? null
            : idleBilled.divide(splitBilled, 4, java.math.RoundingMode.HALF_EVEN);
      }
    }

    void add(Map<String, Object> charge, List<Map<String, Object>> rows) {
      charges++;
      rowsOut += rows.size();
      Totals t =
          currencies.computeIfAbsent(
              String.valueOf(charge.get("BillingCurrency")), k -> new Totals());
      t.billedIn = t.billedIn.add((BigDecimal) charge.get("BilledCost"));
      if (charge.get("EffectiveCost") instanceof BigDecimal e) {
        t.effectiveIn = t.effectiveIn.add(e);
      }
      boolean split = !FocusColumns.NOT_SPLIT.equals(rows.get(0).get("x_AllocationStatus"));
      if (split) {
        chargesSplit++;
        t.splitBilled = t.splitBilled.add((BigDecimal) charge.get("BilledCost"));
      } else {
        notSplit.merge((String) rows.get(0).get("x_NotSplitReason"), 1L, Long::sum);
      }
      for (Map<String, Object> r : rows) {
        BigDecimal billed = (BigDecimal) r.get("BilledCost");
        t.billedOut = t.billedOut.add(billed);
        if (r.get("EffectiveCost") instanceof BigDecimal e) {
          t.effectiveOut = t.effectiveOut.add(e);
        }
        if (FocusColumns.IDLE.equals(r.get("x_AllocationStatus"))) {
          t.idleBilled = t.idleBilled.add(billed);
        } else if (FocusColumns.ALLOCATED.equals(r.get("x_AllocationStatus"))) {
          t.podBilled = t.podBilled.add(billed);
        }
      }
    }

    public boolean balanced() {
      return currencies.values().stream().allMatch(Totals::balanced);
    }

    /** A few lines for a person. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("wrote %d rows to %s in %.1f s%n", rowsOut, output, seconds));
      sb.append(
          String.format(
              "charges: %d, %d split over pods and idle, %d exported as billed %s%n",
              charges, chargesSplit, charges - chargesSplit, notSplit));
      for (Map.Entry<String, Totals> e : currencies.entrySet()) {
        Totals t = e.getValue();
        sb.append(
            String.format(
                "%s BilledCost in %s, out %s%s; EffectiveCost in %s, out %s%n",
                e.getKey(),
                plain(t.billedIn),
                plain(t.billedOut),
                t.balanced() ? " (balanced)" : " (NOT BALANCED)",
                plain(t.effectiveIn),
                plain(t.effectiveOut)));
        BigDecimal share = t.idleShare();
        sb.append(
            String.format(
                "%s split BilledCost %s: pods %s, idle %s%s%n",
                e.getKey(),
                plain(t.splitBilled),
                plain(t.podBilled),
                plain(t.idleBilled),
                share == null
                    ? ""
                    : " ("
                        + share.movePointRight(2).stripTrailingZeros().toPlainString()
                        + "% idle)"));
      }
      return sb.toString().stripTrailing();
    }

    private static String plain(BigDecimal d) {
      return d.stripTrailingZeros().scale() < 0
          ? d.setScale(0).toPlainString()
          : d.stripTrailingZeros().toPlainString();
    }

    /** The summary as a JSON-ready map. */
    public Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("output", output.toString());
      m.put("rows_out", rowsOut);
      m.put("charges", charges);
      m.put("charges_split", chargesSplit);
      m.put("charges_not_split", notSplit);
      m.put("balanced", balanced());
      Map<String, Object> cur = new LinkedHashMap<>();
      for (Map.Entry<String, Totals> e : currencies.entrySet()) {
        Totals t = e.getValue();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("billed_in", plain(t.billedIn));
        c.put("billed_out", plain(t.billedOut));
        c.put("effective_in", plain(t.effectiveIn));
        c.put("effective_out", plain(t.effectiveOut));
        c.put("split_billed", plain(t.splitBilled));
        c.put("pod_billed", plain(t.podBilled));
        c.put("idle_billed", plain(t.idleBilled));
        c.put("idle_share", t.idleShare() == null ? null : t.idleShare().toPlainString());
        cur.put(e.getKey(), c);
      }
      m.put("currencies", cur);
      m.put("seconds", Math.round(seconds * 10) / 10.0);
      return m;
    }
  }
}
