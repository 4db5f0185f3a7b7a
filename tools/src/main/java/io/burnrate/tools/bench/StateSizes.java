package io.burnrate.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Watches a running job's checkpoints through Flink's REST API and keeps the per-operator state
 * sizes of the largest completed checkpoint (the steady state of a replay: at the end of a bounded
 * input the job drains its state). Heap state backend, full snapshots: a checkpoint's size is the
 * state's serialised size.
 */
final class StateSizes implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Thread poller;
  private volatile boolean stop;

  /** Chain name (the operators of one task) to bytes, of the largest checkpoint seen. */
  private volatile Map<String, Long> largest = Map.of();

  private volatile long largestTotal = -1;
  private volatile long largestId = -1;

  StateSizes(int restPort, String jobId) {
    this.base = "http://127.0.0.1:" + restPort + "/jobs/" + jobId;
    poller = new Thread(this::poll, "bench-state-sizes");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    long seen = -1;
    while (!stop) {
      try {
        JsonNode latest = get("/checkpoints").path("latest").path("completed");
        long id = latest.path("id").asLong(-1);
        if (id > seen) {
          seen = id;
          Map<String, String> names = new LinkedHashMap<>();
          for (JsonNode v : get("").path("vertices")) {
            names.put(v.path("id").asText(), v.path("name").asText());
          }
          JsonNode tasks = get("/checkpoints/details/" + id).path("tasks");
          Map<String, Long> sizes = new LinkedHashMap<>();
          long total = 0;
          for (var it = tasks.fields(); it.hasNext(); ) {
            var e = it.next();
            long size = e.getValue().path("state_size").asLong(0);
            sizes.put(names.getOrDefault(e.getKey(), e.getKey()), size);
            total += size;
          }
          if (total > largestTotal) {
            largestTotal = total;
            largestId = id;
            largest = sizes;
          }
        }
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // the job is starting or finishing: try again
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": HTTP " + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  /** Bytes of the tasks whose operator names contain any of {@code parts}. */
  long bytesOf(String... parts) {
    long n = 0;
    for (var e : largest.entrySet()) {
      for (String p : parts) {
        if (e.getKey().contains(p)) {
          n += e.getValue();
          break;
        }
      }
    }
    return n;
  }

  Map<String, Long> largest() {
    return largest;
  }

  long largestTotal() {
    return largestTotal;
  }

  long largestId() {
    return largestId;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    poller.interrupt();
    poller.join(2000);
  }
}
