package io.burnrate.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.pipeline.BurnrateJob;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimulatorPublisher;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Alert latency from event time to publication, measured for real: the fleet simulator runs in real
 * time (event time = now; each scrape interval is published when it has passed, as an exporter
 * would deliver it) into the embedded broker, the analytics job runs on a MiniCluster, and a plain
 * consumer reads {@code burnrate.alerts} with {@code read_committed}, as a pager would. For every
 * memory-pressure alert, latency = the consumer's receive time - the end of the window that
 * triggered it ({@code evidence.window_end}). The rule runs with a rules file that makes it fire at
 * the first window above 70% framebuffer use ({@code for: 0m}), so that every workload of the fleet
 * (most use 70-85%) raises one alert through the same code path as the 5-minute production rule:
 * hundreds of samples instead of one incident.
 *
 * <p>What the number contains: the watermark's out-of-orderness bound (a window closes only when
 * event time has passed its end by it), the window and rule operators, the exactly-once Kafka sink
 * (visible at the next completed checkpoint; with {@code --alert-delivery at-least-once}, sent at
 * once), and the consumer's poll. Iceberg is off (the lake path does not gate alerts).
 */
public final class AlertLatencyBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ALERT = "GpuMemoryPressure";
  private static final Duration START_AHEAD = Duration.ofSeconds(15);

  private final Path dir;
  private final Duration duration;
  private final int nodes;
  private final Duration scrape;
  private final Duration outOfOrderness;
  private final Duration checkpoint;
  private final int parallelism;
  private final boolean atLeastOnce;
  private final boolean json;
  private final PrintStream out;

  public AlertLatencyBench(
      Path dir,
      Duration duration,
      int nodes,
      Duration scrape,
      Duration outOfOrderness,
      Duration checkpoint,
      int parallelism,
      boolean atLeastOnce,
      boolean json,
      PrintStream out) {
    this.dir = dir;
    this.duration = duration;
    this.nodes = nodes;
    this.scrape = scrape;
    this.outOfOrderness = outOfOrderness;
    this.checkpoint = checkpoint;
    this.parallelism = parallelism;
    this.atLeastOnce = atLeastOnce;
    this.json = json;
    this.out = out;
  }

  public void run() throws Exception {
    Path d = dir.toAbsolutePath();
    Files.createDirectories(d);
    Path rules = d.resolve("alert-latency-rules.json");
    Files.writeString(
        rules,
        "{\"rules\": {\"memory_pressure\": {\"threshold\": 0.7, \"resolve_threshold\": 0.5,"
            + " \"for\": \"0m\", \"keep_firing_for\": \"10m\"}}}",
        StandardCharsets.UTF_8);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(Files.createTempDirectory(d, "kafka"))) {
      kafka.createTopics(parallelism);
      StreamExecutionEnvironment env = Benchmark.localEnvironment(d, parallelism);
      Configuration job = new Configuration();
      job.set(BurnrateOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
      job.set(BurnrateOptions.KAFKA_GROUP, "latency-" + System.nanoTime());
      job.set(BurnrateOptions.CLUSTER, "bench");
      job.set(BurnrateOptions.CHECKPOINT_INTERVAL, checkpoint);
      job.set(BurnrateOptions.OUT_OF_ORDERNESS, outOfOrderness);
      job.set(BurnrateOptions.RULES_FILE, rules.toString());
      job.set(BurnrateOptions.ALERTS_DELIVERY, atLeastOnce ? "at-least-once" : "exactly-once");
      BurnrateJob.addTo(env, JobConfig.from(job), false);
      JobClient client = env.executeAsync("burnrate-alert-latency");

      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      Set<Long> windowEnds = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      Thread reader =
          new Thread(
              () -> consume(kafka.clientProperties(), latencies, windowEnds, stop), "alert-reader");
      reader.start();

      // event time = now: the simulation starts a little ahead (the job and the simulator get
      // ready), and each scrape is published at its timestamp, as an exporter's scrape arrives
      long step = scrape.toMillis();
      long start = (System.currentTimeMillis() / step + 1) * step + START_AHEAD.toMillis();
      FleetSimulator sim =
          new FleetSimulator(
              new FleetSimulator.Config(
                  7, Instant.ofEpochMilli(start), duration, nodes, "bench", scrape, true));
      Thread.sleep(Math.max(0, start - System.currentTimeMillis()));
      out.printf(
          "load: %d nodes (%d GPUs), %s scrapes, %s in real time; job at parallelism %d,"
              + " out-of-orderness %s, checkpoints every %s, alerts %s%n",
          nodes,
          sim.gpuCount(),
          scrape,
          duration,
          parallelism,
          outOfOrderness,
          checkpoint,
          atLeastOnce ? "at-least-once (sent at once)" : "exactly-once (visible at checkpoint)");
      AtomicLong maxLag = new AtomicLong();
      long published;
      long p0 = System.nanoTime();
      try (SimulatorPublisher pub = new SimulatorPublisher(kafka.clientProperties())) {
        published =
            pub.publish(
                sim,
                1.0,
                // onStep gets the end of the step just published: its scrapes are at (end - step)
                t -> maxLag.accumulateAndGet(System.currentTimeMillis() - (t - step), Math::max));
      }
      double secs = (System.nanoTime() - p0) / 1e9;
      // the last windows close out-of-orderness after the end; then the last checkpoint
      Thread.sleep(outOfOrderness.plus(checkpoint).plusSeconds(5).toMillis());
      stop.set(true);
      reader.join(10_000);
      client.cancel().get(30, TimeUnit.SECONDS);

      List<Long> l = new ArrayList<>(latencies);
      Collections.sort(l);
      double rate = published / secs;
      out.printf(
          "published %,d events in %.0f s = %,.0f events/s; the publisher was at most %.1f s"
              + " behind event time%n",
          published, secs, rate, maxLag.get() / 1000.0);
      if (l.isEmpty()) {
        out.println("no " + ALERT + " alert was received: nothing to report");
        return;
      }
      out.printf(
          "%s alerts received: %d, triggered by %d distinct window ends; latency (receive - window"
              + " end): p50 %.1f s, p99 %.1f s, min %.1f s, max %.1f s%n",
          ALERT,
          l.size(),
          windowEnds.size(),
          pct(l, 50) / 1000.0,
          pct(l, 99) / 1000.0,
          l.get(0) / 1000.0,
          l.get(l.size() - 1) / 1000.0);
      out.println(Benchmark.machine());
      if (json) {
        out.printf(
            Locale.ROOT,
            "{\"alerts\":%d,\"window_ends\":%d,\"p50_ms\":%d,\"p99_ms\":%d,\"min_ms\":%d,\"max_ms\":%d,"
                + "\"events_per_s\":%.0f,\"nodes\":%d,\"gpus\":%d,\"scrape_ms\":%d,"
                + "\"out_of_orderness_ms\":%d,\"checkpoint_ms\":%d,\"parallelism\":%d,"
                + "\"publisher_max_lag_ms\":%d,\"alerts_delivery\":\"%s\"}%n",
            l.size(),
            windowEnds.size(),
            pct(l, 50),
            pct(l, 99),
            l.get(0),
            l.get(l.size() - 1),
            rate,
            nodes,
            sim.gpuCount(),
            scrape.toMillis(),
            outOfOrderness.toMillis(),
            checkpoint.toMillis(),
            parallelism,
            maxLag.get(),
            atLeastOnce ? "at-least-once" : "exactly-once");
      }
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static long pct(List<Long> sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static void consume(
      Properties kafka, List<Long> latencies, Set<Long> windowEnds, AtomicBoolean stop) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("fetch.max.wait.ms", "50");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(Topics.ALERTS)) {
        parts.add(new TopicPartition(Topics.ALERTS, pi.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      while (!stop.get()) {
        var records = c.poll(Duration.ofMillis(100));
        long received = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          try {
            JsonNode n = MAPPER.readTree(r.value());
            if (ALERT.equals(n.path("alertname").asText())
                && "firing".equals(n.path("status").asText())) {
              long end = Instant.parse(n.at("/evidence/window_end").asText()).toEpochMilli();
              latencies.add(received - end);
              windowEnds.add(end);
            }
          } catch (Exception e) {
            // not an alert of ours
          }
        }
      }
    }
  }
}
