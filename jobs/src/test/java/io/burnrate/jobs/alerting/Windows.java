package io.burnrate.jobs.alerting;

import io.burnrate.schemas.model.CostWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Named instants and cost-window factories for the detection tests. */
public final class Windows {
  public static final long MINUTE = 60_000;
  public static final long T0 = Instant.parse("2026-01-05T08:00:00Z").toEpochMilli();

  private Windows() {}

  /** A full 1-minute workload window on {@code gpus} GPUs starting {@code minute} after T0. */
  public static CostWindow workload(String workload, int minute, int gpus) {
    return workloadAt(workload, T0 + minute * MINUTE, gpus);
  }

  public static CostWindow workloadAt(String workload, long start, int gpus) {
    CostWindow w = new CostWindow();
    w.kind = CostWindow.KIND_WORKLOAD;
    w.windowStart = start;
    w.windowEnd = start + MINUTE;
    w.cluster = "prod";
    w.namespace = workload.substring(0, workload.indexOf('/'));
    w.workload = workload;
    w.team = "research";
    w.project = "llm";
    w.node = "gpu-node-1";
    w.instanceType = "p4d.24xlarge";
    w.capacityType = "on-demand";
    w.region = "us-east-1";
    w.pods = 1;
    w.gpuSeconds = gpus * 60.0;
    w.meanUtilization = 0.85;
    w.efficiency = 0.85;
    w.cost = 0.5;
    w.costBasis = CostWindow.BASIS_ESTIMATED;
    w.currency = "USD";
    w.id = "workload/" + w.cluster + "/" + workload + "/" + start;
    w.emittedAt = w.windowEnd;
    return w;
  }

  /** An idle window of a node: {@code idleGpus} whole GPUs unheld for the minute. */
  public static CostWindow idle(String node, int minute, int idleGpus) {
    CostWindow w = new CostWindow();
    w.kind = CostWindow.KIND_IDLE;
    w.windowStart = T0 + minute * MINUTE;
    w.windowEnd = w.windowStart + MINUTE;
    w.cluster = "prod";
    w.node = node;
    w.instanceType = "p4d.24xlarge";
    w.capacityType = "on-demand";
    w.region = "us-east-1";
    w.idleGpuSeconds = idleGpus * 60.0;
    w.efficiency = 0.0;
    w.cost = 0.3 * idleGpus / 8;
    w.costBasis = CostWindow.BASIS_ESTIMATED;
    w.currency = "USD";
    w.emittedAt = w.windowEnd;
    return w;
  }

  public static Map<String, String> labels(String... kv) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** The values of the harness output records, and clears it. */
  public static <T> List<T> drain(java.util.Queue<Object> output, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Object o : output) {
      if (o instanceof org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?> r
          && type.isInstance(r.getValue())) {
        out.add(type.cast(r.getValue()));
      }
    }
    output.clear();
    return out;
  }
}
