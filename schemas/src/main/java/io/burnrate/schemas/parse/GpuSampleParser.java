package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.EMPTY;
import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_JSON;
import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;
import static io.burnrate.schemas.model.DeadLetter.Reasons.MISSING_FIELD;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.GpuSample;
import java.io.IOException;

/**
 * Parses one {@code burnrate.telemetry.gpu} record: a flat JSON object of dcgm-exporter labels and
 * DCGM field values (optionally with the labels nested under {@code labels} and the values under
 * {@code fields}, {@code metrics} or {@code values}).
 *
 * <p>Lenient where real producers vary: {@code Hostname} or {@code hostname}; {@code pod}, {@code
 * pod_name} or {@code exported_pod} (likewise namespace and container); empty pod labels; numbers
 * sent as strings; JSON {@code null} for a missing value; unknown fields ignored. Strict where a
 * value would be wrong: a non-numeric, negative, non-finite or out-of-range metric, a negative GPU
 * index, or no timestamp is rejected with a {@link ParseException} naming the field.
 *
 * <p>Any DCGM field may be missing, utilisation included ({@code DCGM_FI_PROF_SM_ACTIVE} is off by
 * default, and a scrape can lack {@code DCGM_FI_DEV_GPU_UTIL}): such a sample still tells which pod
 * holds the GPU, and {@link GpuSample#utilisation()} is NaN. A record needs a timestamp, a
 * hostname, a {@code gpu} index or {@code UUID}, and at least one {@code DCGM_FI_*} field.
 *
 * <p>When several spellings of a label are present, the choice does not depend on their order in
 * the object: {@code exported_pod} (dcgm-exporter's own label, renamed by a Prometheus scrape whose
 * target label {@code pod} is the exporter pod) wins over {@code pod}, which wins over {@code
 * pod_name}; likewise for namespace and container. {@code Hostname}/{@code hostname} win over
 * {@code node}, {@code nodename} and {@code kubernetes_node}.
 *
 * <p>Streaming (no tree), so that the hot path allocates little. Thread-confined: one instance per
 * task.
 */
