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
    // the partitions it finished had their offsets committed by `run`, not by the source
    System.out.println("RunDrainITCase: first drain " + first.last("drained"));
    assertThat(first.last("drained").path("offsets_committed").asLong()).isPositive();
    List<JsonNode> windows = IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS);
    assertThat(windows).isNotEmpty();

    RunCommandITCase.Run second = RunCommandITCase.run(args, l -> false);
    assertThat(second.code()).isZero();
    System.out.println("RunDrainITCase: second drain " + second.last("summary"));
    assertThat(IntegrationEnv.readCommitted(kafka, Topics.COST_WINDOWS))
        .as("cost windows after a second drain of the same topics")
        .hasSameSizeAs(windows);
  }
}
