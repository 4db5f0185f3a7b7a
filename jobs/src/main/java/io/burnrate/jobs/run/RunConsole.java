package io.burnrate.jobs.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code ./burnrate run} prints while the job runs, read from the MiniCluster's REST API
 * ({@code /jobs/:id/checkpoints}, {@code /jobs/:id/exceptions}, the {@code numRestarts} metric and
 * the sources' {@code numRecordsIn}): one line per failed checkpoint and per restart with its root
 * cause, a status line every interval, a summary at the end. Lines are plain text or, with {@code
 * json}, one JSON object each ({@code "event"}: start, status, checkpoint_failed, restart, summary,
 * ...).
 */
public final class RunConsole {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final boolean json;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private URI rest;
  private String jobId;

  long completed;
  long failed;
  long restarts;
  long recordsIn;
  long lastSize = -1;
  long lastDurationMs = -1;
  long maxSize;
  long lastCheckpointId = -1;
  String lastPath;
  private final Set<Long> failedSeen = new HashSet<>();
  private long lastExceptionTs;
  private long unstarted;
  private Map<String, List<String>> sourceMetrics;

  public RunConsole(PrintStream out, boolean json) {
    this.out = out;
    this.json = json;
  }

  void attach(URI rest, String jobId) {
    this.rest = rest;
    this.jobId = jobId;
  }

  /** One line: {@code burnrate run: text}, or the fields as JSON with {@code event}. */
  public void line(String event, Map<String, Object> fields, String text) {
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("event", event);
      o.putAll(fields);
      try {
        out.println(JSON.writeValueAsString(o));
      } catch (Exception e) {
        out.println("{\"event\":\"" + event + "\"}");
      }
    } else {
      out.println("burnrate run: " + text);
    }
    out.flush();
  }

  public void line(String event, String text) {
    line(event, Map.of("message", text), text);
  }

  /** Reads the job's checkpoints, exceptions, restarts and records; prints what is new. */
  void poll() {
    if (rest == null) {
      return;
    }
    JsonNode cp = get("/jobs/" + jobId + "/checkpoints");
    if (cp != null) {
      completed = Math.max(completed, cp.path("counts").path("completed").asLong());
      failed = Math.max(failed, cp.path("counts").path("failed").asLong());
      JsonNode latest = cp.path("latest").path("completed");
      if (latest.isObject()) {
        sizeOf(latest);
      }
      List<JsonNode> failures = new ArrayList<>();
      for (JsonNode h : cp.path("history")) {
        if ("COMPLETED".equals(h.path("status").asText())) {
          maxSize = Math.max(maxSize, size(h));
        } else if ("FAILED".equals(h.path("status").asText())) {
          failures.add(h);
        }
      }
      JsonNode lf = cp.path("latest").path("failed");
      if (lf.isObject()) {
        failures.add(lf);
      }
      failures.sort((a, b) -> Long.compare(a.path("id").asLong(), b.path("id").asLong()));
      for (JsonNode f : failures) {
        long id = f.path("id").asLong();
        if (failedSeen.add(id)) {
          String cause = oneLine(f.path("failure_message").asText("(no message)"));
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("checkpoint", id);
          fields.put("cause", cause);
          line("checkpoint_failed", fields, "checkpoint " + id + " failed: " + cause);
        }
      }
    }
    // failures before a checkpoint started (e.g. tasks still deploying) are counted by Flink
    // without an entry in the history, hence without a cause
    if (failed > failedSeen.size() + unstarted) {
      long n = failed - failedSeen.size() - unstarted;
      unstarted += n;
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("count", n);
      line(
          "checkpoint_not_started",
          fields,
          n
              + " checkpoint(s) could not start (Flink reports no cause for these; usually tasks"
              + " still deploying or finishing)");
    }
    JsonNode restartMetric = get("/jobs/" + jobId + "/metrics?get=numRestarts");
    if (restartMetric != null && restartMetric.size() > 0) {
      restarts = Math.max(restarts, restartMetric.get(0).path("value").asLong());
    }
    JsonNode ex = get("/jobs/" + jobId + "/exceptions?maxExceptions=20");
    if (ex != null) {
      List<JsonNode> entries = new ArrayList<>();
      ex.path("exceptionHistory").path("entries").forEach(entries::add);
      entries.sort(
          (a, b) -> Long.compare(a.path("timestamp").asLong(), b.path("timestamp").asLong()));
      for (JsonNode e : entries) {
        long ts = e.path("timestamp").asLong();
        if (ts > lastExceptionTs) {
          lastExceptionTs = ts;
          String cause = rootCause(e.path("stacktrace").asText(e.path("exceptionName").asText()));
          String task = e.path("taskName").asText(null);
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("cause", cause);
          if (task != null) {
            fields.put("task", task);
          }
          line(
              "failure",
              fields,
              "job failure (it restarts from the last checkpoint): "
                  + cause
                  + (task != null ? " (in " + task + ")" : ""));
        }
      }
    }
    recordsIn = Math.max(recordsIn, recordsIn());
  }

  private void sizeOf(JsonNode c) {
    long id = c.path("id").asLong();
    lastSize = size(c);
    lastDurationMs = c.path("end_to_end_duration").asLong();
    maxSize = Math.max(maxSize, lastSize);
    lastCheckpointId = Math.max(lastCheckpointId, id);
    String path = c.path("external_path").asText(null);
    if (path != null
        && !path.isBlank()
        && !"<checkpoint-not-externally-addressable>".equals(path)) {
      lastPath = path;
    }
  }

  private static long size(JsonNode c) {
    return Math.max(c.path("state_size").asLong(), c.path("checkpointed_size").asLong());
  }

  /** The records read by the sources so far (their numRecordsIn, summed over subtasks). */
  private long recordsIn() {
    JsonNode job = get("/jobs/" + jobId);
    if (job == null) {
      return 0;
    }
    if (sourceMetrics == null) {
      Map<String, List<String>> found = new HashMap<>();
      for (JsonNode v : job.path("vertices")) {
        if (!v.path("name").asText().startsWith("Source")) {
          continue;
        }
        JsonNode ids =
            get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics");
        if (ids == null) {
          return 0; // not running yet: try again next time
        }
        List<String> names = new ArrayList<>();
        for (JsonNode m : ids) {
          String id = m.path("id").asText();
          if (id.startsWith("Source") && id.endsWith(".numRecordsIn")) {
            names.add(id);
          }
        }
        if (names.isEmpty()) {
          return 0;
        }
        found.put(v.path("id").asText(), names);
      }
      if (found.isEmpty()) {
        return 0;
      }
      sourceMetrics = found;
    }
    long sum = 0;
    for (var e : sourceMetrics.entrySet()) {
      JsonNode vals =
          get(
              "/jobs/"
                  + jobId
                  + "/vertices/"
                  + e.getKey()
                  + "/subtasks/metrics?agg=sum&get="
                  + String.join(",", e.getValue()));
      if (vals != null) {
        for (JsonNode m : vals) {
          sum += (long) m.path("sum").asDouble();
        }
      }
    }
    return sum;
  }

  /** The status line. */
  void status(String state, long elapsedMs) {
    Map<String, Object> f = fields();
    f.put("state", state);
    f.put("elapsed_s", elapsedMs / 1000);
    line(
        "status",
        f,
        String.format(
            Locale.ROOT,
            "%s %s | checkpoints %d completed, %d failed | last %s | restarts %d | records in %,d",
            duration(elapsedMs),
            state,
            completed,
            failed,
            lastSize < 0 ? "none yet" : bytes(lastSize) + " in " + lastDurationMs + " ms",
            restarts,
            recordsIn));
  }

  Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("checkpoints_completed", completed);
    f.put("checkpoints_failed", failed);
    f.put("last_checkpoint_bytes", lastSize);
    f.put("last_checkpoint_ms", lastDurationMs);
    f.put("max_checkpoint_bytes", maxSize);
    f.put("restarts", restarts);
    f.put("records_in", recordsIn);
    if (lastPath != null) {
      f.put("last_checkpoint", lastPath);
    }
    return f;
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  /** The innermost "Caused by:" of a stack trace, else its first line. */
  static String rootCause(String stacktrace) {
    String cause = null;
    for (String l : stacktrace.lines().toList()) {
      if (cause == null && !l.isBlank()) {
        cause = l.trim();
      }
      if (l.startsWith("Caused by: ")) {
        cause = l.substring("Caused by: ".length()).trim();
      }
    }
    return cause == null ? "(no message)" : oneLine(cause);
  }

  static String oneLine(String s) {
    String l = s.lines().findFirst().orElse("").trim();
    return l.length() > 300 ? l.substring(0, 300) + "..." : l;
  }

  static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
  }

  static String duration(long ms) {
    long s = ms / 1000;
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
