package io.burnrate.jobs;

import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.config.RunConfig;
import io.burnrate.jobs.metrics.PrometheusMetrics;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.jobs.pipeline.HistoryJob;
import io.burnrate.jobs.run.LocalRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of the job jar ({@code flink run burnrate-jobs-*-job.jar --config burnrate.yaml
 * [--set key=value ...]}) and of {@code ./burnrate run}: reads the YAML configuration and the flags
 * (flag over file over default), validates everything before the job is built (a bad value stops
 * here, naming its key), and submits the analytics job to the environment it runs in: the cluster
 * under {@code flink run}, a local MiniCluster otherwise.
 */
public final class RunJob {
  private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

  private RunJob() {}

  public static void main(String[] args) throws Exception {
    int code = run(args, System.out);
    if (code != 0) {
      throw new IllegalStateException("burnrate run ended with exit code " + code);
    }
  }

  /**
   * Runs the job as {@link #main} does; on a local MiniCluster ({@code ./burnrate run}) through
   * {@link LocalRun} (durable checkpoints, resume, topic check, console). The exit code: 0 done or
   * stopped, 1 the job failed, 2 it could not start.
   */
  public static int run(String[] args, PrintStream out) throws Exception {
    Path file = null;
    List<String> flags = new ArrayList<>();
    boolean fresh = false;
    boolean untilEnd = false;
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> file = Path.of(value(args, ++i, "--config"));
        case "--set" -> flags.add(value(args, ++i, "--set"));
        case "--fresh" -> fresh = true;
        case "--until-end" -> untilEnd = true;
        case "--json" -> json = true;
        case "-h", "--help" -> {
          out.println(
              "usage: RunJob --config burnrate.yaml [--set key=value]... [--until-end] [--fresh]"
                  + " [--json]  (docs/configuration.md, docs/deployment.md)");
          return 0;
        }
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    Configuration conf = configuration(file, flags, System::getenv);
    JobConfig cfg = JobConfig.from(conf);
    if (LocalRun.isLocal(conf)) {
      return new LocalRun(conf, cfg, new LocalRun.Options(fresh, untilEnd, json), out).run();
    }
    // on a Flink cluster (flink run): the cluster's configuration decides checkpoints and restarts
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    if (cfg.mode == JobConfig.Mode.HISTORY) {
      HistoryJob.addTo(env, cfg, untilEnd);
    } else {
      BurnrateJob.addTo(env, cfg, untilEnd);
    }
    env.execute(LocalRun.pipelineName(conf, cfg));
    return 0;
  }

  /**
   * Loads the run configuration (secret references resolved), logs it with secrets redacted, and
   * turns the Prometheus reporter on when {@code metrics.prometheus.port} is set.
   */
  static Configuration configuration(Path file, List<String> flags, Function<String, String> env) {
    Configuration conf = RunConfig.load(file, flags, env);
    LOG.info("Burnrate configuration (secrets redacted):\n{}", RunConfig.summary(conf));
    String metricsPort = conf.get(BurnrateOptions.METRICS_PROMETHEUS_PORT);
    if (metricsPort != null) {
      PrometheusMetrics.enable(conf, metricsPort);
      LOG.info("Prometheus metrics on http://127.0.0.1:{}/metrics", metricsPort);
    }
    return conf;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + ": a value is required");
    }
    return args[i];
  }
}
