package io.burnrate.tools.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * A MiniCluster of its own for one job run, so that a test can lose a TaskManager under it and
 * read, after the run, how often the job restarted (the highest task attempt number).
 */
final class ClusterRun implements AutoCloseable {
  final MiniCluster cluster;
  private final int parallelism;

  /**
   * @param options cluster options, e.g. smaller network buffers so that checkpoint barriers are
   *     not stuck behind seconds of in-flight records
   */
  ClusterRun(int taskManagers, int slotsPerTaskManager, int parallelism, Configuration options)
      throws Exception {
    this.parallelism = parallelism;
    this.cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setNumTaskManagers(taskManagers)
                .setNumSlotsPerTaskManager(slotsPerTaskManager)
                .setConfiguration(options)
                .build());
    cluster.start();
  }

  /**
   * An environment on this cluster with Burnrate's test settings (no Kryo, fast watermarks) and the
   * restart strategy: fixed delay with {@code attempts} (0: no restart, any failure fails the job).
   */
  StreamExecutionEnvironment env(int attempts) {
    Configuration c = new Configuration();
    c.setString("pipeline.generic-types", "false");
    c.setString("pipeline.auto-watermark-interval", "20 ms");
    if (attempts == 0) {
      c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    } else {
      c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
      c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    }
    return new TestStreamEnvironment(cluster, c, parallelism, List.of(), List.of());
  }

  /**
   * An environment on this cluster with Burnrate's test settings (no Kryo) and Flink's default
   * restart strategy (with checkpointing: exponential delay, unlimited attempts), as a user's job
   * gets it.
   */
  StreamExecutionEnvironment envDefaultRestarts() {
    Configuration c = new Configuration();
    c.setString("pipeline.generic-types", "false");
    return new TestStreamEnvironment(cluster, c, parallelism, List.of(), List.of());
  }

  /** Waits until {@code condition} holds (true) or the job has reached a terminal state (false). */
  static boolean awaitWhileRunning(JobClient job, BooleanSupplier condition) throws Exception {
    while (!condition.getAsBoolean()) {
      if (job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
        return condition.getAsBoolean();
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** How many times the job restarted: the highest attempt number of any of its tasks. */
  int restarts(JobID job) throws Exception {
    ArchivedExecutionGraph g = cluster.getArchivedExecutionGraph(job).get(30, TimeUnit.SECONDS);
    int max = 0;
    for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
      max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
    }
    return max;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
