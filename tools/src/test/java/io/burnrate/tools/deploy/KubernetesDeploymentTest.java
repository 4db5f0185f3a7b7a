package io.burnrate.tools.deploy;

import static io.burnrate.tools.deploy.DockerFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.config.RunConfig;
import io.burnrate.jobs.metrics.PrometheusMetrics;
import io.burnrate.jobs.metrics.PrometheusReporterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes deployment: the ConfigMap's job configuration loads and validates, the
 * FlinkDeployment is complete, and every Flink key is a real Flink option.
 */
class KubernetesDeploymentTest {
  @TempDir Path tmp;

  @BeforeAll
  static void load() throws Exception {
    DockerFiles.load();
  }

  @Test
  void kubernetesJobConfigLoadsAndValidates() throws Exception {
    String yaml = configMap.path("data").path("burnrate.yaml").asText();
    assertThat(yaml).isNotBlank();
    JsonNode container = mainContainer();
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container.path("env")) {
      env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : "from-secret");
    }
    assertThat(env)
        .as("every ${env:...} of the job's YAML is set in the pod")
        .containsKeys(envReferences(yaml).toArray(String[]::new));
    Path file = Files.writeString(tmp.resolve("burnrate.yaml"), yaml);
    Configuration conf = RunConfig.load(file, List.of(), env::get);
    JobConfig cfg = JobConfig.from(conf);
    assertThat(cfg.iceberg).isNotNull();
    assertThat(cfg.iceberg.warehouse())
        .as("the warehouse is a location (a bare name would become a local path)")
        .startsWith("s3://");

    // the ConfigMap is mounted where the job's --config points
    List<String> args = texts(flinkDeployment.path("spec").path("job").path("args"));
    String config = args.get(args.indexOf("--config") + 1);
    JsonNode mount = container.path("volumeMounts").get(0);
    JsonNode volume =
        flinkDeployment.path("spec").path("podTemplate").path("spec").path("volumes").get(0);
    assertThat(volume.path("name").asText()).isEqualTo(mount.path("name").asText());
    assertThat(volume.path("configMap").path("name").asText())
        .isEqualTo(configMap.path("metadata").path("name").asText());
    assertThat(config).isEqualTo(mount.path("mountPath").asText() + "/burnrate.yaml");
  }

  @Test
  void kubernetesFlinkDeploymentIsComplete() {
    JsonNode spec = flinkDeployment.path("spec");
    assertThat(flinkDeployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
    String[] v = pom.get("flink.version").split("\\.");
    assertThat(spec.path("flinkVersion").asText()).isEqualTo("v" + v[0] + "_" + v[1]);
    for (String role : List.of("jobManager", "taskManager")) {
      assertThat(spec.path(role).path("resource").path("memory").asText()).as(role).isNotBlank();
      assertThat(spec.path(role).path("resource").path("cpu").asDouble()).as(role).isPositive();
    }
    JsonNode job = spec.path("job");
    assertThat(job.path("jarURI").asText()).isEqualTo("local://" + jobJarInImage());
    assertThat(job.path("entryClass").asText()).isEqualTo(mainClass);
    assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
    assertThat(texts(job.path("args"))).contains("--config");
    Map<String, String> flink = fields(spec.path("flinkConfiguration"));
    assertThat(flink)
        .containsKeys("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir");
    if (flink.get("execution.checkpointing.dir").startsWith("s3://")) {
      assertThat(mainContainer().path("env").toString())
          .as("s3:// state needs Flink's S3 file system plugin of the image's Flink version")
          .contains("flink-s3-fs-hadoop-" + pom.get("flink.version") + ".jar");
    }
    assertThat(mainContainer().path("name").asText())
        .as("the operator merges the pod template's container of this name")
        .isEqualTo("flink-main-container");
  }

  @Test
  void everyFlinkKeyIsAFlinkOption() throws Exception {
    Map<String, Boolean> options = flinkOptionKeys();
    assertThat(options)
        .containsKey("execution.checkpointing.dir"); // the scan found Flink's options
    Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    configs.put(
        "k8s flinkConfiguration", fields(flinkDeployment.path("spec").path("flinkConfiguration")));
    configs.put("jobmanager FLINK_PROPERTIES", flinkProperties("jobmanager"));
    configs.put("taskmanager FLINK_PROPERTIES", flinkProperties("taskmanager"));
    for (Map.Entry<String, Map<String, String>> c : configs.entrySet()) {
      assertThat(c.getValue()).as(c.getKey()).isNotEmpty();
      for (Map.Entry<String, String> e : c.getValue().entrySet()) {
        String key = e.getKey();
        Matcher reporter = Pattern.compile("metrics\\.reporter\\.(\\w+)\\.(.+)").matcher(key);
        if (reporter.matches()) {
          assertThat(reporter.group(1)).isEqualTo(PrometheusMetrics.REPORTER);
          assertThat(reporter.group(2))
              .as("%s: %s is an option of the reporter", c.getKey(), key)
              .isIn(union(Set.of("factory.class"), REPORTER_OPTIONS));
        } else {
          assertThat(options).as("%s: %s is a Flink option", c.getKey(), key).containsKey(key);
          assertThat(options.get(key))
              .as("%s: %s is a current key, not a deprecated name", c.getKey(), key)
              .isTrue();
        }
      }
      String factory =
          c.getValue().get("metrics.reporter." + PrometheusMetrics.REPORTER + ".factory.class");
      assertThat(factory).as(c.getKey()).isEqualTo(PrometheusReporterFactory.class.getName());
      assertThat(MetricReporterFactory.class.isAssignableFrom(Class.forName(factory))).isTrue();
      assertThat(c.getValue().get("metrics.reporter." + PrometheusMetrics.REPORTER + ".host"))
          .as("%s: the reporter binds all interfaces (its default is 127.0.0.1)", c.getKey())
          .isEqualTo("0.0.0.0");
    }
    Map<String, String> jm = flinkProperties("jobmanager");
    Map<String, String> tm = flinkProperties("taskmanager");
    for (String key :
        List.of(
            "jobmanager.rpc.address",
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir")) {
      assertThat(tm.get(key))
          .as("JobManager and TaskManager agree on %s", key)
          .isEqualTo(jm.get(key));
    }
    assertThat(jm.get("jobmanager.rpc.address")).isEqualTo("jobmanager");
    assertThat(jm.get("execution.checkpointing.dir"))
        .as("checkpoints on the volume both mount")
        .startsWith("file://" + mounts("jobmanager").get("flink-state"))
        .startsWith("file://" + mounts("taskmanager").get("flink-state"));
  }
}
