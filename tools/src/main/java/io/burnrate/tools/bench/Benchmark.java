package io.burnrate.tools.bench;

import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.parse.ParseFunction;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.parse.GpuSampleParser;
import io.burnrate.schemas.parse.K8sEventParser;
import io.burnrate.schemas.parse.ParseException;
import io.burnrate.schemas.parse.WorkloadProgressParser;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimulatorPublisher;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The first measurement: simulator events are loaded into a real broker, then (1) the ceiling: one
 * thread consumes and parses them all with a plain Kafka consumer and Burnrate's parsers, and (2)
 * the analytics job on a MiniCluster reads the same events from Kafka (bounded) and writes its
 * outputs exactly-once to Kafka. Both rates are per core; their ratio is the pipeline's cost.
 */
public final class Benchmark {
  private final Path dir;
  private final Duration checkpoint;

  /** Also land the history in Iceberg (a folder warehouse) and measure it. */
  private boolean iceberg;

  /** How the GPU telemetry is published (JSON per GPU, or OTLP per node scrape). */
  private io.burnrate.tools.simulator.OtlpScrapes.Encoding gpuEncoding =
      io.burnrate.tools.simulator.OtlpScrapes.Encoding.JSON;

  private final double hours;
  private final int nodes;
  private final int parallelism;
  private final boolean json;
  private final PrintStream out;

  public Benchmark(
      Path dir, double hours, int nodes, int parallelism, boolean json, PrintStream out) {
    this(dir, hours, nodes, parallelism, Duration.ofSeconds(1), json, out);
  }

  public Benchmark(
      Path dir,
      double hours,
      int nodes,
      int parallelism,
      Duration checkpoint,
      boolean json,
      PrintStream out) {
    this.checkpoint = checkpoint;
    this.dir = dir;
    this.hours = hours;
    this.nodes = nodes;
    this.parallelism = parallelism;
    this.json = json;
    this.out = out;
  }

