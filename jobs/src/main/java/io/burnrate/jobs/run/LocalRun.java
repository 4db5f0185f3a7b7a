package io.burnrate.jobs.run;

import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.jobs.pipeline.HistoryJob;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * {@code ./burnrate run} on a local MiniCluster that it starts and watches: durable checkpoints
 * under the state directory (kept when the job stops), resume from the newest one, topics checked
 * (and created), the web UI on loopback, and a console that says what happens ({@link RunConsole}).
 * Only defaults the user did not set are filled in; on a Flink cluster none of this applies.
 */
public final class LocalRun {
  /** In the checkpoint folder: checkpoints older than this file were consumed by a drain. */
  static final String DRAINED = "_drained";

  /** The command line's choices. */
  public record Options(boolean fresh, boolean untilEnd, boolean json) {}

  private final Configuration conf;
  private final JobConfig cfg;
  private final Options opts;
  private final RunConsole console;

  public LocalRun(Configuration conf, JobConfig cfg, Options opts, java.io.PrintStream out) {
    this.conf = new Configuration(conf);
    this.cfg = cfg;
    this.opts = opts;
    this.console = new RunConsole(out, opts.json());
  }

  /**
   * Whether this JVM runs the job itself (not under {@code flink run}, which installs a context
   * environment, nor with an {@code execution.target} of a cluster).
   */
  public static boolean isLocal(Configuration conf) {
    String target = conf.get(DeploymentOptions.TARGET);
    if (target != null && !target.equals("local")) {
      return false;
    }
    StreamExecutionEnvironment probe = StreamExecutionEnvironment.getExecutionEnvironment();
    return probe instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment
        || probe.getClass() == StreamExecutionEnvironment.class;
  }

  /** The job's name: {@code pipeline.name}, else by {@code job.mode}. */
  public static String pipelineName(Configuration conf, JobConfig cfg) {
    return conf.getString(
        "pipeline.name",
        cfg.mode == JobConfig.Mode.HISTORY ? "burnrate-history" : "burnrate-analytics");
  }

