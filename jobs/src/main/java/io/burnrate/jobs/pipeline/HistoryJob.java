package io.burnrate.jobs.pipeline;

import io.burnrate.connectors.iceberg.BurnrateIceberg;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.connectors.iceberg.JsonRows;
import io.burnrate.connectors.json.OutputJson;
import io.burnrate.connectors.kafka.BurnrateKafka;
import io.burnrate.connectors.kafka.DeadLetters;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.FlinkSchemaUtil;

/**
 * The history job ({@code job.mode: history}): the slow speed of the two (docs/deployment.md, Two
 * speeds). It lands the analytics job's output topics in their Iceberg tables exactly once, on its
 * own checkpoint interval (minutes: few, large files per commit), with Iceberg's table maintenance
 * after the commits. It reads only committed records (read_committed), so it lands exactly what the
 * analytics job published; a record that does not fit its table goes to the dead-letter topic with
 * the column at fault.
 *
 * <p>{@code billing_line_items} is not here: billing rows can come from files as well as the topic,
 * so the analytics job keeps writing that table (billing arrives a few times a day).
 */
public final class HistoryJob {
  private HistoryJob() {}

  /** One output topic and the table it lands in. */
  public record Landing(
      String topic,
      TableIdentifier table,
      Schema schema,
      PartitionSpec spec,
      String uid,
      Map<String, String> defaults) {}

  /** The empty cluster of a global budget's alerts and actions (as RowMappers writes it). */
  private static final Map<String, String> NO_CLUSTER = Map.of("cluster", "");

  /** The output topics the history job lands, and their tables. */
  public static final List<Landing> LANDINGS =
      List.of(
          new Landing(
              Topics.COST_WINDOWS,
              TableSchemas.WORKLOAD_WINDOWS,
              TableSchemas.WORKLOAD_WINDOWS_SCHEMA,
              TableSchemas.WORKLOAD_WINDOWS_SPEC,
              "history-workload-windows",
              Map.of()),
          new Landing(
              Topics.COST_ALLOCATIONS,
              TableSchemas.COST_ALLOCATIONS,
              TableSchemas.COST_ALLOCATIONS_SCHEMA,
              TableSchemas.COST_ALLOCATIONS_SPEC,
              "history-cost-allocations",
              Map.of()),
          new Landing(
              Topics.ALERTS,
              TableSchemas.ALERTS,
              TableSchemas.ALERTS_SCHEMA,
              TableSchemas.ALERTS_SPEC,
              "history-alerts",
              NO_CLUSTER),
          new Landing(
              Topics.ACTIONS,
              TableSchemas.ACTIONS,
              TableSchemas.ACTIONS_SCHEMA,
              TableSchemas.ACTIONS_SPEC,
              "history-actions",
              NO_CLUSTER),
          new Landing(
              Topics.BUDGET_STATUS,
              TableSchemas.BUDGET_STATUS,
              TableSchemas.BUDGET_STATUS_SCHEMA,
              TableSchemas.BUDGET_STATUS_SPEC,
              "history-budget-status",
              Map.of()));

  /**
   * Adds the history job to {@code env}.
   *
   * @param bounded read the topics up to their current end, then finish (tests, backfills)
   */
  public static void addTo(StreamExecutionEnvironment env, JobConfig cfg, boolean bounded) {
    if (cfg.iceberg == null) {
      throw new IllegalArgumentException("job.mode history: iceberg.warehouse is required");
    }
    env.enableCheckpointing(cfg.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.setMaxParallelism(cfg.maxParallelism);
    // No Kryo for what comes from Kafka: RawRecord is a POJO, rows have Flink's RowData type. Only
    // Iceberg's maintenance operators pass a type of their own between them (TableChange, built
    // from this job's commits, never from a record) that Flink serialises generically.
    env.configure(
        new Configuration().set(PipelineOptions.GENERIC_TYPES, cfg.lakeMaintenance != null));
    OutputTag<DeadLetter> unfit =
        new OutputTag<>("history-dead-letters", TypeInformation.of(DeadLetter.class));
    DataStream<DeadLetter> deadLetters = null;
    for (Landing l : LANDINGS) {
      IcebergTables.ensureTable(cfg.iceberg, l.table(), l.schema(), l.spec());
      String suffix = l.topic().substring(l.topic().lastIndexOf('.') + 1);
      DataStream<RawRecord> raw =
          env.fromSource(
                  BurnrateKafka.source(
                      cfg.kafka, cfg.groupId + "-history-" + suffix, List.of(l.topic()), bounded),
                  WatermarkStrategy.noWatermarks(),
                  "kafka: " + l.topic())
              .uid("history-source-" + l.topic());
      SingleOutputStreamOperator<RowData> rows =
          raw.process(
                  new ToRows(new JsonRows(l.schema(), l.defaults()), cfg.dlqMaxPayloadBytes, unfit),
                  InternalTypeInfo.of(FlinkSchemaUtil.convert(l.schema())))
              .uid(l.uid() + "-rows")
              .name("rows for " + l.table().name());
      BurnrateIceberg.append(rows, cfg.iceberg, l.table(), l.uid(), cfg.lakeMaintenance)
          .name("iceberg: " + l.table().name());
      DataStream<DeadLetter> d = rows.getSideOutput(unfit);
      deadLetters = deadLetters == null ? d : deadLetters.union(d);
    }
    BurnrateJob.kafka(
        deadLetters, cfg, Topics.DLQ, d -> d.sourceTopic, OutputJson::deadLetter, "history-dlq");
  }

  /** A topic record to its table's row; what does not fit to the dead-letter topic. */
  static final class ToRows extends ProcessFunction<RawRecord, RowData> {
    private static final long serialVersionUID = 1L;
    private final JsonRows rows;
    private final int maxPayloadBytes;
    private final OutputTag<DeadLetter> unfit;

    ToRows(JsonRows rows, int maxPayloadBytes, OutputTag<DeadLetter> unfit) {
      this.rows = rows;
      this.maxPayloadBytes = maxPayloadBytes;
      this.unfit = unfit;
    }

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<RowData> out) {
      if (r.value == null) {
        ctx.output(
            unfit,
            DeadLetters.of(
                r, DeadLetter.Reasons.INVALID_JSON, "a record without value", maxPayloadBytes));
        return;
      }
      try {
        out.collect(rows.toRow(r.value));
      } catch (JsonRows.Invalid e) {
        ctx.output(unfit, DeadLetters.of(r, e.reason, e.getMessage(), maxPayloadBytes));
      }
    }
  }
}
