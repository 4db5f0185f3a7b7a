package io.burnrate.jobs.allocation;

import io.burnrate.jobs.metrics.LabelledGauges;
import io.burnrate.schemas.model.CostWindow;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The window step: sums a workload's pod-minutes over a one-minute event-time window into a {@link
 * CostWindow}: GPU-seconds, mean utilisation weighted by GPU-time with telemetry, efficiency,
 * estimated cost, wasted cost, samples and cost per sample. A workload with any unpriced part has a
 * null cost (never a partial sum that looks complete).
 */
public final class WorkloadWindows {
  private WorkloadWindows() {}

  /** Incremental sum of pod-minutes. */
  public static final class Sum implements AggregateFunction<PodMinute, WorkloadAcc, WorkloadAcc> {
    private static final long serialVersionUID = 1L;

    @Override
    public WorkloadAcc createAccumulator() {
      return new WorkloadAcc();
    }

    @Override
    public WorkloadAcc add(PodMinute m, WorkloadAcc a) {
      if (a.workload == null) {
        a.workload = m.workload;
        a.cluster = m.cluster;
        a.namespace = m.namespace;
      }
      if (a.team == null) {
        a.team = m.team;
      }
      if (a.project == null) {
        a.project = m.project;
      }
      if (a.costCenter == null) {
        a.costCenter = m.costCenter;
      }
      if (m.labels != null) {
        a.labels = a.labels == null ? new java.util.TreeMap<>() : a.labels;
        m.labels.forEach(a.labels::putIfAbsent);
      }
      // where and how it ran: only from minutes that held GPUs, whatever their order
      if (m.gpuSeconds > 0) {
        if (a.allocating == 0) {
          a.node = m.node;
          a.instanceType = m.instanceType;
          a.capacityType = m.capacityType;
          a.region = m.region;
          a.gpuModel = m.gpuModel;
        } else {
          a.mixedNode |= !Objects.equals(a.node, m.node);
          a.mixedInstance |=
              !Objects.equals(a.instanceType, m.instanceType)
                  || !Objects.equals(a.capacityType, m.capacityType);
          // a workload on several nodes: the least value, so that a replay, which may deliver
          // the pod-minutes of parallel subtasks in another order, writes the same window
          a.node = least(a.node, m.node);
          a.instanceType = least(a.instanceType, m.instanceType);
          a.capacityType = least(a.capacityType, m.capacityType);
          a.region = least(a.region, m.region);
          a.gpuModel = least(a.gpuModel, m.gpuModel);
        }
        a.allocating++;
        if (Double.isNaN(m.cost)) {
          a.unpriced = true;
        } else {
          a.cost += m.cost;
          if (!Double.isNaN(m.idleShareCost)) {
            a.idleShareCost += m.idleShareCost;
          }
          if (a.costBasis == null) {
            a.costBasis = m.costBasis;
          }
          if (a.currency == null) {
            a.currency = m.currency;
          }
        }
      }
      a.pods++;
      a.gpuSeconds += m.gpuSeconds;
      a.utilWeighted += m.utilWeighted;
      a.utilWeight += m.utilWeight;
      a.memoryUsedMax = Math.max(a.memoryUsedMax, m.memoryUsedMax);
      a.energyCost = add(a.energyCost, m.energyCost);
      a.cloudOnDemandCost = add(a.cloudOnDemandCost, m.cloudOnDemandCost);
      a.cloudSpotCost = add(a.cloudSpotCost, m.cloudSpotCost);
      a.loss = max(a.loss, m.loss);
      a.valLoss = max(a.valLoss, m.valLoss);
      a.step = max(a.step, m.step);
      a.totalSteps = max(a.totalSteps, m.totalSteps);
      a.lossNonFinite |= m.lossNonFinite;
      a.partMinute |= m.partMinute;
      if (a.site == null) {
        a.site = m.site;
      }
      a.samples = add(a.samples, m.samples);
      a.tokens = add(a.tokens, m.tokens);
      a.requests = add(a.requests, m.requests);
      return a;
    }

    private static String least(String acc, String v) {
      if (v == null) {
        return acc;
      }
      return acc == null || v.compareTo(acc) < 0 ? v : acc;
    }

    private static double max(double acc, double v) {
      if (Double.isNaN(v)) {
        return acc;
      }
      return Double.isNaN(acc) ? v : Math.max(acc, v);
    }

    private static double add(double acc, double v) {
      if (Double.isNaN(v)) {
        return acc;
      }
      return Double.isNaN(acc) ? v : acc + v;
    }

    @Override
    public WorkloadAcc getResult(WorkloadAcc a) {
      return a;
    }

    @Override
    public WorkloadAcc merge(WorkloadAcc a, WorkloadAcc b) {
      throw new UnsupportedOperationException("tumbling windows do not merge");
    }
  }

  /** The bound of (team, cluster) label sets of {@code burnrate_cost_per_hour} per subtask. */
  public static final int MAX_TEAM_SERIES = 200;