  public void run() throws Exception {
    Path d = dir.toAbsolutePath();
    Files.createDirectories(d);
    int cores = Runtime.getRuntime().availableProcessors();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(Files.createTempDirectory(d, "kafka"))) {
      kafka.createTopics(parallelism);
      Duration span = Duration.ofSeconds((long) (hours * 3600));
      FleetSimulator sim =
          new FleetSimulator(
              new FleetSimulator.Config(
                  7,
                  Instant.parse("2026-01-05T00:00:00Z"),
                  span,
                  nodes,
                  "bench",
                  Duration.ofSeconds(10),
                  true));
      out.printf(
          "load: %d nodes (%d GPUs), %s simulated, publishing...%n", nodes, sim.gpuCount(), span);
      long p0 = System.nanoTime();
      long events;
      try (SimulatorPublisher pub = new SimulatorPublisher(kafka.clientProperties())) {
        events = pub.gpuEncoding(gpuEncoding).publish(sim, 0, null);
      }
      double publishSecs = (System.nanoTime() - p0) / 1e9;
      out.printf(
          "published %,d events (GPU telemetry as %s) in %.1fs%n",
          events, gpuEncoding.name().toLowerCase(java.util.Locale.ROOT), publishSecs);

      // (1) ceiling: one thread, consume + parse
      out.println(
          "ceiling: one thread consuming and parsing every event (a warm-up pass, then the measured pass)...");
      consumeAndParse(kafka.clientProperties(), events);
      long c0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      long parsed = consumeAndParse(kafka.clientProperties(), events);
      double ceilingSecs = (System.nanoTime() - c0) / 1e9;
      double ceilingCpu = (processCpuNanos() - cpu0) / 1e9;
      double ceiling = parsed / ceilingSecs;
      out.printf(
          "ceiling: %,d events in %.1fs = %,.0f events/s on one core%n",
          parsed, ceilingSecs, ceiling);

      // (2) the job, end to end through Kafka
      out.printf(
          "job: analytics pipeline at parallelism %d, bounded Kafka sources, exactly-once Kafka sinks,"
              + " checkpoints every %s...%n",
          parallelism, checkpoint);
      int restPort = freePort();
      StreamExecutionEnvironment env = localEnvironment(d, parallelism, restPort);
      Configuration job = new Configuration();
      job.set(BurnrateOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
      job.set(BurnrateOptions.KAFKA_GROUP, "bench-" + System.nanoTime());
      job.set(BurnrateOptions.CHECKPOINT_INTERVAL, checkpoint);
      Path warehouse = d.resolve("warehouse-" + System.nanoTime());
      if (iceberg) {
        job.set(BurnrateOptions.ICEBERG_WAREHOUSE, warehouse.toString());
      }
      JobConfig cfg = JobConfig.from(job);
      BurnrateJob.addTo(env, cfg, true);
      long j0 = System.nanoTime();
      long jcpu0 = processCpuNanos();
      var client = env.executeAsync("burnrate-bench");
      org.apache.flink.api.common.JobExecutionResult result;
      StateSizes state = new StateSizes(restPort, client.getJobID().toHexString());
      try {
        result = client.getJobExecutionResult().get();
      } finally {
        state.close();
      }
      double jobSecs = (System.nanoTime() - j0) / 1e9;
      double jobCpu = (processCpuNanos() - jcpu0) / 1e9;
      out.printf(
          "job: net runtime %.1fs of %.1fs wall (the rest is MiniCluster start and submission)%n",
          result.getNetRuntime() / 1000.0, jobSecs);
      long consumed = 0;
      for (var e : result.getAllAccumulatorResults().entrySet()) {
        if (e.getKey().startsWith(ParseFunction.INPUT_RECORDS)) {
          consumed += ((Number) e.getValue()).longValue();
          out.printf("job: %s = %,d%n", e.getKey(), ((Number) e.getValue()).longValue());
        }
      }
      out.printf("job: read %,d of %,d input events%n", consumed, events);
      if (consumed != events) {
        out.println(
            "WARNING: the job did not consume every event; the figures below are not valid");
      }
      int usedCores = Math.min(parallelism, cores);
      double perCore = events / jobSecs / usedCores;
      out.printf(
          "job: %,d events in %.1fs (including job start-up) = %,.0f events/s, %,.0f events/s per core (%d cores used)%n",
          events, jobSecs, events / jobSecs, perCore, usedCores);
      String lake = iceberg ? lake(warehouse, jobSecs) : "";
      // (3) state: the largest checkpoint of the run, per step
      out.printf(
          "state: largest checkpoint #%d, %,d bytes in all%n",
          state.largestId(), state.largestTotal());
      for (var e : state.largest().entrySet()) {
        out.printf("state:   %,12d  %s%n", e.getValue(), e.getKey());
      }
      long perNode = state.bytesOf("allocate node cost");
      long perWorkloadSteps =
          state.bytesOf(
              "join pod-minutes",
              "workload cost windows",
              "detect anomalies",
              "team cost rate",
              "rules:",
              "actions:",
              "training",
              "scheduling");
      double bytesPerGpu = perNode / (double) sim.gpuCount();
      double bytesPerWorkload = perWorkloadSteps / (double) Math.max(1, sim.workloadCount());
      out.printf(
          "state: %,.0f bytes per tracked GPU (node allocation step / %d GPUs), %,.0f bytes per"
              + " workload (workload-keyed steps / %d workloads)%n",
          bytesPerGpu, sim.gpuCount(), bytesPerWorkload, sim.workloadCount());
      // per CPU-second of the whole process (job, broker, MiniCluster): what the work costs,
      // whatever the parallelism and whatever else the machine was doing
      double ceilingPerCpu = parsed / ceilingCpu;
      double jobPerCpu = events / jobCpu;
      out.printf(
          "cpu: ceiling %,.0f events per CPU-second (%.1f CPU-s), job %,.0f events per CPU-second"
              + " (%.1f CPU-s of the process, broker included): ratio %.2f%n",
          ceilingPerCpu, ceilingCpu, jobPerCpu, jobCpu, jobPerCpu / ceilingPerCpu);
      out.printf(
          "%nsummary: pipeline %,.0f events/s/core vs ceiling %,.0f events/s/core: ratio %.2f%n",
          perCore, ceiling, perCore / ceiling);
      out.println(machine());
      if (json) {
        out.printf(
            "{\"gpu_encoding\":\"%s\",\"events\":%d,\"nodes\":%d,\"gpus\":%d,\"ceiling_events_per_s_core\":%.0f,"
                + "\"job_seconds\":%.2f,\"job_events_per_s\":%.0f,\"job_events_per_s_core\":%.0f,\"ratio\":%.3f,"
                + "\"parallelism\":%d,\"cores\":%d,\"state_bytes_per_gpu\":%.0f,"
                + "\"state_bytes_per_workload\":%.0f,\"state_bytes_largest_checkpoint\":%d,"
                + "\"ceiling_events_per_cpu_s\":%.0f,\"job_events_per_cpu_s\":%.0f,\"cpu_ratio\":%.3f"
                + "%s}%n",
            gpuEncoding.name().toLowerCase(java.util.Locale.ROOT),
            events,
            nodes,
            sim.gpuCount(),
            ceiling,
            jobSecs,
            events / jobSecs,
            perCore,
            perCore / ceiling,
            parallelism,
            cores,
            bytesPerGpu,
            bytesPerWorkload,
            state.largestTotal(),
            ceilingPerCpu,
            jobPerCpu,
            jobPerCpu / ceilingPerCpu,
            lake);
      }
    }
  }

  /**
   * A local MiniCluster environment for a measurement: no restarts, checkpoints under {@code d}.
   */
  static StreamExecutionEnvironment localEnvironment(Path d, int parallelism) {
    return localEnvironment(d, parallelism, 0);
  }

