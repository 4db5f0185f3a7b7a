package io.burnrate.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.config.RunConfig;
import io.burnrate.jobs.config.Secrets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka SASL/SSL secrets come from the environment or files, reach the Kafka client properties the
 * job builds, and never appear in the start-up log or in error messages.
 */
class RunJobSecretsTest {
  private static final String PASSWORD = "s3cr3t-Pa55w0rd-from-env";
  private static final String JAAS_SECRET = "jaas-secret-from-file-7Q";
  private static final String S3_SECRET = "s3-secret-access-key-Zx9";

  @TempDir Path tmp;
  private final StringWriter log = new StringWriter();
  private WriterAppender appender;

  @BeforeEach
  void capture() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    appender =
        WriterAppender.createAppender(
            PatternLayout.newBuilder().withPattern("%p %c %m%n").build(),
            null,
            log,
            "secrets-capture",
            false,
            true);
    appender.start();
    ctx.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    ctx.getConfiguration().getRootLogger().setLevel(Level.INFO);
    ctx.updateLoggers();
  }

  @AfterEach
  void release() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender("secrets-capture");
    ctx.updateLoggers();
    appender.stop();
  }

  private Path config() throws Exception {
    Path jaas = tmp.resolve("jaas.conf");
    Files.writeString(
        jaas,
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"burnrate\""
            + " password=\""
            + JAAS_SECRET
            + "\";\n");
    Path yaml = tmp.resolve("burnrate.yaml");
    Files.writeString(
        yaml,
        "kafka:\n"
            + "  bootstrap-servers: 127.0.0.1:9093\n"
            + "  properties.security.protocol: SASL_SSL\n"
            + "  properties.sasl.mechanism: PLAIN\n"
            + "  properties.sasl.jaas.config: \"${file:"
            + jaas
            + "}\"\n"
            + "  properties.ssl.truststore.location: /etc/kafka/truststore.jks\n"
            + "  properties.ssl.truststore.password: \"${env:KAFKA_TRUSTSTORE_PASSWORD}\"\n"
            + "billing.files.s3-access-key-id: AKIA-burnrate-test\n"
            + "billing.files.s3-secret-access-key: \"${env:S3_SECRET}\"\n");
    return yaml;
  }

  @Test
  void secretsReachTheKafkaClientsButNotTheLog() throws Exception {
    Map<String, String> env = Map.of("KAFKA_TRUSTSTORE_PASSWORD", PASSWORD, "S3_SECRET", S3_SECRET);
    Configuration conf = RunJob.configuration(config(), List.of(), env::get);
    JobConfig cfg = JobConfig.from(conf);

    Properties kafka = cfg.kafka.toProperties();
    assertThat(kafka.getProperty("ssl.truststore.password")).isEqualTo(PASSWORD);
    assertThat(kafka.getProperty("sasl.jaas.config")).contains(JAAS_SECRET).endsWith(";");
    assertThat(kafka.getProperty("security.protocol")).isEqualTo("SASL_SSL");

    assertThat(cfg.billingS3.secretAccessKey()).isEqualTo(S3_SECRET);
    assertThat(cfg.billingS3.accessKeyId()).isEqualTo("AKIA-burnrate-test");
    assertThat(cfg.billingS3.toString()).doesNotContain(S3_SECRET);

    String summary = RunConfig.summary(conf);
    assertThat(summary)
        .contains("kafka.properties.sasl.jaas.config: " + Secrets.REDACTED)
        .contains("kafka.properties.ssl.truststore.location: /etc/kafka/truststore.jks")
        .doesNotContain(PASSWORD, JAAS_SECRET, S3_SECRET);
    assertThat(log.toString())
        .contains("Burnrate configuration (secrets redacted)")
        .doesNotContain(PASSWORD, JAAS_SECRET, S3_SECRET);
  }

  @Test
  void errorsNameTheKeyButNotTheSecret() throws Exception {
    Path yaml = config();
    Map<String, String> onlyS3 = Map.of("S3_SECRET", S3_SECRET);
    assertThatThrownBy(() -> RunJob.configuration(yaml, List.of(), onlyS3::get))
        .hasMessageContaining("kafka.properties.ssl.truststore.password")
        .hasMessageContaining("KAFKA_TRUSTSTORE_PASSWORD");

    Map<String, String> env = Map.of("KAFKA_TRUSTSTORE_PASSWORD", PASSWORD, "S3_SECRET", S3_SECRET);
    Configuration conf =
        RunJob.configuration(yaml, List.of("checkpoint.interval=not-a-duration"), env::get);
    Throwable bad = org.assertj.core.api.Assertions.catchThrowable(() -> JobConfig.from(conf));
    assertThat(bad).isNotNull();
    for (Throwable t = bad; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD, JAAS_SECRET, S3_SECRET);
    }
    assertThat(log.toString()).doesNotContain(PASSWORD, JAAS_SECRET, S3_SECRET);
  }

  @Test
  void secretLookingKeys() {
    assertThat(Secrets.isSecret("kafka.properties.sasl.jaas.config")).isTrue();
    assertThat(Secrets.isSecret("kafka.properties.ssl.key.password")).isTrue();
    assertThat(Secrets.isSecret("billing.files.s3-secret-access-key")).isTrue();
    assertThat(Secrets.isSecret("kafka.properties.ssl.keystore.location")).isFalse();
    assertThat(Secrets.isSecret("attribution.label-keys")).isFalse();
    assertThat(Secrets.isSecret("kafka.bootstrap-servers")).isFalse();
  }
}
