package io.burnrate.tools.faults;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Test-only: a pass-through step after every input's source that replays the input at a steady pace
 * of event time, and whose first GPU telemetry subtask throws on the N-th record it sees after the
 * first checkpoint completed in its task attempt, until a {@link Plan}'s budget of failures is
 * spent. So every injected failure follows a completed checkpoint: the job makes progress between
 * failures and each restore replays from a fresh checkpoint.
 *
 * <p>The plan lives in this JVM (a MiniCluster runs its tasks here), so it outlives task attempts:
 * a restored task does not forget how many failures were already injected. Inserted with {@link
 * #hook(String)} through {@link BurnrateJob.InputHook}; production jobs have no such step.
 */
public final class FailureInjector extends RichMapFunction<RawRecord, RawRecord>
    implements CheckpointListener {
  private static final long serialVersionUID = 1L;

  /** A failure schedule and what was observed, shared by all attempts of all subtasks. */
  public static final class Plan {
    final int afterRecords;
    final long simStart;
    final double speedup;
    final AtomicLong wallStart = new AtomicLong(Long.MIN_VALUE);
    final AtomicInteger remaining;

    /** Failures thrown so far. */
    public final AtomicInteger injected = new AtomicInteger();

    /** Highest task attempt number seen (0 = never restarted). */
    public final AtomicInteger maxAttempt = new AtomicInteger();

    /** Checkpoint completions seen by the injector's subtasks. */
    public final AtomicInteger checkpoints = new AtomicInteger();

    Plan(int failures, int afterRecords, long simStart, double speedup) {
      this.remaining = new AtomicInteger(failures);
      this.afterRecords = afterRecords;
      this.simStart = simStart;
      this.speedup = speedup;
    }
  }

  private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();

  /**
   * Registers a plan: {@code failures} failures, each on the {@code afterRecords}-th GPU record
   * after the first completed checkpoint of a task attempt of subtask 0. Every input is replayed at
   * {@code speedup} times event time from {@code simStart} (as a live fleet would deliver it): each
   * record is held until the replay clock reaches its Kafka timestamp, so that all topics advance
   * together and the small input outlasts the whole schedule. Records behind the clock (replayed
   * after a restore) pass at once.
   */
  public static Plan plan(
      String name, int failures, int afterRecords, long simStart, double speedup) {
    Plan p = new Plan(failures, afterRecords, simStart, speedup);
    PLANS.put(name, p);
    return p;
  }

  /** The input hook that puts an injector of plan {@code name} after every input's source. */
  public static BurnrateJob.InputHook hook(String name) {
    return (topic, records) ->
        records
            .map(new FailureInjector(name, topic), TypeInformation.of(RawRecord.class))
            .uid("inject-failures-" + topic)
            .name("test: replay pace and failures");
  }

  private final String name;
  private final boolean failing;
  private transient Plan plan;
  private transient boolean checkpointed;
  private transient long sinceCheckpoint;
  private transient int subtask;

  private FailureInjector(String name, String topic) {
    this.name = name;
    this.failing = topic.equals(Topics.TELEMETRY_GPU);
  }

  @Override
  public void open(OpenContext ctx) {
    plan = PLANS.get(name);
    plan.maxAttempt.accumulateAndGet(
        getRuntimeContext().getTaskInfo().getAttemptNumber(), Math::max);
    checkpointed = false;
    sinceCheckpoint = 0;
    subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
  }

  @Override
  public RawRecord map(RawRecord r) {
    pace(r.timestamp);
    if (failing
        && subtask == 0
        && checkpointed
        && ++sinceCheckpoint == plan.afterRecords
        && plan.remaining.getAndDecrement() > 0) {
      int n = plan.injected.incrementAndGet();
      throw new InjectedFailure("injected failure #" + n + " at " + r);
    }
    return r;
  }

  /** Holds the record until the replay clock reaches its event time. */
  private void pace(long timestamp) {
    long now = System.nanoTime();
    plan.wallStart.compareAndSet(Long.MIN_VALUE, now);
    long due = plan.wallStart.get() + (long) ((timestamp - plan.simStart) * 1e6 / plan.speedup);
    if (due > now) {
      LockSupport.parkNanos(Math.min(due - now, 1_000_000_000L));
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    checkpointed = true;
    plan.checkpoints.incrementAndGet();
  }

  /** The exception an injected failure throws. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String message) {
      super(message);
    }
  }
}
