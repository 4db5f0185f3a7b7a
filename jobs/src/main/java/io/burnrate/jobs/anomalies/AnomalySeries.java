package io.burnrate.jobs.anomalies;

import io.burnrate.schemas.model.CostWindow;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each workload cost window into the series the anomaly detector watches: cost rate ($/h),
 * GPU utilisation (0-1), throughput (samples/s) and cost per sample. A value a window does not have
 * (no price, no telemetry, no counter) is not a point: the detector never sees a made-up 0. Windows
 * in which a pod started or ended contribute their utilisation only.
 */
public final class AnomalySeries implements FlatMapFunction<CostWindow, SeriesPoint> {
  private static final long serialVersionUID = 1L;

  public static final String COST_RATE = "cost_rate";
  public static final String UTILIZATION = "utilization";
  public static final String THROUGHPUT = "throughput";
  public static final String COST_PER_SAMPLE = "cost_per_sample";

  /** A team's cost rate ($/h) in a cluster, summed over its workloads. */
  public static final String TEAM_COST_RATE = "team_cost_rate";

  @Override
  public void flatMap(CostWindow w, Collector<SeriesPoint> out) {
    if (!CostWindow.KIND_WORKLOAD.equals(w.kind) || w.workload == null || w.gpuSeconds <= 0) {
      return;
    }
    double hours = (w.windowEnd - w.windowStart) / 3_600_000.0;
    if (partial(w)) {
      // a pod started or ended inside the window: its rates (and the utilisation of GPUs it
      // held for part of the minute) are not comparable with full windows; every ending job
      // would look like a collapse, so such windows are not scored
      return;
    }
    if (w.meanUtilization != null) {
      emit(w, UTILIZATION, w.meanUtilization, out);
    }
    if (w.cost != null) {
      emit(w, COST_RATE, w.cost / hours, out);
    }
    if (w.samples != null) {
      emit(w, THROUGHPUT, w.samples / ((w.windowEnd - w.windowStart) / 1000.0), out);
    }
    if (w.costPerSample != null) {
      emit(w, COST_PER_SAMPLE, w.costPerSample, out);
    }
  }

  /**
   * True when some pod held its GPUs for only part of the window. Fractional GPUs (MIG slices,
   * time-sliced replicas) held for the whole window are whole windows: their GPU-seconds are a
   * fraction of the window's length, which says nothing about when they started.
   */
  static boolean partial(CostWindow w) {
    return w.partMinute;
  }

  /**
   * The family of runs a workload ({@code namespace/Kind/name}) belongs to, whose latest model
   * seeds a new run's: the workload id without the trailing name segments that contain a digit (the
   * run number, date or hash that controllers and pipelines append): {@code ml/Job/train-llama-42}
   * and {@code ml/Job/train-llama-43} are one family {@code ml/Job/train-llama}; a CronJob's jobs
   * {@code ml/Job/nightly-eval-29402340} are {@code ml/Job/nightly-eval}. The first segment of the
   * name is always kept.
   */
  public static String family(String workload) {
    int slash = workload.lastIndexOf('/');
    String name = workload.substring(slash + 1);
    int end = name.length();
    while (true) {
      int dash = name.lastIndexOf('-', end - 1);
      if (dash <= 0 || !hasDigit(name, dash + 1, end)) {
        break;
      }
      end = dash;
    }
    return workload.substring(0, slash + 1) + name.substring(0, end);
  }

  private static boolean hasDigit(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.isDigit(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static void emit(CostWindow w, String series, double v, Collector<SeriesPoint> out) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return;
    }
    SeriesPoint p = new SeriesPoint();
    p.key = w.cluster + "|" + family(w.workload) + "|" + series;
    p.series = series;
    p.cluster = w.cluster;
    p.namespace = w.namespace;
    p.workload = w.workload;
    p.team = w.team;
    p.windowStart = w.windowStart;
    p.windowEnd = w.windowEnd;
    p.value = v;
    p.costBasis = w.costBasis;
    out.collect(p);
  }

  /**
   * A team's share of one workload window as a point of the team's cost-rate series (key {@code
   * team|<team>|team_cost_rate}); the points of one minute are summed by {@link #sum} in a
   * one-minute event-time window. Every priced workload window counts, including those in which a
   * pod started or ended: that is money the team spent. Windows without a team are not attributed
   * to any.
   */
  public static final class TeamCostRate implements FlatMapFunction<CostWindow, SeriesPoint> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(CostWindow w, Collector<SeriesPoint> out) {
      if (!CostWindow.KIND_WORKLOAD.equals(w.kind) || w.team == null || w.cost == null) {
        return;
      }
      double hours = (w.windowEnd - w.windowStart) / 3_600_000.0;
      double v = w.cost / hours;
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        return;
      }
      SeriesPoint p = new SeriesPoint();
      p.key = w.cluster + "|team/" + w.team + "|" + TEAM_COST_RATE;
      p.series = TEAM_COST_RATE;
      p.cluster = w.cluster;
      p.team = w.team;
      p.windowStart = w.windowStart;
      p.windowEnd = w.windowEnd;
      p.value = v;
      p.costBasis = w.costBasis;
      out.collect(p);
    }
  }

  /** Sums two points of the same series and minute (a team's cost rate over its workloads). */
  public static SeriesPoint sum(SeriesPoint a, SeriesPoint b) {
    SeriesPoint s = new SeriesPoint();
    s.key = a.key;
    s.series = a.series;
    s.cluster = a.cluster;
    s.team = a.team;
    s.windowStart = Math.min(a.windowStart, b.windowStart);
    s.windowEnd = Math.max(a.windowEnd, b.windowEnd);
    s.value = a.value + b.value;
    s.costBasis = a.costBasis != null && a.costBasis.equals(b.costBasis) ? a.costBasis : "mixed";
    return s;
  }
}