  /** The same, with Flink's REST API on a given loopback port (0: any). */
  static StreamExecutionEnvironment localEnvironment(Path d, int parallelism, int restPort) {
    Configuration flink = new Configuration();
    flink.setString("rest.port", Integer.toString(restPort));
    flink.setString("rest.bind-address", "127.0.0.1");
    flink.setString("pipeline.generic-types", "false");
    flink.setString("restart-strategy.type", "none"); // a failure must show, not be retried
    flink.setString("execution.checkpointing.dir", d.resolve("checkpoints").toUri().toString());
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
  }

  /** Measures the history path: rows and data files per commit of every table. */
  /** Publishes GPU telemetry in {@code encoding} (the ceiling decodes it the same way). */
  public Benchmark withGpuEncoding(io.burnrate.tools.simulator.OtlpScrapes.Encoding encoding) {
    this.gpuEncoding = encoding;
    return this;
  }

  public Benchmark withIceberg(boolean on) {
    this.iceberg = on;
    return this;
  }

  /**
   * Rows per second landed in the lake and data files per commit, from the tables' snapshots;
   * prints a line per table and returns the JSON fields.
   */
  private String lake(Path warehouse, double jobSecs) throws Exception {
    org.apache.iceberg.catalog.Catalog catalog =
        io.burnrate.connectors.iceberg.IcebergTables.catalogLoader(
                io.burnrate.connectors.iceberg.CatalogConfig.hadoop(warehouse))
            .loadCatalog();
    long rows = 0;
    long files = 0;
    long commits = 0;
    for (org.apache.iceberg.catalog.TableIdentifier id :
        ((org.apache.iceberg.catalog.SupportsNamespaces) catalog)
            .listNamespaces().stream().flatMap(ns -> catalog.listTables(ns).stream()).toList()) {
      org.apache.iceberg.Table t = catalog.loadTable(id);
      long tr = 0;
      long tf = 0;
      long tc = 0;
      for (org.apache.iceberg.Snapshot s : t.snapshots()) {
        java.util.Map<String, String> sum = s.summary();
        tr += Long.parseLong(sum.getOrDefault("added-records", "0"));
        tf += Long.parseLong(sum.getOrDefault("added-data-files", "0"));
        tc++;
      }
      out.printf(
          "lake: %-22s %,9d rows, %,6d data files in %,5d commits (%.1f files per commit)%n",
          id.name(), tr, tf, tc, tc == 0 ? 0.0 : tf / (double) tc);
      rows += tr;
      files += tf;
      commits += tc;
    }
    double perCommit = commits == 0 ? 0 : files / (double) commits;
    out.printf(
        "lake: %,d rows in %.1fs = %,.0f rows/s into Iceberg, %.1f data files per commit%n",
        rows, jobSecs, rows / jobSecs, perCommit);
    return String.format(
        java.util.Locale.ROOT,
        ",\"lake_rows\":%d,\"lake_rows_per_s\":%.0f,\"lake_commits\":%d,\"lake_files_per_commit\":%.2f",
        rows,
        rows / jobSecs,
        commits,
        perCommit);
  }

  /** CPU time of this JVM, all threads. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The machine a figure was measured on. */
  static String machine() {
    return String.format(
        "machine: %d cores, %s, Java %s, max heap %d MiB",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long consumeAndParse(Properties kafka, long expected) throws ParseException {
    Properties p = new Properties();
    p.putAll(kafka);
    p.setProperty("group.id", "bench-ceiling-" + System.nanoTime());
    p.setProperty("auto.offset.reset", "earliest");
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("enable.auto.commit", "false");
    p.setProperty("max.poll.records", "5000");
    p.setProperty("fetch.min.bytes", "1");
    GpuSampleParser gpu = new GpuSampleParser("bench");
    WorkloadProgressParser work = new WorkloadProgressParser("bench");
    K8sEventParser k8s = new K8sEventParser("bench", List.of("team", "project", "cost-center"));
    long n = 0;
    long idlePolls = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      // assign, not subscribe: no group coordination inside the measured time
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : List.of(Topics.TELEMETRY_GPU, Topics.TELEMETRY_WORKLOAD, Topics.K8S_EVENTS)) {
        for (PartitionInfo pi : c.partitionsFor(t)) {
          parts.add(new TopicPartition(t, pi.partition()));
        }
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (n < expected && idlePolls < 20) {
        var records = c.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          idlePolls++;
        } else {
          idlePolls = 0;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          switch (r.topic()) {
            case Topics.TELEMETRY_GPU -> {
              if (io.burnrate.schemas.parse.OtlpGpuMetrics.isOtlp(r.value())) {
                // as the job's source task does: one record per GPU of the scrape, then parsed
                for (byte[] one : io.burnrate.schemas.parse.OtlpGpuMetrics.records(r.value())) {
                  gpu.parse(one);
                }
              } else {
                gpu.parse(r.value());
              }
            }
            case Topics.TELEMETRY_WORKLOAD -> work.parse(r.value());
            default -> k8s.parse(r.value(), r.timestamp());
          }
          n++;
        }
      }
    }
    return n;
  }
}