public final class GpuSampleParser {
  /**
   * Accepts bare {@code NaN}/{@code Infinity} tokens so that they are reported as such; rejects an
   * object with the same key twice (which value a producer meant is unknowable).
   */
  static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** A tree reader that rejects an object with the same key twice. */
  static ObjectMapper strictMapper() {
    return new ObjectMapper(
        JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  }

  private final String defaultCluster;

  public GpuSampleParser(String defaultCluster) {
    this.defaultCluster = defaultCluster;
  }

  public GpuSample parse(byte[] json) throws ParseException {
    requireContent(json, "telemetry record");
    GpuSample s = new GpuSample();
    s.timestamp = Long.MIN_VALUE;
    s.gpu = Integer.MIN_VALUE;
    // the rank of the spelling that set each label so far (see the class comment), and the
    // number of DCGM_FI_* fields seen
    int[] ranks = new int[5];
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ParseException(INVALID_JSON, "telemetry record is not a JSON object");
      }
      readObject(p, s, ranks);
      if (p.nextToken() != null) {
        throw new ParseException(INVALID_JSON, "trailing content after the JSON object");
      }
    } catch (IOException e) {
      throw new ParseException(INVALID_JSON, "invalid JSON: " + firstLine(e.getMessage()));
    }
    if (s.timestamp == Long.MIN_VALUE) {
      throw new ParseException(MISSING_FIELD, "timestamp: missing");
    }
    if (s.hostname == null || s.hostname.isEmpty()) {
      throw new ParseException(MISSING_FIELD, "Hostname: missing (also accepted: hostname)");
    }
    if (s.gpu == Integer.MIN_VALUE) {
      if (s.uuid == null) {
        throw new ParseException(MISSING_FIELD, "gpu: missing (and no UUID)");
      }
      s.gpu = -1;
    }
    if (ranks[DCGM_FIELDS] == 0) {
      throw new ParseException(MISSING_FIELD, "no DCGM_FI_* field: not a dcgm-exporter record");
    }
    if (s.cluster == null || s.cluster.isEmpty()) {
      s.cluster = defaultCluster;
    }
    if (s.pod == null) {
      s.namespace = null;
      s.container = null;
    }
    Names.requireCluster("cluster", s.cluster);
    Names.require("Hostname", s.hostname, Names.MAX_NAME);
    Names.require("namespace", s.namespace, Names.MAX_LABEL);
    Names.require("pod", s.pod, Names.MAX_NAME);
    Names.require("container", s.container, Names.MAX_LABEL);
    return s;
  }

  private void readObject(JsonParser p, GpuSample s, int[] ranks)
      throws IOException, ParseException {
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT) {
        if (name.equals("labels")
            || name.equals("fields")
            || name.equals("metrics")
            || name.equals("values")) {
          readObject(p, s, ranks);
        } else {
          p.skipChildren();
        }
        continue;
      }
      if (v == JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      field(p, v, name, s, ranks);
    }
    if (t != JsonToken.END_OBJECT) {
      throw new ParseException(INVALID_JSON, "unexpected token " + t);
    }
  }

  private static final int HOST = 0;
  private static final int NAMESPACE = 1;
  private static final int POD = 2;
  private static final int CONTAINER = 3;
  private static final int DCGM_FIELDS = 4;

  private void field(JsonParser p, JsonToken v, String name, GpuSample s, int[] ranks)
      throws IOException, ParseException {
    if (v == JsonToken.VALUE_NULL) {
      return; // null is a missing value, whatever the field
    }
    if (name.startsWith("DCGM_FI_")) {
      ranks[DCGM_FIELDS]++;
    }
    switch (name) {
      case "timestamp", "ts", "time", "@timestamp" -> s.timestamp = timestamp(p, v, name);
      case "Hostname", "hostname" -> {
        if (ranks[HOST] <= 2) {
          s.hostname = text(p, v);
          ranks[HOST] = 2;
        }
      }
      case "node", "nodename", "kubernetes_node" -> {
        if (ranks[HOST] <= 1) {
          s.hostname = text(p, v);
          ranks[HOST] = 1;
        }
      }
      case "cluster" -> s.cluster = text(p, v);
      case "gpu", "GPU" -> {
        double d = number(p, v, name);
        if (d < 0 || d != Math.rint(d) || d > 1024) {
          throw new ParseException(INVALID_VALUE, name + ": not a GPU index: " + p.getText());
        }
        s.gpu = (int) d;
      }
      case "UUID", "uuid" -> s.uuid = text(p, v);
      case "modelName", "model_name" -> s.modelName = text(p, v);
      case "exported_namespace", "namespace", "pod_namespace" -> {
        int rank = labelRank(name);
        if (rank >= ranks[NAMESPACE]) {
          s.namespace = text(p, v);
          ranks[NAMESPACE] = rank;
        }
      }
      case "exported_pod", "pod", "pod_name" -> {
        int rank = labelRank(name);
        if (rank >= ranks[POD]) {
          s.pod = text(p, v);
          ranks[POD] = rank;
        }
      }
      case "exported_container", "container", "container_name" -> {
        int rank = labelRank(name);
        if (rank >= ranks[CONTAINER]) {
          s.container = text(p, v);
          ranks[CONTAINER] = rank;
        }
      }
      case "DCGM_FI_DEV_GPU_UTIL" ->
          s.gpuUtil = Values.requireRange(name, number(p, v, name), 0, 100);
      case "DCGM_FI_PROF_SM_ACTIVE" ->
          s.smActive = Values.requireRange(name, number(p, v, name), 0, 1);
      case "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE" ->
          s.tensorActive = Values.requireRange(name, number(p, v, name), 0, 1);
      case "DCGM_FI_DEV_FB_USED" -> s.fbUsed = Values.requireNonNegative(name, number(p, v, name));
      case "DCGM_FI_DEV_FB_FREE" -> s.fbFree = Values.requireNonNegative(name, number(p, v, name));
      case "DCGM_FI_DEV_POWER_USAGE" ->
          s.powerUsage = Values.requireNonNegative(name, number(p, v, name));
      case "DCGM_FI_DEV_MEM_COPY_UTIL" ->
          s.memCopyUtil = Values.requireRange(name, number(p, v, name), 0, 100);
      case "DCGM_FI_DEV_GPU_TEMP" ->
          s.gpuTemp = Values.requireRange(name, number(p, v, name), -50, 200);
      case "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION" ->
          s.totalEnergy = Values.requireNonNegative(name, number(p, v, name));
      default -> {
        // unknown fields are kept by the producer and ignored here, never fatal
      }
    }
  }

  /** 3 for {@code exported_*}, 2 for the plain label, 1 for {@code pod_*}/{@code *_name}. */
  static int labelRank(String name) {
    if (name.startsWith("exported_")) {
      return 3;
    }
    return name.equals("namespace") || name.equals("pod") || name.equals("container") ? 2 : 1;
  }

  /** A Kafka tombstone or an empty value is not a record. */
  static void requireContent(byte[] json, String what) throws ParseException {
    if (json == null || json.length == 0) {
      throw new ParseException(EMPTY, what + ": empty payload");
    }
    for (byte b : json) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
    }
    throw new ParseException(EMPTY, what + ": blank payload");
  }

  /**
   * A record's JSON object: empty payloads are {@code empty_record}, anything that is not JSON or
   * not an object is {@code invalid_json}.
   */
  static JsonNode readObject(ObjectMapper mapper, byte[] json, String what) throws ParseException {
    requireContent(json, what);
    JsonNode root;
    try {
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ParseException(INVALID_JSON, "invalid JSON: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ParseException(INVALID_JSON, "invalid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ParseException(INVALID_JSON, what + " is not a JSON object");
    }
    return root;
  }

  /** Label text; empty strings and JSON null become null. */
  private static String text(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    String s = p.getText();
    return s.isEmpty() ? null : s;
  }

  static double number(JsonParser p, JsonToken v, String name) throws IOException, ParseException {
    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
      return Values.requireFinite(name, p.getDoubleValue());
    }
    if (v == JsonToken.VALUE_STRING) {
      return Values.parseNumber(name, p.getText());
    }
    throw new ParseException(INVALID_VALUE, name + ": not a number: " + v.asString());
  }

  static long timestamp(JsonParser p, JsonToken v, String name) throws IOException, ParseException {
    if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
      return Values.epochNumber(name, p.getDoubleValue());
    }
    if (v == JsonToken.VALUE_STRING) {
      return Values.parseTimestamp(name, p.getText());
    }
    throw new ParseException(INVALID_VALUE, name + ": not a timestamp: " + v.asString());
  }

  static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int i = m.indexOf('\n');
    return Values.abbreviate(i < 0 ? m : m.substring(0, i));
  }
}
