package io.burnrate.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run mode's YAML plus flags: the documented example is valid; typos fail with their key. */
class RunConfigTest {
  private static final Path EXAMPLE = Path.of("../docs/examples/burnrate.yaml");

  @TempDir Path tmp;

  @Test
  void theDocumentedExampleIsAValidConfiguration() {
    Configuration c = RunConfig.load(EXAMPLE, List.of());
    assertThat(c.get(BurnrateOptions.KAFKA_BOOTSTRAP))
        .isEqualTo("kafka-0.kafka:9092,kafka-1.kafka:9092");
    assertThat(c.get(BurnrateOptions.LABEL_KEYS)).containsExactly("team", "project", "cost-center");
    assertThat(c.get(BurnrateOptions.BILLING_FILES)).isEqualTo("s3://billing-exports/cur2");
    assertThat(c.toMap()).containsEntry("kafka.properties.security.protocol", "PLAINTEXT");
    assertThat(c.toMap()).containsEntry("parallelism.default", "2");
    JobConfig cfg = JobConfig.from(c);
    assertThat(cfg.cluster).isEqualTo("prod-gpu");
    assertThat(cfg.checkpointInterval).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aFlagOverridesTheFile() {
    Configuration c =
        RunConfig.load(
            EXAMPLE, List.of("kafka.bootstrap-servers=127.0.0.1:9092", "checkpoint.interval=30 s"));
    assertThat(c.get(BurnrateOptions.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:9092");
    assertThat(JobConfig.from(c).checkpointInterval).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anUnknownKeyOrABadValueFailsNamingTheKey() throws Exception {
    Path f = tmp.resolve("typo.yaml");
    Files.writeString(f, "kafka:\n  bootstrap-server: localhost:9092\n");
    assertThatThrownBy(() -> RunConfig.load(f, List.of()))
        .hasMessageContaining("kafka.bootstrap-server");
    assertThatThrownBy(() -> RunConfig.load(null, List.of("nokey")))
        .hasMessageContaining("key=value");
    Configuration bad = RunConfig.load(EXAMPLE, List.of("reconciliation.allocate-by=cheapest"));
    assertThatThrownBy(() -> JobConfig.from(bad))
        .hasMessageContaining("reconciliation.allocate-by");
  }

  @Test
  void aTypoUnderAFlinkPrefixIsRefusedAndFlinksOwnKeysPass() {
    for (String typo :
        List.of(
            "metrics.prometheus.prot=9249",
            "execution.checkpointing.intervall=10 s",
            "state.backend.tpye=hashmap",
            "pipeline.generic-type=false")) {
      assertThatThrownBy(() -> RunConfig.load(null, List.of(typo)))
          .as(typo)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(typo.substring(0, typo.indexOf('=')) + ": ")
          .hasMessageContaining("a typo?");
    }
    Configuration c =
        RunConfig.load(
            null,
            List.of(
                "execution.checkpointing.interval=10 s",
                "state.backend.type=hashmap",
                "pipeline.generic-types=false",
                "rest.port=8081",
                "parallelism.default=2",
                "table.exec.resource.default-parallelism=2",
                "metrics.reporter.burnrate_prometheus.port=9249"));
    assertThat(c.toMap()).containsEntry("rest.port", "8081");
  }

  @Test
  void aKeyWrittenTwiceInTheFileIsRefused() throws Exception {
    Path twice =
        java.nio.file.Files.writeString(
            tmp.resolve("twice.yaml"),
            "kafka:\n  bootstrap-servers: a:9092\n  bootstrap-servers: b:9092\n");
    assertThatThrownBy(() -> RunConfig.load(twice, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrap-servers")
        .hasMessageContaining("Duplicate");
  }
}
