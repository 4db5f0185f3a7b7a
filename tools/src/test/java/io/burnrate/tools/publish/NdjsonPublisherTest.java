package io.burnrate.tools.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NdjsonPublisherTest {
  @Test
  void aFileNamesItsTopic() {
    assertThat(NdjsonPublisher.topicOf(Path.of("d/burnrate.telemetry.gpu.ndjson.gz")))
        .isEqualTo("burnrate.telemetry.gpu");
    assertThat(NdjsonPublisher.topicOf(Path.of("burnrate.k8s.events.jsonl")))
        .isEqualTo("burnrate.k8s.events");
    assertThat(NdjsonPublisher.topicOf(Path.of("dcgm-day1.ndjson"))).isNull();
  }
}
