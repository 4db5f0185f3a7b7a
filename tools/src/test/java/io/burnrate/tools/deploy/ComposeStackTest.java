package io.burnrate.tools.deploy;

import static io.burnrate.tools.deploy.DockerFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.config.RunConfig;
import io.burnrate.schemas.Topics;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose stack: its services on 127.0.0.1 only, the topics {@code kafka-init} creates, and the
 * job configuration it mounts, loaded and validated as the job would.
 */
class ComposeStackTest {
  @BeforeAll
  static void load() throws Exception {
    DockerFiles.load();
  }

  @Test
  void composeHasTheStackOnLoopbackOnly() {
    Set<String> defined = fieldNames(services);
    assertThat(defined).containsAll(SERVICES);
    Set<String> namedVolumes = fieldNames(compose.path("volumes"));
    for (String name : defined) {
      JsonNode svc = services.path(name);
      for (JsonNode p : svc.path("ports")) {
        String hostIp = p.isObject() ? p.path("host_ip").asText() : p.asText();
        assertThat(hostIp).as("%s publishes %s on 127.0.0.1 only", name, p).startsWith("127.0.0.1");
      }
      JsonNode deps = svc.path("depends_on");
      Set<String> depNames = deps.isArray() ? new TreeSet<>(texts(deps)) : fieldNames(deps);
      assertThat(defined).as("%s depends on defined services", name).containsAll(depNames);
      deps.fields()
          .forEachRemaining(
              d ->
                  assertThat(d.getValue().path("condition").asText())
                      .as("%s -> %s", name, d.getKey())
                      .isIn(
                          "service_started", "service_healthy", "service_completed_successfully"));
      for (JsonNode v : svc.path("volumes")) {
        String source = v.isObject() ? v.path("source").asText() : v.asText().split(":")[0];
        if (source.startsWith(".") || source.startsWith("/")) {
          assertThat(DOCKER.resolve(source))
              .as("%s mounts %s, which exists", name, source)
              .exists();
        } else {
          assertThat(namedVolumes).as("%s uses a declared volume", name).contains(source);
        }
      }
    }
    for (String init : List.of("kafka-init", "minio-init")) {
      assertThat(
              services.path("jobmanager").path("depends_on").path(init).path("condition").asText())
          .as("the job starts after %s finished", init)
          .isEqualTo("service_completed_successfully");
    }
    Matcher unresolved = Pattern.compile("\\$\\{(\\w+)}").matcher(compose.toString());
    assertThat(unresolved.find())
        .as(
            "every ${VAR} in compose.yaml has a default (${VAR:-default}), so that up needs no .env")
        .isFalse();
  }

  @Test
  void kafkaInitCreatesEveryTopicOfTheJob() {
    String script = String.join("\n", texts(services.path("kafka-init").path("command")));
    List<String> lines = script.lines().toList();
    Set<String> created = new TreeSet<>();
    Matcher m = Pattern.compile("burnrate\\.[a-z0-9.]+[a-z0-9]").matcher(script);
    while (m.find()) {
      created.add(m.group());
    }
    Set<String> expected = new TreeSet<>(Topics.INPUTS);
    expected.addAll(Topics.OUTPUTS);
    expected.addAll(Topics.CONFIG);
    assertThat(created).as("the topics kafka-init creates are the job's").isEqualTo(expected);
    for (String topic : expected) {
      String line =
          lines.stream()
              .filter(l -> List.of(l.split("[\\s;]+")).contains(topic))
              .findFirst()
              .orElseThrow();
      assertThat(line.contains("cleanup.policy=compact"))
          .as("%s is compacted exactly when it is a configuration topic", topic)
          .isEqualTo(Topics.CONFIG.contains(topic));
    }
    assertThat(script).contains("--bootstrap-server kafka:9092").contains("--if-not-exists");
  }

  @Test
  void composeJobConfigLoadsAndValidatesAndPointsAtTheStack() throws Exception {
    Path file = DOCKER.resolve("burnrate.yaml");
    JsonNode jm = services.path("jobmanager");
    List<String> command = texts(jm.path("command"));
    assertThat(command)
        .as("the JobManager runs the job jar's main class in application mode")
        .startsWith("standalone-job", "--job-classname", mainClass);
    // Flink's entrypoint parser matches long options by prefix: without "--" before them the
    // job's --config would be taken as Flink's --configDir and the job would get no arguments.
    assertThat(command.indexOf("--")).as("'--' ends Flink's options").isPositive();
    assertThat(command.subList(command.indexOf("--") + 1, command.size()))
        .containsExactly("--config", "/opt/burnrate/burnrate.yaml");
    assertThat(mounts("jobmanager"))
        .containsEntry("./burnrate.yaml", "/opt/burnrate/burnrate.yaml");

    Map<String, String> env = environment("jobmanager");
    assertThat(env).containsKeys(envReferences(Files.readString(file)).toArray(String[]::new));
    Configuration conf = RunConfig.load(file, List.of(), env::get);
    JobConfig cfg = JobConfig.from(conf);

    assertThat(conf.get(BurnrateOptions.METRICS_PROMETHEUS_PORT))
        .as(
            "metrics.prometheus.port only works on the job's own MiniCluster; on this cluster the"
                + " reporter is configured in FLINK_PROPERTIES")
        .isNull();
    assertThat(cfg.kafka.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("://kafka:9092");
    assertThat(cfg.iceberg).as("the job writes Iceberg").isNotNull();
    URI catalog = URI.create(conf.get(BurnrateOptions.ICEBERG_URI));
    assertThat(services.has(catalog.getHost())).as("iceberg.uri names a service").isTrue();
    assertThat(catalog.getHost()).isEqualTo("iceberg-rest");
    assertThat(catalog.getPort()).isEqualTo(8181);
    URI s3 = URI.create(conf.get(BurnrateOptions.ICEBERG_S3_ENDPOINT));
    assertThat(s3.getHost()).isEqualTo("minio");
    assertThat(services.path("minio").path("command").toString()).contains("server");
    String warehouse = conf.get(BurnrateOptions.ICEBERG_WAREHOUSE);
    assertThat(environment("iceberg-rest")).containsEntry("CATALOG_WAREHOUSE", warehouse);
    String bucket = URI.create(warehouse).getHost();
    assertThat(String.join("\n", texts(services.path("minio-init").path("command"))))
        .as("minio-init creates the warehouse's bucket")
        .containsPattern("mc mb\\b.*\\b\\w+/" + Pattern.quote(bucket) + "\\b");
    assertThat(env.get("AWS_ACCESS_KEY_ID")).isEqualTo(environment("minio").get("MINIO_ROOT_USER"));
    assertThat(env.get("AWS_SECRET_ACCESS_KEY"))
        .isEqualTo(environment("minio").get("MINIO_ROOT_PASSWORD"));
    assertThat(Files.readString(file))
        .as("no credential is written in the job's YAML")
        .doesNotContain(env.get("AWS_SECRET_ACCESS_KEY"));
    assertThat(cfg.cluster)
        .as("the cluster of the simulator's telemetry (./burnrate simulate)")
        .isEqualTo("sim-cluster");
  }
}
