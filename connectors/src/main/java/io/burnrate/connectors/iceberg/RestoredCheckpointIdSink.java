package io.burnrate.connectors.iceberg;

import java.lang.reflect.Method;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * Iceberg's sink-v2 {@link IcebergSink} with one operator added behind its pre-commit aggregator,
 * in the aggregator's task, that keeps the last checkpoint id in operator state.
 *
 * <p>Why: in iceberg-flink 1.11 the aggregator ({@code IcebergWriteAggregator}, parallelism 1)
 * keeps no state and learns the restored checkpoint id only from Flink's restore information, which
 * Flink gives a task only when the task has state. Restored without it, the aggregator numbers the
 * batch it emits at the end of input "checkpoint 1"; the committer then finds a higher checkpoint
 * id committed in the table and drops the batch: whatever was written between a restore and the end
 * of input (a bounded run, {@code stop --drain}) never lands, without an error. With a stateful
 * operator chained to it, the task is restored with its checkpoint id, the aggregator continues the
 * numbering, and the batch is committed ({@code IcebergEndOfInputAfterRestoreITCase}).
 *
 * <p>Everything else is Iceberg's own sink, delegated. The builder's {@code build()} is not public
 * in 1.11 and is called reflectively, once per table at job construction.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class RestoredCheckpointIdSink
    implements Sink<RowData>,
        SupportsPreWriteTopology<RowData>,
        SupportsCommitter,
        SupportsPreCommitTopology,
        SupportsPostCommitTopology {
  private static final long serialVersionUID = 1L;

  private final IcebergSink delegate;
  private final String uid;

  private RestoredCheckpointIdSink(IcebergSink delegate, String uid) {
    this.delegate = delegate;
    this.uid = uid;
  }

  /** Builds Iceberg's sink from its builder and wraps it. */
  static RestoredCheckpointIdSink of(IcebergSink.Builder builder, String uid) {
    try {
      Method build = IcebergSink.Builder.class.getDeclaredMethod("build");
      build.setAccessible(true);
      return new RestoredCheckpointIdSink((IcebergSink) build.invoke(builder), uid);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this iceberg-flink version has no IcebergSink.Builder.build(): check"
              + " RestoredCheckpointIdSink against the new version",
          e);
    }
  }

  @Override
  public SinkWriter<RowData> createWriter(WriterInitContext context) throws java.io.IOException {
    return delegate.createWriter(context);
  }

  @Override
  public DataStream<RowData> addPreWriteTopology(DataStream<RowData> input) {
    return delegate.addPreWriteTopology(input);
  }

  @Override
  public Committer createCommitter(CommitterInitContext context) throws java.io.IOException {
    return delegate.createCommitter(context);
  }

  @Override
  public SimpleVersionedSerializer getCommittableSerializer() {
    return delegate.getCommittableSerializer();
  }

  @Override
  public SimpleVersionedSerializer getWriteResultSerializer() {
    return delegate.getWriteResultSerializer();
  }

  @Override
  public DataStream addPreCommitTopology(DataStream committables) {
    // Iceberg's topology ends in aggregator.global(); keep the aggregator, chain the keeper to it
    // (same parallelism, forward), and hand the committer the same global partitioning
    DataStream aggregated = delegate.addPreCommitTopology(committables);
    Transformation t = aggregated.getTransformation();
    Transformation aggregator =
        t instanceof PartitionTransformation ? (Transformation) t.getInputs().get(0) : t;
    DataStream direct = new DataStream(committables.getExecutionEnvironment(), aggregator);
    return direct
        .transform("Sink checkpoint id keeper: " + uid, direct.getType(), new CheckpointIdKeeper())
        .uid(uid + "-checkpoint-id")
        .setParallelism(aggregator.getParallelism())
        .setMaxParallelism(1)
        .global();
  }

  @Override
  public void addPostCommitTopology(DataStream committables) {
    delegate.addPostCommitTopology(committables);
  }

  /**
   * Passes committables through; its state is the last checkpoint id (so that its task has state).
   */
  static final class CheckpointIdKeeper<T> extends AbstractStreamOperator<T>
      implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private transient ListState<Long> lastCheckpoint;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
      super.initializeState(context);
      lastCheckpoint =
          context
              .getOperatorStateStore()
              .getListState(new ListStateDescriptor<>("last-checkpoint-id", Types.LONG));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
      super.snapshotState(context);
      lastCheckpoint.update(List.of(context.getCheckpointId()));
    }

    @Override
    public void processElement(StreamRecord<T> element) {
      output.collect(element);
    }
  }
}
