package io.burnrate.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./burnrate run --until-end} twice from empty state: the first drains the topics (bounded
 * sources, final checkpoint, end offsets committed for its consumer groups), the second finds
 * nothing new and emits nothing again. (Flink keeps no checkpoint of a finished job, and the Kafka
 * source does not commit the offsets of partitions it finished: without the commit, the second
 * drain re-read and re-emitted part of the first one's input.)
 */
class RunDrainITCase {
  @TempDir static Path tmp;
  static EmbeddedKafka kafka;

  @AfterAll
  static void close() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aSecondDrainAddsNothing() throws Exception {
    kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 4);
    IntegrationEnv.publish(
        kafka,
        new FleetSimulator(
            new FleetSimulator.Config(
                3,
                Instant.parse("2026-03-02T00:00:00Z"),
                Duration.ofHours(2),
                8,
                "default",
                Duration.ofSeconds(30),
                true)));
    String[] args = {
      "--until-end",
      "--json",
      "--set",
      "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
      "--set",
      "run.state-dir=" + tmp.resolve("state"),
      "--set",
      "parallelism.default=2"
    };
    RunCommandITCase.Run first = RunCommandITCase.run(args, l -> false);
    assertThat(first.code()).isZero();
    assertThat(first.last("summary").path("status").asText()).isEqualTo("SUCCEEDED");
    // every input partition's committed offset reaches its end: by the source at a checkpoint,
    // or by `run` for the partitions whose splits finished after the last one (how many depends
    // on when checkpoints fell, so only the sum is asserted)
    System.out.println("RunDrainITCase: first drain " + first.last("drained"));
    assertThat(first.last("drained").path("offsets_committed").asLong()).isNotNegative();
    assertEveryInputCommittedToItsEnd();
    List<JsonNode> windows = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
    assertThat(windows).isNotEmpty();

    RunCommandITCase.Run second = RunCommandITCase.run(args, l -> false);
    assertThat(second.code()).isZero();
    System.out.println("RunDrainITCase: second drain " + second.last("summary"));
    assertThat(IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS))
        .as("cost windows after a second drain of the same topics")
        .hasSameSizeAs(windows);
  }

  /** Every partition with records of every input topic: the job's group committed its end. */
  private static void assertEveryInputCommittedToItsEnd() throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    try (org.apache.kafka.clients.admin.Admin a = org.apache.kafka.clients.admin.Admin.create(p)) {
      for (String topic : Topics.INPUTS) {
        String group = "burnrate-analytics-" + topic.substring(topic.lastIndexOf('.') + 1);
        var committed = a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        var partitions = a.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        java.util.Map<
                org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>
            req = new java.util.HashMap<>();
        partitions
            .partitions()
            .forEach(
                i ->
                    req.put(
                        new org.apache.kafka.common.TopicPartition(topic, i.partition()),
                        org.apache.kafka.clients.admin.OffsetSpec.latest()));
        for (var e : a.listOffsets(req).all().get().entrySet()) {
          if (e.getValue().offset() > 0) {
            assertThat(committed.get(e.getKey()))
                .as("committed offset of %s in %s", e.getKey(), group)
                .isNotNull();
            assertThat(committed.get(e.getKey()).offset())
                .as("committed offset of %s in %s", e.getKey(), group)
                .isEqualTo(e.getValue().offset());
          }
        }
      }
    }
  }
}
