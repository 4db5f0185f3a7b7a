package io.burnrate.connectors.iceberg;

import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.BudgetStatus;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

/**
 * The tests' oracle: each output record mapped field by field, by hand, to its table's row in the
 * column order of {@link TableSchemas}, independently of the one row path the jobs use (the
 * record's JSON read by {@link JsonRows}). {@code JsonRowsTest} compares the two.
 */
public final class ExpectedRows {
  private ExpectedRows() {}

  public static RowData window(CostWindow w) {
    GenericRowData r = new GenericRowData(45);
    r.setField(0, s(w.id));
    r.setField(1, s(w.kind));
    r.setField(2, TimestampData.fromEpochMillis(w.windowStart));
    r.setField(3, TimestampData.fromEpochMillis(w.windowEnd));
    r.setField(4, s(w.cluster));
    r.setField(5, s(w.namespace));
    r.setField(6, s(w.workload));
    r.setField(7, s(w.team));
    r.setField(8, s(w.project));
    r.setField(9, s(w.costCenter));
    r.setField(10, s(w.node));
    r.setField(11, s(w.instanceType));
    r.setField(12, s(w.capacityType));
    r.setField(13, s(w.region));
    r.setField(14, s(w.gpuModel));
    r.setField(15, w.pods);
    r.setField(16, w.gpuSeconds);
    r.setField(17, w.meanUtilization);
    r.setField(18, w.telemetryCoverage);
    r.setField(19, w.efficiency);
    r.setField(20, w.cost);
    r.setField(21, s(w.costBasis));
    r.setField(22, s(w.currency));
    r.setField(23, w.wastedCost);
    r.setField(24, w.samples);
    r.setField(25, w.costPerSample);
    r.setField(26, w.tokens);
    r.setField(27, w.requests);
    r.setField(28, w.idleGpuSeconds);
    r.setField(29, TimestampData.fromEpochMillis(w.emittedAt));
    r.setField(30, w.costPerMillionTokens);
    r.setField(31, w.costPerThousandRequests);
    r.setField(32, w.memoryUsedRatio);
    r.setField(33, w.idleShareCost);
    r.setField(34, w.usageCost);
    r.setField(35, w.costPerSampleUsage);
    r.setField(36, s(w.site));
    r.setField(37, w.energyCost);
    r.setField(38, w.cloudOnDemandCost);
    r.setField(39, w.cloudSpotCost);
    r.setField(40, w.loss);
    r.setField(41, w.valLoss);
    r.setField(42, w.step);
    r.setField(43, w.lossNonFinite);
    r.setField(44, w.totalSteps);
    return r;
  }

  public static RowData allocation(CostAllocation a) {
    GenericRowData r = new GenericRowData(28);
    r.setField(0, s(a.id));
    r.setField(1, s(a.cluster));
    r.setField(2, s(a.node));
    r.setField(3, s(a.instanceType));
    r.setField(4, s(a.capacityType));
    r.setField(5, s(a.region));
    r.setField(6, s(a.providerInstanceId));
    r.setField(7, TimestampData.fromEpochMillis(a.hourStart));
    r.setField(8, TimestampData.fromEpochMillis(a.hourEnd));
    r.setField(9, s(a.holderKind));
    r.setField(10, s(a.namespace));
    r.setField(11, s(a.pod));
    r.setField(12, s(a.workload));
    r.setField(13, s(a.team));
    r.setField(14, s(a.project));
    r.setField(15, s(a.costCenter));
    r.setField(16, a.gpus);
    r.setField(17, a.gpuSeconds);
    r.setField(18, a.nodeGpuSeconds);
    r.setField(19, money(a.nodeHourCost));
    r.setField(20, money(a.cost));
    r.setField(21, s(a.costBasis));
    r.setField(22, s(a.currency));
    r.setField(23, a.version);
    r.setField(24, money(a.billedCost));
    r.setField(25, money(a.effectiveCost));
    r.setField(26, s(a.billingDelivery));
    r.setField(27, s(a.unallocatedReason));
    return r;
  }

