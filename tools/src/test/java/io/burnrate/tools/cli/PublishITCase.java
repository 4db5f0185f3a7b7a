package io.burnrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate simulate --output-dir DIR} then {@code ./burnrate publish DIR} on a real KRaft
 * broker: every topic-partition holds exactly the records the simulator publishes directly (same
 * keys, so same partitions; same values in the same order; same timestamps where the record carries
 * its event time), and a line that is not JSON is reported with its line number, not skipped.
 */
class PublishITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String START = "2026-03-02T00:00:00Z";

  @TempDir static Path tmp;
  static EmbeddedKafka kafka;

  @AfterAll
  static void close() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void simulateToFilesThenPublishEqualsSimulatePublished() throws Exception {
    kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
    kafka.createTopics(4);
    Path dir = tmp.resolve("fleet");
    CliRun.Result sim =
        CliRun.run(
            "simulate",
            "--output-dir",
            dir.toString(),
            "--hours",
            "1",
            "--nodes",
            "4",
            "--seed",
            "5",
            "--start",
            START);
    assertThat(sim.code()).isZero();
    assertThat(dir.resolve(Topics.TELEMETRY_GPU + ".ndjson")).isRegularFile();
    // one file gzipped: publish reads either
    Path k8s = dir.resolve(Topics.K8S_EVENTS + ".ndjson");
    try (var out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(Path.of(k8s + ".gz")))) {
      out.write(Files.readAllBytes(k8s));
    }
    Files.delete(k8s);

    CliRun.Result pub =
        CliRun.run(
            "publish",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--cluster",
            "sim-cluster",
            "--json",
            dir.toString());
    assertThat(pub.code()).as(pub.err()).isZero();
    JsonNode summary =
        JSON.readTree(
            pub.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    System.out.println("PublishITCase: publish summary " + summary);

    // what the simulator publishes directly (SimulatorPublisher: its key, its timestamp)
    List<SimRecord> expected = new ArrayList<>();
    new FleetSimulator(
            new FleetSimulator.Config(
                5,
                Instant.parse(START),
                Duration.ofHours(1),
                4,
                "sim-cluster",
                Duration.ofSeconds(10),
                true))
        .run(expected::add);
    assertThat(summary.path("published").asLong()).isEqualTo(expected.size());
    assertThat(summary.path("rejected").asLong()).isZero();

    Map<TopicPartition, List<String>> want = new HashMap<>();
    Map<TopicPartition, List<Long>> wantTs = new HashMap<>();
    Map<String, Integer> partitions = new HashMap<>();
    for (SimRecord r : expected) {
      int n = partitions.computeIfAbsent(r.topic(), t -> Topics.CONFIG.contains(t) ? 1 : 4);
      int part = Utils.toPositive(Utils.murmur2(r.key().getBytes(StandardCharsets.UTF_8))) % n;
      TopicPartition tp = new TopicPartition(r.topic(), part);
      want.computeIfAbsent(tp, x -> new ArrayList<>())
          .add(r.key() + " " + new String(r.value(), StandardCharsets.UTF_8));
      wantTs.computeIfAbsent(tp, x -> new ArrayList<>()).add(r.timestamp());
    }
    Map<TopicPartition, List<String>> got = new HashMap<>();
    Map<TopicPartition, List<Long>> gotTs = new HashMap<>();
    read(want.keySet().stream().map(TopicPartition::topic).distinct().toList(), got, gotTs);
    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
    int tsChecked = 0;
    Map<String, Integer> tsDiffer = new HashMap<>();
    for (TopicPartition tp : want.keySet()) {
      assertThat(got.get(tp)).as("records of %s", tp).containsExactlyElementsOf(want.get(tp));
      for (int i = 0; i < want.get(tp).size(); i++) {
        if (!wantTs.get(tp).get(i).equals(gotTs.get(tp).get(i))) {
          tsDiffer.merge(tp.topic(), 1, Integer::sum);
        } else {
          tsChecked++;
        }
      }
    }
    System.out.println(
        "PublishITCase: equal timestamps " + tsChecked + ", different per topic " + tsDiffer);
    // records that carry their event time get it as their timestamp, as the simulator sets it
    assertThat(tsDiffer)
        .doesNotContainKeys(Topics.TELEMETRY_GPU, Topics.TELEMETRY_WORKLOAD, Topics.BILLING_FOCUS);

    // a line that is not JSON: reported with its file and line number, the others published
    Path bad = tmp.resolve("bad").resolve(Topics.TELEMETRY_GPU + ".ndjson");
    Files.createDirectories(bad.getParent());
    Files.writeString(
        bad,
        "{\"timestamp\":\"2026-03-02T00:00:00Z\",\"cluster\":\"x\",\"Hostname\":\"h\",\"gpu\":0,\"DCGM_FI_DEV_GPU_UTIL\":5}\n"
            + "{\"timestamp\": \"2026-03-02T00:00:10Z\", \"Hostname\": \n"
            + "\n"
            + "[1,2]\n");
    CliRun.Result badRun =
        CliRun.run(
            "publish", "--bootstrap-servers", kafka.bootstrapServers(), "--json", bad.toString());
    assertThat(badRun.code()).isEqualTo(1);
    JsonNode b =
        JSON.readTree(
            badRun.out().lines().filter(l -> l.startsWith("{")).reduce((x, y) -> y).orElseThrow());
    assertThat(b.path("published").asLong()).isEqualTo(1);
    assertThat(b.path("rejected").asLong()).isEqualTo(2);
    assertThat(b.path("rejected_lines").toString())
        .contains(Topics.TELEMETRY_GPU + ".ndjson:2: not a JSON object")
        .contains(Topics.TELEMETRY_GPU + ".ndjson:4: not a JSON object");
    assertThat(badRun.err()).contains(".ndjson:2");
  }

  private static void read(
      List<String> topics,
      Map<TopicPartition, List<String>> got,
      Map<TopicPartition, List<Long>> ts)
      throws Exception {
    Properties p = kafka.clientProperties();
    p.setProperty("auto.offset.reset", "earliest");
    p.setProperty("enable.auto.commit", "false");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : topics) {
        c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertThat(System.nanoTime()).as("read to the end in time").isLessThan(deadline);
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          got.computeIfAbsent(tp, x -> new ArrayList<>())
              .add(
                  new String(r.key(), StandardCharsets.UTF_8)
                      + " "
                      + new String(r.value(), StandardCharsets.UTF_8));
          ts.computeIfAbsent(tp, x -> new ArrayList<>()).add(r.timestamp());
        }
      }
    }
  }
}
