package io.burnrate.jobs.pipeline;

import io.burnrate.connectors.billing.BillingFileSource;
import io.burnrate.connectors.iceberg.BurnrateIceberg;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.connectors.json.OutputJson;
import io.burnrate.connectors.kafka.BurnrateKafka;
import io.burnrate.connectors.kafka.JsonRecordSerializer;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.connectors.otlp.OtlpExpander;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.eventtime.EndOfInputWatermark;
import io.burnrate.jobs.eventtime.SourceEventTime;
import io.burnrate.jobs.lake.Landings;
import io.burnrate.jobs.lake.OutputRows;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.DeadLetter;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/** Wires the production ends around {@link BurnratePipeline}: Kafka in, Kafka and Iceberg out. */
public final class BurnrateJob {
  private BurnrateJob() {}

  /**
   * Adds the analytics job to {@code env}.
   *
   * @param bounded read the input topics up to their current end, then finish (tests, benchmarks)
   */
  public static BurnratePipeline.Outputs addTo(
      StreamExecutionEnvironment env, JobConfig cfg, boolean bounded) {
    return addTo(env, cfg, bounded, InputHook.NONE);
  }

  /**
   * A step applied to each input topic's raw records between its source and its parser. Production
   * has none; fault-tolerance tests insert a failure injector here (docs/fault-tolerance.md).
   */
  @FunctionalInterface
  public interface InputHook {
    InputHook NONE = (topic, records) -> records;

    DataStream<RawRecord> apply(String topic, DataStream<RawRecord> records);
  }