  /** Turns the sum into the output record; also keeps the cost-per-hour gauge by team. */
  public static final class Emit
      extends ProcessWindowFunction<WorkloadAcc, CostWindow, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final boolean idleInCostPerSample;
    private transient LabelledGauges costPerHour;

    /**
     * @param idleInCostPerSample whether allocation-based cost per sample includes the workload's
     *     share of idle ({@code cost.idle-share: proportional})
     */
    public Emit(boolean idleInCostPerSample) {
      this.idleInCostPerSample = idleInCostPerSample;
    }

    public Emit() {
      this(false);
    }

    @Override
    public void open(OpenContext ctx) {
      costPerHour =
          new LabelledGauges(
              getRuntimeContext().getMetricGroup(),
              "costPerHour",
              List.of("team", "cluster"),
              MAX_TEAM_SERIES,
              60_000L);
    }

    @Override
    public void process(
        String workload, Context ctx, Iterable<WorkloadAcc> sums, Collector<CostWindow> out) {
      for (WorkloadAcc a : sums) {
        CostWindow w =
            toWindow(a, ctx.window().getStart(), ctx.window().getEnd(), idleInCostPerSample);
        if (w.cost != null && costPerHour != null) {
          costPerHour.addToWindow(w.windowStart, w.cost, w.team, w.cluster);
        }
        out.collect(w);
      }
    }
  }

  static CostWindow toWindow(WorkloadAcc a, long start, long end) {
    return toWindow(a, start, end, false);
  }

  static CostWindow toWindow(WorkloadAcc a, long start, long end, boolean idleInCostPerSample) {
    CostWindow w = new CostWindow();
    w.kind = CostWindow.KIND_WORKLOAD;
    w.id = "workload/" + a.cluster + "/" + a.workload + "/" + start;
    w.windowStart = start;
    w.windowEnd = end;
    w.cluster = a.cluster;
    w.namespace = a.namespace;
    w.workload = a.workload;
    w.team = a.team;
    w.project = a.project;
    w.costCenter = a.costCenter;
    w.labels = a.labels;
    w.node = a.mixedNode ? null : a.node;
    w.instanceType = a.mixedInstance ? null : a.instanceType;
    w.capacityType = a.mixedInstance ? null : a.capacityType;
    w.region = a.region;
    w.gpuModel = a.gpuModel;
    w.pods = a.pods;
    w.gpuSeconds = a.gpuSeconds;
    w.telemetryCoverage = a.gpuSeconds > 0 ? Math.min(1.0, a.utilWeight / a.gpuSeconds) : 0;
    w.memoryUsedRatio = a.memoryUsedMax >= 0 ? a.memoryUsedMax : null;
    if (a.utilWeight > 0) {
      w.meanUtilization = a.utilWeighted / a.utilWeight;
      w.efficiency = w.meanUtilization;
    }
    boolean priced = !a.unpriced && a.gpuSeconds > 0;
    if (priced) {
      w.cost = a.cost;
      w.costBasis = a.costBasis;
      w.currency = a.currency;
      w.idleShareCost = a.idleShareCost;
      if (w.efficiency != null) {
        w.wastedCost = a.cost * (1 - w.efficiency);
        w.usageCost = a.cost * w.efficiency;
      }
    } else {
      w.costBasis = CostWindow.BASIS_UNPRICED;
    }
    if (!Double.isNaN(a.samples)) {
      w.samples = a.samples;
      if (priced && a.samples > 0) {
        w.costPerSample = (a.cost + (idleInCostPerSample ? a.idleShareCost : 0)) / a.samples;
        if (w.usageCost != null) {
          w.costPerSampleUsage = w.usageCost / a.samples;
        }
      }
    }
    if (!Double.isNaN(a.tokens)) {
      w.tokens = a.tokens;
      if (priced && a.tokens > 0) {
        w.costPerMillionTokens = a.cost / a.tokens * 1e6;
      }
    }
    if (!Double.isNaN(a.requests)) {
      w.requests = a.requests;
      if (priced && a.requests > 0) {
        w.costPerThousandRequests = a.cost / a.requests * 1e3;
      }
    }
    w.site = a.site;
    w.loss = Double.isNaN(a.loss) ? null : a.loss;
    w.valLoss = Double.isNaN(a.valLoss) ? null : a.valLoss;
    w.step = Double.isNaN(a.step) ? null : a.step;
    w.totalSteps = Double.isNaN(a.totalSteps) ? null : a.totalSteps;
    w.lossNonFinite = a.lossNonFinite;
    w.partMinute = a.partMinute;
    w.energyCost = Double.isNaN(a.energyCost) ? null : a.energyCost;
    w.cloudOnDemandCost = Double.isNaN(a.cloudOnDemandCost) ? null : a.cloudOnDemandCost;
    w.cloudSpotCost = Double.isNaN(a.cloudSpotCost) ? null : a.cloudSpotCost;
    w.emittedAt = end;
    return w;
  }
}
