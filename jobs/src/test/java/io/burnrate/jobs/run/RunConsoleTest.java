package io.burnrate.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of {@code ./burnrate run} and {@code publish} that need no cluster. */
class RunConsoleTest {
  @Test
  void rootCauseIsTheInnermostCauseOnOneLine() {
    String trace =
        "org.apache.flink.runtime.JobException: Recovery is suppressed\n"
            + "\tat org.apache.flink...(X.java:1)\n"
            + "Caused by: java.io.IOException: Size of the state is larger than the maximum"
            + " permitted memory-backed state. Size=38000000, maxSize=5242880.\n"
            + "\tat y(Y.java:2)\n";
    assertThat(RunConsole.rootCause(trace))
        .isEqualTo(
            "java.io.IOException: Size of the state is larger than the maximum permitted"
                + " memory-backed state. Size=38000000, maxSize=5242880.");
    assertThat(RunConsole.rootCause("java.lang.RuntimeException: boom\n\tat x"))
        .isEqualTo("java.lang.RuntimeException: boom");
  }

  @Test
  void linesArePlainOrJson() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    new RunConsole(new PrintStream(b, true, StandardCharsets.UTF_8), false)
        .line("x", Map.of("k", 1), "hello");
    new RunConsole(new PrintStream(b, true, StandardCharsets.UTF_8), true)
        .line("x", Map.of("k", 1), "hello");
    assertThat(b.toString(StandardCharsets.UTF_8))
        .isEqualTo("burnrate run: hello\n{\"event\":\"x\",\"k\":1}\n");
    assertThat(RunConsole.bytes(5_635_383)).isEqualTo("5.4 MiB");
  }

  @Test
  void newestCheckpointIsTheLatestMetadataOfAnyJob(@TempDir Path dir) throws Exception {
    assertThat(LocalRun.newestCheckpoint(dir.resolve("none"))).isNull();
    Path old = Files.createDirectories(dir.resolve("job-a/chk-9"));
    Files.writeString(old.resolve("_metadata"), "x");
    Files.setLastModifiedTime(old.resolve("_metadata"), FileTime.fromMillis(1_000));
    Path incomplete = Files.createDirectories(dir.resolve("job-b/chk-3")); // no _metadata
    Path newer = Files.createDirectories(dir.resolve("job-b/chk-2"));
    Files.writeString(newer.resolve("_metadata"), "x");
    Files.createDirectories(dir.resolve("job-b/shared"));
    assertThat(LocalRun.newestCheckpoint(dir)).isEqualTo(newer);
    assertThat(incomplete).isDirectory();
  }

  @Test
  void missingTopicsComeWithTheCommandThatCreatesThem() {
    assertThat(
            TopicCheck.commands(
                "k:9092", List.of("burnrate.telemetry.gpu", "burnrate.config.budgets"), 4))
        .isEqualTo(
            "kafka-topics.sh --bootstrap-server k:9092 --create --topic burnrate.telemetry.gpu"
                + " --partitions 4 && kafka-topics.sh --bootstrap-server k:9092 --create --topic"
                + " burnrate.config.budgets --partitions 1 --config cleanup.policy=compact");
  }
}
