package io.burnrate.jobs.pipeline;

import io.burnrate.connectors.billing.BillingRowData;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.allocation.K8sToNodeEvents;
import io.burnrate.jobs.allocation.NodeCostFunction;
import io.burnrate.jobs.allocation.NodeEvent;
import io.burnrate.jobs.allocation.PodMinute;
import io.burnrate.jobs.allocation.PodProgressJoin;
import io.burnrate.jobs.allocation.WorkloadAcc;
import io.burnrate.jobs.allocation.WorkloadWindows;
import io.burnrate.jobs.anomalies.AnomalyFunction;
import io.burnrate.jobs.anomalies.AnomalySeries;
import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.jobs.anomalies.SeriesPoint;
import io.burnrate.jobs.config.DetectionSettings;
import io.burnrate.jobs.eventtime.OutsideEventTime;
import io.burnrate.jobs.eventtime.SourceEventTime;
import io.burnrate.jobs.onprem.SchedulingFunction;
import io.burnrate.jobs.onprem.Sites;
import io.burnrate.jobs.parse.InputLimits;
import io.burnrate.jobs.parse.ParseFunction;
import io.burnrate.jobs.pricing.PriceHistory;
import io.burnrate.jobs.pricing.PriceUpdate;
import io.burnrate.jobs.pricing.PriceUpdateParser;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.jobs.reconcile.BillingCharge;
import io.burnrate.jobs.reconcile.BillingCharges;
import io.burnrate.jobs.reconcile.ReconcileFunction;
import io.burnrate.jobs.reconcile.Reconciliation;
import io.burnrate.jobs.reconcile.ResourceIds;
import io.burnrate.jobs.training.TrainingFunction;
import io.burnrate.schemas.model.Action;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.BudgetStatus;
import io.burnrate.schemas.model.CostAllocation;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.model.K8sObject;
import io.burnrate.schemas.model.WorkloadProgress;
import io.burnrate.schemas.parse.BillingRowParser;
import io.burnrate.schemas.parse.GpuSampleParser;
import io.burnrate.schemas.parse.K8sEventParser;
import io.burnrate.schemas.parse.Names;
import io.burnrate.schemas.parse.ParseException;
import io.burnrate.schemas.parse.Plausibility;
import io.burnrate.schemas.parse.WorkloadProgressParser;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;

/**
 * The analytics topology, as a function of its inputs: raw records of the input topics in, cost
 * windows, node-hour allocations and dead letters out. {@code main} wires Kafka and Iceberg around
 * it ({@link BurnrateJob}); tests run the same graph on bounded input.
 *
 * <pre>
 *  config.pricing ─parse─▶ broadcast ─┐
 *  telemetry.gpu ──parse──┐
 *                         ├─ keyBy node ─▶ allocate (node-minutes, idle, node-hours)
 *  k8s.events ───parse────┘                      │ pod-minutes
 *  telemetry.workload ─parse─▶ keyBy pod ─▶ join progress ─▶ keyBy workload ─▶ 1-min windows
 *                               node-hours ─┐
 *  billing.focus ─parse─▶ charges ──────────┴─ keyBy instance ─▶ reconcile (billed corrections)
 *  windows ─▶ rules, actions (keyBy series) · config.budgets ─▶ budgets (keyBy scope)
 * </pre>
 */
public final class BurnratePipeline {
  private BurnratePipeline() {}

  /**
   * One input: opens its source with the event-time strategy the topology gives it, so that
   * timestamps and watermarks are assigned in the source task, per Kafka partition ({@link
   * SourceEventTime}).
   */
  @FunctionalInterface
  public interface Input {
    DataStream<RawRecord> open(WatermarkStrategy<RawRecord> eventTime);
  }

  /** The raw inputs (each from its topic). */
  public record Inputs(
      Input gpuTelemetry,
      Input workloadProgress,
      Input k8sEvents,
      Input billing,
      Input pricing,
      Input budgets) {}

  /** What the topology produces. */
  public record Outputs(
      DataStream<CostWindow> costWindows,
      DataStream<CostAllocation> allocations,
      DataStream<BillingLineItem> billingLineItems,
      DataStream<Alert> alerts,
      DataStream<Action> actions,
      DataStream<BudgetStatus> budgetStatus,
      DataStream<DeadLetter> deadLetters) {}

  /** The settings the topology itself needs. */
  public record Settings(
      String cluster,
      List<String> labelKeys,
      Duration outOfOrderness,
      Duration sourceIdleness,
      Duration nodeStaleness,
      Duration nodeRetention,
      Duration podGhostTimeout,
      InputLimits limits,
      int dlqMaxPayloadBytes,
      RateCard rateCard,
      DetectorConfig anomalyDetector,
      Reconciliation.AllocateBy allocateBy,
      Duration unbilledGrace,
      Duration reconciliationRetention,
      DetectionSettings detection,
      boolean idleInCostPerSample,
      Sites sites)
      implements Serializable {}