  public static RowData alert(Alert a) {
    GenericRowData r = new GenericRowData(22);
    r.setField(0, s(a.id));
    r.setField(1, s(a.fingerprint));
    r.setField(2, s(a.status));
    r.setField(3, s(a.alertname));
    r.setField(4, s(a.severity));
    r.setField(5, s(a.labels.getOrDefault("cluster", "")));
    r.setField(6, s(a.labels.get("namespace")));
    r.setField(7, s(a.labels.get("workload")));
    r.setField(8, s(a.labels.get("team")));
    r.setField(9, s(a.labels.get("series")));
    r.setField(10, s(a.summary));
    r.setField(11, s(a.description));
    r.setField(12, TimestampData.fromEpochMillis(a.startsAt));
    r.setField(13, a.endsAt >= 0 ? TimestampData.fromEpochMillis(a.endsAt) : null);
    r.setField(14, finite(a.observed));
    r.setField(15, finite(a.expectedLow));
    r.setField(16, finite(a.expectedHigh));
    r.setField(17, finite(a.score));
    r.setField(18, finite(a.threshold));
    r.setField(19, TimestampData.fromEpochMillis(a.windowStart));
    r.setField(20, TimestampData.fromEpochMillis(a.windowEnd));
    r.setField(21, s(a.costBasis));
    return r;
  }

  public static RowData action(Action a) {
    GenericRowData r = new GenericRowData(22);
    r.setField(0, s(a.id));
    r.setField(1, s(a.fingerprint));
    r.setField(2, s(a.status));
    r.setField(3, s(a.kind));
    r.setField(4, s(a.operation));
    r.setField(5, s(a.targetKind));
    r.setField(6, s(a.cluster == null ? "" : a.cluster));
    r.setField(7, s(a.namespace));
    r.setField(8, s(a.workload));
    r.setField(9, s(a.node));
    r.setField(10, s(a.team));
    r.setField(11, s(a.budgetId));
    r.setField(12, s(a.scope));
    r.setField(13, s(a.reason));
    r.setField(14, s(a.evidence));
    r.setField(15, a.estimatedMonthlySavings);
    r.setField(16, s(a.currency));
    r.setField(17, a.confidence);
    r.setField(18, TimestampData.fromEpochMillis(a.openedAt));
    r.setField(19, a.resolvedAt >= 0 ? TimestampData.fromEpochMillis(a.resolvedAt) : null);
    r.setField(20, TimestampData.fromEpochMillis(a.windowStart));
    r.setField(21, TimestampData.fromEpochMillis(a.windowEnd));
    return r;
  }

  public static RowData budgetStatus(BudgetStatus b) {
    GenericRowData r = new GenericRowData(22);
    r.setField(0, s(b.id));
    r.setField(1, s(b.budgetId));
    r.setField(2, s(b.scope));
    r.setField(3, s(b.period));
    r.setField(4, s(b.timeZone));
    r.setField(5, TimestampData.fromEpochMillis(b.periodStart));
    r.setField(6, TimestampData.fromEpochMillis(b.periodEnd));
    r.setField(7, TimestampData.fromEpochMillis(b.asOf));
    r.setField(8, b.amount);
    r.setField(9, s(b.currency));
    r.setField(10, b.spend);
    r.setField(11, b.forecast);
    r.setField(12, b.percent);
    r.setField(13, b.forecastPercent);
    r.setField(14, doubles(b.thresholdsCrossed));
    r.setField(15, doubles(b.forecastThresholdsCrossed));
    r.setField(
        16, b.projectedBreachAt >= 0 ? TimestampData.fromEpochMillis(b.projectedBreachAt) : null);
    r.setField(17, s(b.status));
    r.setField(18, b.forecastLow);
    r.setField(19, b.forecastHigh);
    r.setField(20, Double.isNaN(b.forecastErrorPercent) ? null : b.forecastErrorPercent);
    r.setField(21, b.forecastHistoryHours);
    return r;
  }

  private static GenericArrayData doubles(java.util.List<Double> values) {
    double[] out = new double[values == null ? 0 : values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return new GenericArrayData(out);
  }

  private static Double finite(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  private static StringData s(String v) {
    return v == null ? null : StringData.fromString(v);
  }

  private static DecimalData money(BigDecimal v) {
    if (v == null) {
      return null;
    }
    return DecimalData.fromBigDecimal(
        v.setScale(TableSchemas.MONEY_SCALE, RoundingMode.HALF_EVEN),
        TableSchemas.MONEY_PRECISION,
        TableSchemas.MONEY_SCALE);
  }
}
