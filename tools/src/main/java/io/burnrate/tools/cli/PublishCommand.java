package io.burnrate.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.publish.NdjsonPublisher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./burnrate publish}: recorded NDJSON files to Burnrate's topics, without code. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes NDJSON files (one JSON record per line; .gz optional) to Burnrate's input"
          + " topics: files, or folders of *.ndjson / *.jsonl / *.json[.gz]. The topic comes from"
          + " --topic or from the file name (burnrate.telemetry.gpu.ndjson); keys are set as the"
          + " simulator sets them (GPU samples by cluster/host/gpu, workload progress by"
          + " namespace/pod, Kubernetes events by Kind/namespace/name, billing rows by ResourceId,"
          + " budgets by id) and the record timestamp is the record's event time when it has one."
          + " Files are merged by event time. A line that is not a JSON object is not published:"
          + " it is reported with its file and line number (exit code 1).",
      "./burnrate simulate --output-dir DIR writes such files; publish DIR then gives the same"
          + " records as simulate would have published."
    })
final class PublishCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", required = true)
  String bootstrap;

  @Option(
      names = "--topic",
      description = "The topic of every file (default: from each file's name).")
  String topic;

  @Option(
      names = "--speedup",
      defaultValue = "0",
      description =
          "Event-time seconds per wall second (pace a replay); 0 = as fast as possible (default).")
  double speedup;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Maximum records per second; 0 = no limit (default).")
  double rate;

  @Option(
      names = "--cluster",
      defaultValue = "default",
      description =
          "Cluster of GPU samples without a cluster label, for their keys (as the job's"
              + " cluster.default-name; default ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions of topics it creates when missing (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = {"--property", "-X"},
      paramLabel = "KEY=VALUE",
      description = "A Kafka producer property (SASL, SSL; repeatable).")
  List<String> properties = new ArrayList<>();

  @Option(names = "--json", description = "Print the summary as one JSON line.")
  boolean json;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "NDJSON files or folders.")
  List<Path> paths;

  @Override
  public Integer call() throws Exception {
    List<NdjsonPublisher.Input> inputs;
    try {
      inputs = NdjsonPublisher.inputs(paths, topic);
    } catch (IllegalArgumentException e) {
      System.err.println("burnrate publish: " + e.getMessage());
      return 2;
    }
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    for (String kv : properties) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        System.err.println("burnrate publish: --property " + kv + ": expected key=value");
        return 2;
      }
      p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
    }
    if (topic == null) {
      EmbeddedKafka.createTopics(p, partitions);
    }
    Properties prod = new Properties();
    prod.putAll(p);
    prod.putIfAbsent("acks", "all");
    prod.putIfAbsent("enable.idempotence", "true");
    prod.putIfAbsent("linger.ms", "10");
    prod.putIfAbsent("batch.size", "262144");
    prod.putIfAbsent("compression.type", "lz4");
    NdjsonPublisher.Summary s;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(prod, new ByteArraySerializer(), new ByteArraySerializer())) {
      s =
          new NdjsonPublisher(cluster, speedup, rate)
              .publish(
                  inputs,
                  producer,
                  so ->
                      System.err.printf(
                          "burnrate publish: %,d records, %,d bytes, %,d rejected lines, %.0f s%n",
                          so.published, so.bytes, so.rejected, so.seconds));
    } catch (IllegalStateException e) {
      System.err.println("burnrate publish: " + e.getMessage());
      return 1;
    }
    for (String r : s.rejectedLines) {
      System.err.println("burnrate publish: rejected " + r);
    }
    if (s.rejected > s.rejectedLines.size()) {
      System.err.printf(
          "burnrate publish: ... and %,d more rejected lines%n",
          s.rejected - s.rejectedLines.size());
    }
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(s.toMap()));
    } else {
      StringBuilder per = new StringBuilder();
      for (Map.Entry<String, Long> e : s.records.entrySet()) {
        per.append(per.length() == 0 ? "" : ", ")
            .append(e.getKey())
            .append(' ')
            .append(e.getValue());
      }
      System.out.printf(
          "published %,d records (%s), %,d bytes, in %.1f s; %,d lines rejected; %,d records"
              + " without event time (timestamp: now)%n",
          s.published, per, s.bytes, s.seconds, s.rejected, s.withoutEventTime);
    }
    return s.rejected > 0 ? 1 : 0;
  }
}