  /**
   * As {@link #addTo(StreamExecutionEnvironment, JobConfig, boolean)}, with {@code hook} on every
   * input.
   */
  public static BurnratePipeline.Outputs addTo(
      StreamExecutionEnvironment env, JobConfig cfg, boolean bounded, InputHook hook) {
    if (cfg.mode == JobConfig.Mode.HISTORY) {
      throw new IllegalArgumentException(
          "job.mode history is the history job (HistoryJob.addTo), not the analytics job");
    }
    env.enableCheckpointing(cfg.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.setMaxParallelism(cfg.maxParallelism); // key groups: fixed for the life of the state
    // Every operator emits new objects and keeps copies, never its inputs, in state (a test
    // checks PodMinute.copy covers every field), so chained operators may pass records as is.
    env.getConfig().enableObjectReuse();
    // No Kryo: every type on the wire and in state has a POJO or hand-written serializer, and a
    // type that would fall back to Kryo fails the job at submission instead of slowing it down
    // (and deserialising whatever class a byte stream names).
    env.configure(
        new org.apache.flink.configuration.Configuration()
            .set(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES, false));
    RateCard rateCard =
        cfg.rateCardPath == null
            ? RateCard.bundled()
            : RateCard.bundledWithOverride(Path.of(cfg.rateCardPath));
    BurnratePipeline.Inputs inputs =
        new BurnratePipeline.Inputs(
            input(env, cfg, Topics.TELEMETRY_GPU, bounded, hook),
            input(env, cfg, Topics.TELEMETRY_WORKLOAD, bounded, hook),
            input(env, cfg, Topics.K8S_EVENTS, bounded, hook),
            time -> hook.apply(Topics.BILLING_FOCUS, billing(env, cfg, bounded, time)),
            input(env, cfg, Topics.CONFIG_PRICING, bounded, hook),
            input(env, cfg, Topics.CONFIG_BUDGETS, bounded, hook));
    BurnratePipeline.Settings settings =
        new BurnratePipeline.Settings(
            cfg.cluster,
            cfg.labelKeys,
            cfg.outOfOrderness,
            cfg.sourceIdleness,
            cfg.nodeStaleness,
            cfg.nodeRetention,
            cfg.podGhostTimeout,
            cfg.inputLimits,
            cfg.dlqMaxPayloadBytes,
            rateCard,
            cfg.anomalyDetector,
            cfg.allocateBy,
            cfg.unbilledGrace,
            cfg.reconciliationRetention,
            cfg.detection(rateCard),
            cfg.idleInCostPerSample,
            cfg.sites);
    BurnratePipeline.Outputs out = BurnratePipeline.build(inputs, settings);
    sinks(out, cfg);
    return out;
  }

  private static BurnratePipeline.Input input(
      StreamExecutionEnvironment env,
      JobConfig cfg,
      String topic,
      boolean bounded,
      InputHook hook) {
    return time -> hook.apply(topic, source(env, cfg, topic, bounded, time));
  }

  /**
   * One Kafka source per input topic, each with its own consumer group ({@code <group>-<topic>}):
   * sources sharing one group id were measured to lose records in bounded runs here, and per-source
   * groups also keep their committed offsets apart for operators. Event time is assigned in the
   * source, per partition, by the topology's strategy ({@link SourceEventTime}).
   */
  private static DataStream<RawRecord> source(
      StreamExecutionEnvironment env,
      JobConfig cfg,
      String topic,
      boolean bounded,
      WatermarkStrategy<RawRecord> time) {
    String group = cfg.groupId + "-" + topic.substring(topic.lastIndexOf('.') + 1);
    return env.fromSource(
            BurnrateKafka.source(
                cfg.kafka,
                group,
                List.of(topic),
                bounded,
                topic.equals(Topics.TELEMETRY_GPU)
                    ? new OtlpExpander(OtlpExpander.Kind.GPU)
                    : topic.equals(Topics.TELEMETRY_WORKLOAD)
                        ? new OtlpExpander(OtlpExpander.Kind.WORKLOAD)
                        : null),
            time,
            "kafka: " + topic)
        .uid("source-" + topic)
        .transform(
            "end of input: end of event time",
            TypeInformation.of(RawRecord.class),
            new EndOfInputWatermark<>())
        .uid("end-of-input-" + topic);
  }

  /**
   * Billing rows from the topic, and from the billing export's folder or bucket when configured
   * (each object once; rows as JSON, dead letters name the object and row).
   */
  private static DataStream<RawRecord> billing(
      StreamExecutionEnvironment env,
      JobConfig cfg,
      boolean bounded,
      WatermarkStrategy<RawRecord> time) {
    DataStream<RawRecord> topic = source(env, cfg, Topics.BILLING_FOCUS, bounded, time);
    if (cfg.billingFiles == null) {
      return topic;
    }
    BillingFileSource.Builder b =
        BillingFileSource.builder()
            .location(cfg.billingFiles)
            .s3(cfg.billingS3)
            .discoveryInterval(cfg.billingFilesInterval);
    if (bounded) {
      b.bounded();
    }
    DataStream<RawRecord> files =
        env.fromSource(b.build(), time, "billing files").uid("source-billing-files");
    return topic.union(files);
  }

  /**
   * Lands one output in its table ({@code job.mode: all}); returns what did not fit its table, for
   * the dead-letter topic.
   */
  private static <T> DataStream<DeadLetter> land(
      DataStream<T> records,
      SerializableFunction<T, byte[]> json,
      Landings.Landing l,
      JobConfig cfg,
      OutputTag<DeadLetter> unfit) {
    IcebergTables.ensureTable(cfg.iceberg, l.table(), l.schema(), l.spec());
    String uid = "iceberg-" + l.uid();
    SingleOutputStreamOperator<RowData> rows =
        records
            .process(
                new OutputRows<>(l, json, cfg.dlqMaxPayloadBytes, unfit),
                InternalTypeInfo.of(FlinkSchemaUtil.convert(l.schema())))
            .uid(uid + "-rows")
            .name("rows for " + l.table().name());
    BurnrateIceberg.append(rows, cfg.iceberg, l.table(), uid, null)
        .name("iceberg: " + l.table().name());
    return rows.getSideOutput(unfit);
  }

  private static void sinks(BurnratePipeline.Outputs out, JobConfig cfg) {
    kafka(
        out.costWindows(),
        cfg,
        Topics.COST_WINDOWS,
        w -> w.workload != null ? w.workload : w.cluster + "/" + w.node,
        OutputJson::costWindow,
        "windows");
    kafka(
        out.allocations(),
        cfg,
        Topics.COST_ALLOCATIONS,
        a -> a.id,
        OutputJson::costAllocation,
        "allocations");
    if (cfg.alertsAtLeastOnce) {
      immediate(out.alerts(), cfg, Topics.ALERTS, a -> a.fingerprint, OutputJson::alert, "alerts");
      immediate(
          out.actions(), cfg, Topics.ACTIONS, a -> a.fingerprint, OutputJson::action, "actions");
    } else {
      kafka(out.alerts(), cfg, Topics.ALERTS, a -> a.fingerprint, OutputJson::alert, "alerts");
      kafka(out.actions(), cfg, Topics.ACTIONS, a -> a.fingerprint, OutputJson::action, "actions");
    }
    kafka(
        out.budgetStatus(),
        cfg,
        Topics.BUDGET_STATUS,
        b -> b.budgetId,
        OutputJson::budgetStatus,
        "budget-status");
    kafka(out.deadLetters(), cfg, Topics.DLQ, d -> d.sourceTopic, OutputJson::deadLetter, "dlq");
    // job.mode analytics: a history job (HistoryJob) lands the output topics in the lake on its
    // own, longer checkpoint interval; this job keeps only billing_line_items (below)
    if (cfg.iceberg != null && cfg.mode == JobConfig.Mode.ALL) {
      // the same landings, by the same row path, as the history job (Landings, OutputRows)
      OutputTag<DeadLetter> unfit =
          new OutputTag<>("lake-dead-letters", TypeInformation.of(DeadLetter.class));
      DataStream<DeadLetter> lakeDlq =
          land(out.costWindows(), OutputJson::costWindow, Landings.WORKLOAD_WINDOWS, cfg, unfit)
              .union(
                  land(
                      out.allocations(),
                      OutputJson::costAllocation,
                      Landings.COST_ALLOCATIONS,
                      cfg,
                      unfit),
                  land(out.alerts(), OutputJson::alert, Landings.ALERTS, cfg, unfit),
                  land(out.actions(), OutputJson::action, Landings.ACTIONS, cfg, unfit),
                  land(
                      out.budgetStatus(),
                      OutputJson::budgetStatus,
                      Landings.BUDGET_STATUS,
                      cfg,
                      unfit));
      kafka(lakeDlq, cfg, Topics.DLQ, d -> d.sourceTopic, OutputJson::deadLetter, "lake-dlq");
    }
    if (cfg.iceberg != null) {
      // the deliveries of billing files (./burnrate ingest-billing) sit beside the streamed rows;
      // the table exists from the start so that the current view works on either
      io.burnrate.connectors.iceberg.IcebergTables.ensureTable(
          cfg.iceberg,
          TableSchemas.BILLING_DELIVERIES,
          TableSchemas.BILLING_DELIVERIES_SCHEMA,
          TableSchemas.BILLING_DELIVERIES_SPEC);
      BurnrateIceberg.append(
              out.billingLineItems(),
              io.burnrate.connectors.billing.BillingRowData::of,
              cfg.iceberg,
              TableSchemas.BILLING_LINE_ITEMS,
              TableSchemas.BILLING_LINE_ITEMS_SCHEMA,
              TableSchemas.BILLING_LINE_ITEMS_SPEC,
              "iceberg-billing-line-items")
          .name("iceberg: billing_line_items");
    }
  }

  /**
   * An at-least-once Kafka sink of JSON records ({@code alerts.delivery: at-least-once}): sent at
   * once. Its uid differs from the exactly-once sink's, so switching the mode is a topology change
   * (restore with --allowNonRestoredState).
   */
  private static <T> void immediate(
      DataStream<T> stream,
      JobConfig cfg,
      String topic,
      JsonRecordSerializer.Fn<T, String> key,
      JsonRecordSerializer.Fn<T, byte[]> json,
      String name) {
    stream
        .sinkTo(
            BurnrateKafka.atLeastOnceSink(cfg.kafka, new JsonRecordSerializer<T>(topic, key, json)))
        .uid("sink-kafka-" + name + "-at-least-once")
        .name("kafka (at once): " + topic);
  }

  /** An exactly-once Kafka sink of JSON records, keyed for ordering and compaction. */
  static <T> void kafka(
      DataStream<T> stream,
      JobConfig cfg,
      String topic,
      JsonRecordSerializer.Fn<T, String> key,
      JsonRecordSerializer.Fn<T, byte[]> json,
      String name) {
    stream
        .sinkTo(
            BurnrateKafka.exactlyOnceSink(
                cfg.kafka,
                new JsonRecordSerializer<T>(topic, key, json),
                cfg.transactionalIdPrefix + "-" + name,
                cfg.transactionTimeout))
        .uid("sink-kafka-" + (name.equals("windows") ? "cost-windows" : name))
        .name("kafka: " + topic);
  }
}
