package io.burnrate.connectors.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.BudgetStatus;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Writes Burnrate's output records as JSON with the snake_case property names of their JSON Schemas
 * ({@code schemas/burnrate.cost.windows.schema.json}, {@code burnrate.dlq.schema.json}). Times are
 * ISO-8601 UTC strings. Nulls are written as JSON null, never as 0.
 */
public final class OutputJson {
  private static final JsonFactory JSON = new JsonFactory();

  private OutputJson() {}

  public static byte[] costWindow(CostWindow w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(768);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", w.id);
      g.writeStringField("kind", w.kind);
      g.writeStringField("window_start", Instant.ofEpochMilli(w.windowStart).toString());
      g.writeStringField("window_end", Instant.ofEpochMilli(w.windowEnd).toString());
      g.writeStringField("cluster", w.cluster);
      g.writeStringField("namespace", w.namespace);
      g.writeStringField("workload", w.workload);
      g.writeStringField("team", w.team);
      g.writeStringField("project", w.project);
      g.writeStringField("cost_center", w.costCenter);
      g.writeStringField("node", w.node);
      g.writeStringField("instance_type", w.instanceType);
      g.writeStringField("capacity_type", w.capacityType);
      g.writeStringField("region", w.region);
      g.writeStringField("gpu_model", w.gpuModel);
      g.writeNumberField("pods", w.pods);
      g.writeNumberField("gpu_seconds", w.gpuSeconds);
      num(g, "mean_utilization", w.meanUtilization);
      g.writeNumberField("telemetry_coverage", w.telemetryCoverage);
      num(g, "efficiency", w.efficiency);
      num(g, "cost", w.cost);
      g.writeStringField("cost_basis", w.costBasis);
      g.writeStringField("currency", w.currency);
      num(g, "wasted_cost", w.wastedCost);
      num(g, "samples", w.samples);
      num(g, "cost_per_sample", w.costPerSample);
      num(g, "tokens", w.tokens);
      num(g, "requests", w.requests);
      g.writeNumberField("idle_gpu_seconds", w.idleGpuSeconds);
      g.writeStringField("emitted_at", Instant.ofEpochMilli(w.emittedAt).toString());
      num(g, "cost_per_million_tokens", w.costPerMillionTokens);
      num(g, "cost_per_thousand_requests", w.costPerThousandRequests);
      num(g, "memory_used_ratio", w.memoryUsedRatio);
      num(g, "unused_gpus", w.unusedGpus);
      if (w.labels == null) {
        g.writeNullField("labels");
      } else {
        g.writeObjectFieldStart("labels");
        for (var e : new java.util.TreeMap<>(w.labels).entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      num(g, "idle_share_cost", w.idleShareCost);
      num(g, "usage_cost", w.usageCost);
      num(g, "cost_per_sample_usage", w.costPerSampleUsage);
      g.writeStringField("site", w.site);
      num(g, "energy_cost", w.energyCost);
      num(g, "cloud_on_demand_cost", w.cloudOnDemandCost);
      num(g, "cloud_spot_cost", w.cloudSpotCost);
      num(g, "loss", w.loss);
      num(g, "val_loss", w.valLoss);
      num(g, "step", w.step);
      num(g, "total_steps", w.totalSteps);
      g.writeBooleanField("loss_non_finite", w.lossNonFinite);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** One allocation row as on {@code burnrate.cost.allocations}; money exact to 6 decimals. */
  public static byte[] costAllocation(CostAllocation a) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(640);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", a.id);
      g.writeStringField("cluster", a.cluster);
      g.writeStringField("node", a.node);
      g.writeStringField("instance_type", a.instanceType);
      g.writeStringField("capacity_type", a.capacityType);
      g.writeStringField("region", a.region);
      g.writeStringField("provider_instance_id", a.providerInstanceId);
      g.writeStringField("hour_start", Instant.ofEpochMilli(a.hourStart).toString());
      g.writeStringField("hour_end", Instant.ofEpochMilli(a.hourEnd).toString());
      g.writeStringField("holder_kind", a.holderKind);
      g.writeStringField("namespace", a.namespace);
      g.writeStringField("pod", a.pod);
      g.writeStringField("workload", a.workload);
      g.writeStringField("team", a.team);
      g.writeStringField("project", a.project);
      g.writeStringField("cost_center", a.costCenter);
      g.writeNumberField("gpus", a.gpus);
      g.writeNumberField("gpu_seconds", a.gpuSeconds);
      g.writeNumberField("node_gpu_seconds", a.nodeGpuSeconds);
      money(g, "node_hour_cost", a.nodeHourCost);
      money(g, "cost", a.cost);
      g.writeStringField("cost_basis", a.costBasis);
      g.writeStringField("currency", a.currency);
      g.writeNumberField("version", a.version);
      money(g, "billed_cost", a.billedCost);
      money(g, "effective_cost", a.effectiveCost);
      g.writeStringField("billing_delivery", a.billingDelivery);
      g.writeStringField("unallocated_reason", a.unallocatedReason);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void money(JsonGenerator g, String name, BigDecimal v) throws IOException {
    if (v == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, v);
    }
  }

  public static byte[] deadLetter(DeadLetter d) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("reason", d.reason);
      g.writeStringField("detail", d.detail);
      g.writeStringField("source_topic", d.sourceTopic);
      g.writeNumberField("source_partition", d.sourcePartition);
      g.writeNumberField("source_offset", d.sourceOffset);
      if (d.sourceTimestamp >= 0) {
        g.writeStringField("source_timestamp", Instant.ofEpochMilli(d.sourceTimestamp).toString());
      } else {
        g.writeNullField("source_timestamp");
      }
      g.writeStringField("key", d.key);
      g.writeStringField("payload", d.payload);
      g.writeBooleanField("payload_truncated", d.payloadTruncated);
      g.writeStringField("failed_at", Instant.ofEpochMilli(d.failedAt).toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] alert(Alert a) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(768);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", a.id);
      g.writeStringField("fingerprint", a.fingerprint);
      g.writeStringField("status", a.status);
      g.writeStringField("alertname", a.alertname);
      g.writeStringField("severity", a.severity);
      g.writeObjectFieldStart("labels");
      for (var e : new java.util.TreeMap<>(a.labels).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("annotations");
      g.writeStringField("summary", a.summary);
      g.writeStringField("description", a.description);
      g.writeEndObject();
      g.writeStringField("starts_at", Instant.ofEpochMilli(a.startsAt).toString());
      if (a.endsAt >= 0) {
        g.writeStringField("ends_at", Instant.ofEpochMilli(a.endsAt).toString());
      } else {
        g.writeNullField("ends_at");
      }
      g.writeObjectFieldStart("evidence");
      num(g, "observed", a.observed);
      num(g, "expected_low", a.expectedLow);
      num(g, "expected_high", a.expectedHigh);
      num(g, "score", a.score);
      num(g, "threshold", a.threshold);
      g.writeStringField("window_start", Instant.ofEpochMilli(a.windowStart).toString());
      g.writeStringField("window_end", Instant.ofEpochMilli(a.windowEnd).toString());
      g.writeEndObject();
      g.writeStringField("cost_basis", a.costBasis);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An action state change, as {@code burnrate.actions.schema.json}. */
  public static byte[] action(Action a) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(768);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", a.id);
      g.writeStringField("fingerprint", a.fingerprint);
      g.writeStringField("status", a.status);
      g.writeStringField("kind", a.kind);
      g.writeStringField("operation", a.operation);
      g.writeStringField("target_kind", a.targetKind);
      g.writeStringField("cluster", a.cluster);
      g.writeStringField("namespace", a.namespace);
      g.writeStringField("workload", a.workload);
      g.writeStringField("node", a.node);
      g.writeStringField("team", a.team);
      g.writeStringField("budget_id", a.budgetId);
      g.writeStringField("scope", a.scope);
      g.writeStringField("reason", a.reason);
      g.writeStringField("evidence", a.evidence);
      num(g, "estimated_monthly_savings", a.estimatedMonthlySavings);
      g.writeStringField("currency", a.currency);
      g.writeNumberField("confidence", a.confidence);
      time(g, "opened_at", a.openedAt);
      time(g, "resolved_at", a.resolvedAt);
      time(g, "window_start", a.windowStart);
      time(g, "window_end", a.windowEnd);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A budget status, as {@code burnrate.budget.status.schema.json}. */
  public static byte[] budgetStatus(BudgetStatus b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(768);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", b.id);
      g.writeStringField("budget_id", b.budgetId);
      g.writeStringField("scope", b.scope);
      g.writeStringField("period", b.period);
      g.writeStringField("time_zone", b.timeZone);
      time(g, "period_start", b.periodStart);
      time(g, "period_end", b.periodEnd);
      time(g, "as_of", b.asOf);
      g.writeNumberField("amount", b.amount);
      g.writeStringField("currency", b.currency);
      g.writeNumberField("spend", b.spend);
      g.writeNumberField("forecast", b.forecast);
      g.writeNumberField("forecast_low", b.forecastLow);
      g.writeNumberField("forecast_high", b.forecastHigh);
      num(g, "forecast_error_percent", b.forecastErrorPercent);
      g.writeNumberField("forecast_history_hours", b.forecastHistoryHours);
      g.writeNumberField("percent", b.percent);
      g.writeNumberField("forecast_percent", b.forecastPercent);
      numbers(g, "thresholds_crossed", b.thresholdsCrossed);
      numbers(g, "forecast_thresholds_crossed", b.forecastThresholdsCrossed);
      time(g, "projected_breach_at", b.projectedBreachAt);
      g.writeStringField("status", b.status);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An epoch-ms time as ISO-8601 UTC; negative (unknown) as null. */
  private static void time(JsonGenerator g, String name, long epochMillis) throws IOException {
    if (epochMillis < 0) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, Instant.ofEpochMilli(epochMillis).toString());
    }
  }

  private static void numbers(JsonGenerator g, String name, java.util.List<Double> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    if (values != null) {
      for (Double v : values) {
        g.writeNumber(v);
      }
    }
    g.writeEndArray();
  }

  private static void num(JsonGenerator g, String name, double v) throws IOException {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, v);
    }
  }

  private static void num(JsonGenerator g, String name, Double v) throws IOException {
    if (v == null || v.isNaN() || v.isInfinite()) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, v);
    }
  }
}