  /** The event time of a watch event: its pod's, node's or job's. */
  static long k8sEventTime(K8sObject o) {
    if (o.pod != null) {
      return o.pod.timestamp;
    }
    if (o.node != null) {
      return o.node.timestamp;
    }
    if (o.job != null) {
      return o.job.timestamp;
    }
    return Long.MIN_VALUE; // a kind Burnrate ignores: no event time of its own
  }

  public static Outputs build(Inputs in, Settings s) {
    // 1. parse each input in its source task, where event time is assigned per Kafka partition
    //    (bounded out-of-orderness within a partition; a silent partition stops holding back the
    //    others after the idleness timeout); what cannot be used goes to the dead-letter stream
    Duration ooo = s.outOfOrderness();
    Duration idle = s.sourceIdleness();
    String cluster = s.cluster();
    List<String> labelKeys = List.copyOf(s.labelKeys());
    Plausibility bounds = s.limits().bounds();
    ParseFunction<NodeEvent> parseGpu =
        new ParseFunction<NodeEvent>(
                () -> {
                  GpuSampleParser p = new GpuSampleParser(cluster);
                  return r -> {
                    // keep the Kafka coordinates: a late sample's dead letter names them
                    NodeEvent e = new NodeEvent();
                    e.sample = p.parse(r.value);
                    e.sourceTopic = r.topic;
                    e.sourcePartition = r.partition;
                    e.sourceOffset = r.offset;
                    // and the record itself: a late sample's dead letter keeps its bytes and key
                    e.sourceTimestamp = r.timestamp;
                    e.sourceKey = r.key;
                    e.sourceValue = r.value;
                    return e;
                  };
                },
                s.limits(),
                s.dlqMaxPayloadBytes())
            .withEventTime(e -> e.sample.timestamp);
    SingleOutputStreamOperator<NodeEvent> samples =
        in.gpuTelemetry()
            .open(SourceEventTime.data(parseGpu, ooo, idle))
            .process(parseGpu, TypeInformation.of(NodeEvent.class))
            .uid("parse-gpu-telemetry")
            .name("parse GPU telemetry");
    ParseFunction<WorkloadProgress> parseProgress =
        new ParseFunction<WorkloadProgress>(
                () -> {
                  WorkloadProgressParser p = new WorkloadProgressParser(cluster);
                  return r -> {
                    WorkloadProgress w = p.parse(r.value);
                    // a late reading's dead letter keeps the record's coordinates, bytes and key
                    w.sourceTopic = r.topic;
                    w.sourcePartition = r.partition;
                    w.sourceOffset = r.offset;
                    w.sourceTimestamp = r.timestamp;
                    w.sourceKey = r.key;
                    w.sourceValue = r.value;
                    return w;
                  };
                },
                s.limits(),
                s.dlqMaxPayloadBytes())
            .withEventTime(w -> w.timestamp);
    SingleOutputStreamOperator<WorkloadProgress> progress =
        in.workloadProgress()
            .open(SourceEventTime.data(parseProgress, ooo, idle))
            .process(parseProgress, TypeInformation.of(WorkloadProgress.class))
            .uid("parse-workload-progress")
            .name("parse workload progress");
    ParseFunction<K8sObject> parseK8s =
        new ParseFunction<K8sObject>(
                () -> {
                  K8sEventParser p = new K8sEventParser(cluster, labelKeys);
                  return r -> {
                    K8sObject o = p.parse(r.value, r.timestamp);
                    if (r.clusterHeader != null && !r.clusterHeader.isEmpty()) {
                      Names.requireCluster("cluster header", r.clusterHeader);
                      if (o.pod != null) {
                        o.pod.cluster = r.clusterHeader;
                      }
                      if (o.node != null) {
                        o.node.cluster = r.clusterHeader;
                      }
                      if (o.job != null) {
                        o.job.cluster = r.clusterHeader;
                      }
                    }
                    return o;
                  };
                },
                s.limits(),
                s.dlqMaxPayloadBytes())
            .withEventTime(BurnratePipeline::k8sEventTime);
    SingleOutputStreamOperator<K8sObject> k8s =
        in.k8sEvents()
            .open(SourceEventTime.data(parseK8s, ooo, idle))
            .process(parseK8s, TypeInformation.of(K8sObject.class))
            .uid("parse-k8s-events")
            .name("parse Kubernetes watch events");

    // 2. Kubernetes state: pods (bound to a node) and nodes, keyed by node with the telemetry
    DataStream<NodeEvent> k8sNodeEvents =
        k8s.flatMap(new K8sToNodeEvents(), TypeInformation.of(NodeEvent.class))
            .uid("k8s-node-events")
            .name("Kubernetes state: pods and nodes by node");

    // 3. allocation: node-minutes split over pods by GPU-seconds, idle, node-hours; prices from
    //    the rate card, superseded by prices published on the pricing topic (broadcast)
    SingleOutputStreamOperator<PriceUpdate> prices =
        in.pricing()
            .open(SourceEventTime.configuration())
            .process(
                new ParseFunction<PriceUpdate>(
                        () -> {
                          PriceUpdateParser p = new PriceUpdateParser();
                          return r -> p.parse(r.value);
                        },
                        s.limits(),
                        s.dlqMaxPayloadBytes())
                    .withCheck(
                        u -> {
                          bounds.checkPrice("price_per_hour", u.pricePerHour, u.gpuCount);
                          if (u.validFrom != 0) { // 0: valid always
                            bounds.checkDate("valid_from", u.validFrom);
                          }
                        }),
                TypeInformation.of(PriceUpdate.class))
            .uid("parse-pricing")
            .name("parse published prices");
    DataStream<PriceUpdate> priceUpdates =
        prices
            .transform(
                "prices take no part in event time",
                TypeInformation.of(PriceUpdate.class),
                new OutsideEventTime<>())
            .uid("watermarks-pricing");
    SingleOutputStreamOperator<PodMinute> podMinutes =
        samples
            .union(k8sNodeEvents)
            .keyBy(NodeEvent::nodeKey)
            .connect(priceUpdates.broadcast(PriceHistory.PRICES))
            .process(
                new NodeCostFunction(
                        s.rateCard(),
                        s.sites(),
                        s.nodeStaleness().toMillis(),
                        s.nodeRetention().toMillis(),
                        s.podGhostTimeout().toMillis())
                    .withDlqMaxPayloadBytes(s.dlqMaxPayloadBytes()),
                TypeInformation.of(PodMinute.class))
            .uid("allocate-node-cost")
            .name("allocate node cost to pods");

    // 4. work: join pod-minutes with progress counters
    SingleOutputStreamOperator<PodMinute> podWork =
        podMinutes
            .keyBy(m -> m.podKey)
            .connect(progress.keyBy(WorkloadProgress::podKey))
            .process(
                new PodProgressJoin().withDlqMaxPayloadBytes(s.dlqMaxPayloadBytes()),
                TypeInformation.of(PodMinute.class))
            .uid("join-pod-progress")
            .name("join pod-minutes with progress");

    // 5. windows: per workload per minute
    SingleOutputStreamOperator<CostWindow> workloadWindows =
        podWork
            .keyBy(m -> m.workload)
            .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
            .aggregate(
                new WorkloadWindows.Sum(),
                new WorkloadWindows.Emit(s.idleInCostPerSample()),
                TypeInformation.of(WorkloadAcc.class),
                TypeInformation.of(WorkloadAcc.class),
                TypeInformation.of(CostWindow.class))
            .uid("workload-windows")
            .name("workload cost windows (1 min)");

    // 6. anomalies: the production detector per workload series, alerts on state changes
    DataStream<SeriesPoint> teamCostRate =
        workloadWindows
            .flatMap(new AnomalySeries.TeamCostRate(), TypeInformation.of(SeriesPoint.class))
            .uid("team-cost-series")
            .name("series: team cost rate")
            .keyBy(p -> p.key)
            .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
            .reduce(AnomalySeries::sum)
            .uid("team-cost-rate")
            .name("team cost rate per minute");
    DataStream<Alert> alerts =
        workloadWindows
            .flatMap(new AnomalySeries(), TypeInformation.of(SeriesPoint.class))
            .uid("anomaly-series")
            .name("series: cost rate, utilisation, throughput, cost per sample")
            .union(teamCostRate)
            .keyBy(p -> p.key)
            .process(new AnomalyFunction(s.anomalyDetector()), TypeInformation.of(Alert.class))
            .uid("detect-anomalies")
            .name("detect anomalies per series");

    // 7. reconciliation: billed usage of an instance-hour re-splits its allocation (cost_basis
    // billed)
    SingleOutputStreamOperator<BillingLineItem> billing =
        in.billing()
            .open(SourceEventTime.configuration())
            .process(
                new ParseFunction<BillingLineItem>(
                        () -> {
                          BillingRowParser p = new BillingRowParser();
                          return r -> p.parseJson(r.value);
                        },
                        s.limits(),
                        s.dlqMaxPayloadBytes())
                    .withEventTime(b -> b.chargePeriodStart)
                    .withTagCount(b -> b.tags == null ? 0 : b.tags.size())
                    .withCheck(
                        b -> {
                          bounds.checkBilling(b);
                          // what reaches billing_line_items must fit its columns, as on Kafka
                          String unfit = BillingRowData.unfit(b);
                          if (unfit != null) {
                            throw new ParseException(
                                DeadLetter.Reasons.VALUE_OUT_OF_RANGE,
                                unfit + " (billing_line_items)");
                          }
                        }),
                TypeInformation.of(BillingLineItem.class))
            .uid("parse-billing")
            .name("parse billing rows (FOCUS, CUR 2.0)");
    DataStream<BillingCharge> charges =
        billing
            .transform(
                "billing takes no part in event time",
                TypeInformation.of(BillingLineItem.class),
                new OutsideEventTime<>())
            .uid("watermarks-billing")
            .flatMap(
                (BillingLineItem item, Collector<BillingCharge> out) -> {
                  long at = item.deliveredAt >= 0 ? item.deliveredAt : Long.MIN_VALUE;
                  for (BillingCharge c : BillingCharges.of(item, item.deliveryId, at)) {
                    out.collect(c);
                  }
                },
                TypeInformation.of(BillingCharge.class))
            .uid("billing-charges")
            .name("billed usage per resource-hour");
    DataStream<CostAllocation> estimates = podMinutes.getSideOutput(NodeCostFunction.ALLOCATIONS);
    SingleOutputStreamOperator<CostAllocation> corrections =
        estimates
            .filter(a -> ResourceIds.instanceKey(a.providerInstanceId) != null)
            .uid("allocations-with-instance")
            .name("allocations of cloud instances")
            .keyBy(a -> ResourceIds.instanceKey(a.providerInstanceId))
            .connect(charges.keyBy(c -> c.resourceKey))
            .process(
                new ReconcileFunction(
                    s.allocateBy(),
                    s.unbilledGrace().toMillis(),
                    s.reconciliationRetention().toMillis()),
                TypeInformation.of(CostAllocation.class))
            .uid("reconcile-billing")
            .name("reconcile allocations to billed cost");

    DataStream<CostWindow> windows =
        workloadWindows.union(podMinutes.getSideOutput(NodeCostFunction.IDLE));

    // 8. training runs: plateau (early stop), divergence, throughput collapse after a restart
    SingleOutputStreamOperator<Alert> training =
        workloadWindows
            .keyBy(TrainingFunction::key)
            .process(
                new TrainingFunction(
                    s.detection().training(), s.detection().seriesTimeout().toMillis()),
                TypeInformation.of(Alert.class))
            .uid("detect-training")
            .name("training signals: plateau, divergence, collapse after restart");

    // 9. scheduling advice for deferrable work: time-of-use tariffs, spot price history
    SingleOutputStreamOperator<Action> reschedule =
        workloadWindows
            .filter(SchedulingFunction::deferrable)
            .uid("deferrable-windows")
            .name("deferrable workloads")
            .keyBy(TrainingFunction::key)
            .connect(priceUpdates.broadcast(PriceHistory.PRICES))
            .process(
                new SchedulingFunction(s.sites(), s.detection().seriesTimeout().toMillis()),
                TypeInformation.of(Action.class))
            .uid("advise-scheduling")
            .name("scheduling advice: cheapest hours");

    // 10. decisions: rules, budgets with forecasts, optimisation actions
    DetectionSteps.Outputs decisions =
        DetectionSteps.build(
            windows, in.budgets().open(SourceEventTime.configuration()), s.detection());
    DataStream<DeadLetter> dlq =
        samples
            .getSideOutput(ParseFunction.DLQ)
            .union(
                progress.getSideOutput(ParseFunction.DLQ),
                k8s.getSideOutput(ParseFunction.DLQ),
                podMinutes.getSideOutput(NodeCostFunction.DLQ),
                podWork.getSideOutput(PodProgressJoin.DLQ),
                billing.getSideOutput(ParseFunction.DLQ),
                // the parser's side output: the watermark step after it has none
                prices.getSideOutput(ParseFunction.DLQ),
                decisions.deadLetters());
    return new Outputs(
        windows,
        estimates.union(corrections),
        billing,
        alerts.union(
            corrections.getSideOutput(ReconcileFunction.ALERTS), decisions.alerts(), training),
        decisions.actions().union(training.getSideOutput(TrainingFunction.ACTIONS), reschedule),
        decisions.budgetStatus(),
        dlq);
  }
}
