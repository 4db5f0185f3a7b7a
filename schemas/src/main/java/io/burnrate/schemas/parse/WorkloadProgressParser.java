package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_JSON;
import static io.burnrate.schemas.model.DeadLetter.Reasons.MISSING_FIELD;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.burnrate.schemas.model.WorkloadProgress;
import java.io.IOException;

/**
 * Parses one {@code burnrate.telemetry.workload} record: labels {@code namespace}, {@code pod}
 * (also {@code pod_namespace}, {@code pod_name}), {@code container}, {@code cluster}, a {@code
 * timestamp}, and any of the counters {@code samples_total}, {@code tokens_total}, {@code
 * requests_total} and the gauges {@code loss}, {@code val_loss}, {@code step}. Counters must be
 * finite and non-negative; a loss may be NaN or infinite (a diverged run), which is kept and
 * flagged: as a string ({@code "NaN"}, {@code "inf"}, {@code "-Infinity"}, ...) or as the bare
 * {@code NaN}/{@code Infinity} tokens Python's {@code json.dumps} writes. JSON {@code null} is a
 * missing value. Label spellings take precedence as in {@link GpuSampleParser}.
 */
public final class WorkloadProgressParser {
  private static final JsonFactory JSON = GpuSampleParser.JSON;
  private final String defaultCluster;

  public WorkloadProgressParser(String defaultCluster) {
    this.defaultCluster = defaultCluster;
  }

  public WorkloadProgress parse(byte[] json) throws ParseException {
    GpuSampleParser.requireContent(json, "workload record");
    WorkloadProgress w = new WorkloadProgress();
    w.timestamp = Long.MIN_VALUE;
    int[] ranks = new int[3];
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException(INVALID_JSON, "workload record is not a JSON object");
      }
      readObject(p, w, ranks);
      if (p.nextToken() != null) {
        throw new ParseException(INVALID_JSON, "trailing content after the JSON object");
      }
    } catch (IOException e) {
      throw new ParseException(
          INVALID_JSON, "invalid JSON: " + GpuSampleParser.firstLine(e.getMessage()));
    }
    if (w.timestamp == Long.MIN_VALUE) {
      throw new ParseException(MISSING_FIELD, "timestamp: missing");
    }
    if (w.pod == null) {
      throw new ParseException(MISSING_FIELD, "pod: missing (also accepted: pod_name)");
    }
    if (w.namespace == null) {
      throw new ParseException(MISSING_FIELD, "namespace: missing (also accepted: pod_namespace)");
    }
    if (Double.isNaN(w.samplesTotal)
        && Double.isNaN(w.tokensTotal)
        && Double.isNaN(w.requestsTotal)
        && Double.isNaN(w.loss)
        && !w.lossNonFinite
        && Double.isNaN(w.valLoss)
        && Double.isNaN(w.step)) {
      throw new ParseException(
          MISSING_FIELD,
          "no metric: expected samples_total, tokens_total, requests_total, loss, val_loss or"
              + " step");
    }
    if (w.cluster == null) {
      w.cluster = defaultCluster;
    }
    Names.requireCluster("cluster", w.cluster);
    Names.require("namespace", w.namespace, Names.MAX_LABEL);
    Names.require("pod", w.pod, Names.MAX_NAME);
    Names.require("container", w.container, Names.MAX_LABEL);
    return w;
  }

  private void readObject(JsonParser p, WorkloadProgress w, int[] ranks)
      throws IOException, ParseException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT) {
        if (name.equals("labels") || name.equals("metrics") || name.equals("values")) {
          readObject(p, w, ranks);
        } else {
          p.skipChildren();
        }
        continue;
      }
      if (v == JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      if (v == JsonToken.VALUE_NULL) {
        continue; // null is a missing value, whatever the field
      }
      switch (name) {
        case "timestamp", "ts", "time", "@timestamp" ->
            w.timestamp = GpuSampleParser.timestamp(p, v, name);
        case "cluster" -> w.cluster = text(p, v);
        case "exported_namespace", "namespace", "pod_namespace" -> {
          int rank = GpuSampleParser.labelRank(name);
          if (rank >= ranks[0]) {
            w.namespace = text(p, v);
            ranks[0] = rank;
          }
        }
        case "exported_pod", "pod", "pod_name" -> {
          int rank = GpuSampleParser.labelRank(name);
          if (rank >= ranks[1]) {
            w.pod = text(p, v);
            ranks[1] = rank;
          }
        }
        case "exported_container", "container", "container_name" -> {
          int rank = GpuSampleParser.labelRank(name);
          if (rank >= ranks[2]) {
            w.container = text(p, v);
            ranks[2] = rank;
          }
        }
        case "samples_total" -> w.samplesTotal = counter(p, v, name);
        case "tokens_total" -> w.tokensTotal = counter(p, v, name);
        case "requests_total" -> w.requestsTotal = counter(p, v, name);
        case "step" -> w.step = counter(p, v, name);
        case "total_steps", "planned_steps", "max_steps" -> w.totalSteps = counter(p, v, name);
        case "loss" -> w.loss = gauge(p, v, name, w);
        case "val_loss" -> w.valLoss = gauge(p, v, name, w);
        default -> {
          // unknown fields are ignored, never fatal
        }
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new ParseException(INVALID_JSON, "unexpected token " + t);
    }
  }

  private static double counter(JsonParser p, JsonToken v, String name)
      throws IOException, ParseException {
    return Values.requireNonNegative(name, GpuSampleParser.number(p, v, name));
  }

  private static double gauge(JsonParser p, JsonToken v, String name, WorkloadProgress w)
      throws IOException, ParseException {
    if (v == JsonToken.VALUE_STRING && isNonFinite(p.getText())) {
      w.lossNonFinite = true;
      return Double.NaN;
    }
    if (v == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        w.lossNonFinite = true;
        return Double.NaN;
      }
    }
    return GpuSampleParser.number(p, v, name);
  }

  /** NaN, inf, +Inf, -inf, Infinity, -Infinity, in any case. */
  static boolean isNonFinite(String text) {
    String s = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (s.startsWith("+") || s.startsWith("-")) {
      s = s.substring(1);
    }
    return s.equals("nan") || s.equals("inf") || s.equals("infinity");
  }

  private static String text(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    String s = p.getText();
    return s.isEmpty() ? null : s;
  }
}
