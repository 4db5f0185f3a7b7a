package io.burnrate.jobs.pipeline;

import io.burnrate.connectors.iceberg.BurnrateIceberg;
import io.burnrate.connectors.iceberg.IcebergTables;
import io.burnrate.connectors.json.OutputJson;
import io.burnrate.connectors.kafka.BurnrateKafka;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.lake.Landings;
import io.burnrate.jobs.lake.Landings.Landing;
import io.burnrate.jobs.lake.OutputRows;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.DeadLetter;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.util.OutputTag;
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
    for (Landing l : Landings.ALL) {
      IcebergTables.ensureTable(cfg.iceberg, l.table(), l.schema(), l.spec());
      String suffix = l.topic().substring(l.topic().lastIndexOf('.') + 1);
      DataStream<RawRecord> raw =
          env.fromSource(
                  BurnrateKafka.source(
                      cfg.kafka, cfg.groupId + "-history-" + suffix, List.of(l.topic()), bounded),
                  WatermarkStrategy.noWatermarks(),
                  "kafka: " + l.topic())
              .uid("history-source-" + l.topic());
      String uid = "history-" + l.uid();
      SingleOutputStreamOperator<RowData> rows =
          raw.process(
                  OutputRows.ofTopicRecords(l, cfg.dlqMaxPayloadBytes, unfit),
                  InternalTypeInfo.of(FlinkSchemaUtil.convert(l.schema())))
              .uid(uid + "-rows")
              .name("rows for " + l.table().name());
      BurnrateIceberg.append(rows, cfg.iceberg, l.table(), uid, cfg.lakeMaintenance)
          .name("iceberg: " + l.table().name());
      DataStream<DeadLetter> d = rows.getSideOutput(unfit);
      deadLetters = deadLetters == null ? d : deadLetters.union(d);
    }
    BurnrateJob.kafka(
        deadLetters, cfg, Topics.DLQ, d -> d.sourceTopic, OutputJson::deadLetter, "history-dlq");
  }
}
