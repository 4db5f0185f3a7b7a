package io.burnrate.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.kafka.KafkaOptions;
import org.junit.jupiter.api.Test;

class TopicCheckTest {
  @Test
  void aBrokerWhoseNameDoesNotResolveIsOneLineNotAStackTrace() {
    TopicCheck.Result r = TopicCheck.ensure(KafkaOptions.of("nosuch.invalid:9092"), true, 4);
    assertThat(r.ok()).isFalse();
    assertThat(r.error())
        .startsWith("cannot reach Kafka at nosuch.invalid:9092: ")
        .contains("resolvable")
        .doesNotContain("\n");
  }
}