  /** Runs the job until it ends (drained, failed, or stopped with Ctrl-C); the exit code. */
  public int run() throws Exception {
    String name = pipelineName(conf, cfg);
    Path stateDir =
        Path.of(
                Optional.ofNullable(conf.get(BurnrateOptions.RUN_STATE_DIR))
                    .orElse("burnrate-state/" + name))
            .toAbsolutePath()
            .normalize();
    Path checkpoints = applyCheckpointDefaults(stateDir);
    // which checkpoint to resume from
    String restore = conf.get(StateRecoveryOptions.SAVEPOINT_PATH);
    if (restore != null) {
      console.line(
          "resume",
          Map.of("checkpoint", restore),
          "resuming from " + restore + " (execution.state-recovery.path)");
    } else if (opts.fresh()) {
      console.line(
          "resume",
          Map.of("checkpoint", "none"),
          "starting with empty state (--fresh); older checkpoints in "
              + (checkpoints == null ? stateDir : checkpoints)
              + " are left in place");
    } else {
      Path newest = checkpoints == null ? null : newestCheckpoint(checkpoints);
      Path drained = checkpoints == null ? null : checkpoints.resolve(DRAINED);
      if (newest != null
          && drained != null
          && Files.exists(drained)
          && Files.getLastModifiedTime(newest.resolve("_metadata")).toMillis()
              <= Files.getLastModifiedTime(drained).toMillis()) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("checkpoint", "none");
        f.put("ignored", newest.toString());
        console.line(
            "resume",
            f,
            "the newest checkpoint "
                + newest
                + " predates the last drain (--until-end), which consumed it: starting with empty"
                + " state from the consumer groups' committed offsets");
        newest = null;
      } else if (newest == null) {
        console.line(
            "resume",
            Map.of("checkpoint", "none"),
            "no checkpoint in "
                + (checkpoints == null ? "(not a local folder)" : checkpoints)
                + ": starting with empty state");
      } else {
        restore = newest.toUri().toString();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("checkpoint", newest.toString());
        f.put("modified", Files.getLastModifiedTime(newest.resolve("_metadata")).toString());
        console.line(
            "resume",
            f,
            "resuming from checkpoint "
                + newest
                + " (written "
                + f.get("modified")
                + "; --fresh starts over)");
      }
    }
    // topics
    TopicCheck.Result topics =
        TopicCheck.ensure(
            cfg.kafka,
            conf.get(BurnrateOptions.RUN_CREATE_TOPICS),
            conf.get(BurnrateOptions.RUN_TOPIC_PARTITIONS));
    if (topics.error() != null && topics.missing().isEmpty()) {
      console.line("error", topics.error());
      return 2;
    }
    if (!topics.created().isEmpty()) {
      console.line(
          "topics_created",
          Map.of("topics", topics.created()),
          "created missing topics: " + String.join(", ", topics.created()));
    }
    if (!topics.missing().isEmpty()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("missing", topics.missing());
      String cmd =
          TopicCheck.commands(
              cfg.kafka.bootstrapServers(),
              topics.missing(),
              conf.get(BurnrateOptions.RUN_TOPIC_PARTITIONS));
      f.put("create_with", cmd);
      console.line(
          "topics_missing",
          f,
          "missing topics "
              + String.join(", ", topics.missing())
              + (topics.error() != null ? " (creation refused: " + topics.error() + ")" : "")
              + "; create them with: "
              + cmd);
      return 2;
    }
    // the cluster
    if (!conf.contains(RestOptions.BIND_ADDRESS)) {
      conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    }
    if (!conf.contains(RestOptions.ADDRESS)) {
      conf.set(RestOptions.ADDRESS, "127.0.0.1");
    }
    if (!conf.contains(RestOptions.BIND_PORT) && !conf.contains(RestOptions.PORT)) {
      conf.set(RestOptions.BIND_PORT, "0");
    }
    int parallelism =
        conf.getOptional(CoreOptions.DEFAULT_PARALLELISM)
            .orElse(Runtime.getRuntime().availableProcessors());
    conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    // A drain from empty state reads bounded sources. A drain that resumes a checkpoint cannot:
    // the Kafka source restores its partitions with the stopping offsets they had (none, for a
    // continuous run), so the job would never end. It runs unbounded instead and is stopped with
    // a draining savepoint once the consumer groups committed the end offsets read at the start.
    boolean bounded = opts.untilEnd() && restore == null;
    if (cfg.mode == JobConfig.Mode.HISTORY) {
      HistoryJob.addTo(env, cfg, bounded);
    } else {
      BurnrateJob.addTo(env, cfg, bounded);
    }
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(name);
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    JobGraph job = PipelineExecutorUtils.getJobGraph(graph, conf, cl);
    if (restore != null) {
      job.setSavepointRestoreSettings(
          SavepointRestoreSettings.forPath(
              restore,
              conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE),
              RecoveryClaimMode.NO_CLAIM));
    }
    DrainOffsets drainOffsets = null;
    if (opts.untilEnd()) {
      drainOffsets = new DrainOffsets(cfg.kafka, cfg.groupId);
      drainOffsets.capture();
    }
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .build());
    cluster.start();
    long t0 = System.currentTimeMillis();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = null;
    try {
      URI rest = cluster.getRestAddress().get(30, TimeUnit.SECONDS);
      JobID id = cluster.submitJob(job).get(60, TimeUnit.SECONDS).getJobID();
      console.attach(rest, id.toString());
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("job_id", id.toString());
      f.put("name", name);
      f.put("mode", opts.untilEnd() ? "until-end" : "continuous");
      f.put("parallelism", parallelism);
      console.line(
          "job",
          f,
          "job "
              + id
              + " '"
              + name
              + "' submitted, parallelism "
              + parallelism
              + (opts.untilEnd()
                  ? "; reads every input topic to its end offsets at start, then stops"
                  : "; runs until Ctrl-C (its checkpoints are kept)"));
      console.line("web_ui", Map.of("url", rest.toString()), "Flink web UI and REST API: " + rest);
      String metricsPort = conf.get(BurnrateOptions.METRICS_PROMETHEUS_PORT);
      if (metricsPort != null) {
        String url = "http://127.0.0.1:" + metricsPort + "/metrics";
        console.line("metrics", Map.of("url", url), "metrics (Prometheus): " + url);
      }
      Map<String, Object> sd = new LinkedHashMap<>();
      sd.put("state_dir", stateDir.toString());
      sd.put("checkpoints", String.valueOf(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
      console.line(
          "state_dir",
          sd,
          "state directory "
              + stateDir
              + " (checkpoints: "
              + conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
              + ", every "
              + cfg.checkpointInterval.toSeconds()
              + " s, kept when the job stops)");
      CompletableFuture<JobResult> result = cluster.requestJobResult(id);
      boolean[] interrupted = {false};
      hook =
          new Thread(
              () -> {
                interrupted[0] = true;
                console.line(
                    "stopping", "stopping: cancelling the job (its last checkpoint is kept)");
                cluster.cancelJob(id);
                try {
                  done.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "burnrate-run-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      long interval = Math.max(1000, conf.get(BurnrateOptions.RUN_STATUS_INTERVAL).toMillis());
      long nextStatus = System.currentTimeMillis() + interval;
      JobResult r = null;
      boolean stopping = false;
      while (r == null) {
        try {
          r = result.get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          console.poll();
          if (opts.untilEnd() && !bounded && !stopping && drainOffsets.caughtUp()) {
            stopping = true;
            console.line(
                "drain_stop",
                "every input is read to the end offsets of the start (committed at a checkpoint):"
                    + " stopping with a draining savepoint (end of input, last commit)");
            cluster.stopWithSavepoint(
                id,
                conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY),
                true,
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL);
          }
          if (System.currentTimeMillis() >= nextStatus) {
            nextStatus += interval;
            String state;
            try {
              state = cluster.getJobStatus(id).get(5, TimeUnit.SECONDS).name();
            } catch (Exception ex) {
              state = "UNKNOWN";
            }
            console.status(state, System.currentTimeMillis() - t0);
          }
        }
      }
      console.poll(); // the final checkpoint (the last commit of a drained run)
      String status = r.getApplicationStatus().name();
      int code;
      String how;
      if (r.isSuccess()) {
        code = 0;
        how = opts.untilEnd() ? "drained every input to its end and stopped" : "finished";
      } else if (interrupted[0]
          || r.getApplicationStatus()
              == org.apache.flink.runtime.clusterframework.ApplicationStatus.CANCELED) {
        code = 0;
        how = "stopped (cancelled)";
      } else {
        code = 1;
        Throwable t = r.getSerializedThrowable().map(s -> (Throwable) s).orElse(null);
        how = "failed: " + (t == null ? status : TopicCheck.message(t));
      }
      Map<String, Object> s = console.fields();
      s.put("job_id", id.toString());
      s.put("status", status);
      s.put("elapsed_s", (System.currentTimeMillis() - t0) / 1000);
      s.put("state_dir", stateDir.toString());
      s.put("exit_code", code);
      console.line(
          "summary",
          s,
          String.format(
              java.util.Locale.ROOT,
              "job %s %s after %s: records in %,d; checkpoints %d completed (largest %s), %d failed;"
                  + " restarts %d; last checkpoint %s",
              id,
              how,
              RunConsole.duration(System.currentTimeMillis() - t0),
              console.recordsIn,
              console.completed,
              RunConsole.bytes(console.maxSize),
              console.failed,
              console.restarts,
              console.lastPath == null ? "(none)" : console.lastPath));
      if (r.isSuccess() && drainOffsets != null) {
        if (checkpoints != null) {
          // older checkpoints are consumed: the next run must not resume one of them
          Files.writeString(
              checkpoints.resolve(DRAINED),
              "drained by job " + id + "; checkpoints older than this file are not resumed\n");
        }
        int moved = drainOffsets.commit();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("offsets_committed", moved);
        console.line(
            "drained",
            d,
            "a drained job is final: Flink keeps no checkpoint of a finished job; the consumer"
                + " groups' offsets are at the ends the drain read ("
                + moved
                + " partition offsets moved forward), where the next run starts, with empty state");
      }
      return code;
    } finally {
      done.countDown();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down: the hook is running
        }
      }
      cluster.close();
    }
  }

  /**
   * Filesystem checkpoints under the state directory, kept on cancellation, unless the user chose;
   * the local folder that holds the checkpoints (to resume from), or null when not local.
   */
  Path applyCheckpointDefaults(Path stateDir) throws IOException {
    if (!conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)) {
      Path dir = stateDir.resolve("checkpoints");
      Files.createDirectories(dir);
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
    }
    if (!conf.contains(CheckpointingOptions.CHECKPOINT_STORAGE)) {
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    }
    if (!conf.contains(CheckpointingOptions.SAVEPOINT_DIRECTORY)) {
      conf.set(
          CheckpointingOptions.SAVEPOINT_DIRECTORY,
          stateDir.resolve("savepoints").toUri().toString());
    }
    if (!conf.contains(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION)) {
      conf.set(
          CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    String dir = conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
    URI u =
        URI.create(
            dir.contains("://") || dir.startsWith("file:")
                ? dir
                : "file:" + Path.of(dir).toAbsolutePath());
    if (!"file".equals(u.getScheme())) {
      return null;
    }
    return Path.of(u);
  }

  /** The newest {@code <job>/chk-N} folder with a {@code _metadata} file under {@code dir}. */
  static Path newestCheckpoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> jobs = Files.list(dir)) {
      List<Path> candidates =
          jobs.filter(Files::isDirectory)
              .flatMap(
                  j -> {
                    try {
                      return Files.list(j).toList().stream();
                    } catch (IOException e) {
                      return Stream.empty();
                    }
                  })
              .filter(c -> c.getFileName().toString().startsWith("chk-"))
              .filter(c -> Files.isRegularFile(c.resolve("_metadata")))
              .toList();
      return candidates.stream()
          .max(
              Comparator.comparingLong(
                  (Path c) -> {
                    try {
                      return Files.getLastModifiedTime(c.resolve("_metadata")).toMillis();
                    } catch (IOException e) {
                      return 0L;
                    }
                  }))
          .orElse(null);
    }
  }
}
