package io.burnrate.tools.deploy;

import static io.burnrate.tools.deploy.DockerFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.jobs.metrics.PrometheusMetrics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus scrapes the reporter of every Flink process (and promtool accepts the file); Grafana
 * provisions the dashboard and its datasource.
 */
class MonitoringFilesTest {
  @BeforeAll
  static void load() throws Exception {
    DockerFiles.load();
  }

  @Test
  void prometheusScrapesTheReporterOfEveryFlinkProcess() throws Exception {
    JsonNode prom = YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
    Map<String, Set<Integer>> targets = new HashMap<>();
    for (JsonNode sc : prom.path("scrape_configs")) {
      for (JsonNode st : sc.path("static_configs")) {
        for (JsonNode t : st.path("targets")) {
          String[] hp = t.asText().split(":");
          targets.computeIfAbsent(hp[0], k -> new HashSet<>()).add(Integer.parseInt(hp[1]));
        }
      }
      for (JsonNode dns : sc.path("dns_sd_configs")) {
        for (JsonNode n : dns.path("names")) {
          targets.computeIfAbsent(n.asText(), k -> new HashSet<>()).add(dns.path("port").asInt());
        }
      }
    }
    assertThat(targets).containsOnlyKeys("jobmanager", "taskmanager");
    for (Map.Entry<String, Set<Integer>> t : targets.entrySet()) {
      String port =
          flinkProperties(t.getKey())
              .get("metrics.reporter." + PrometheusMetrics.REPORTER + ".port");
      assertThat(t.getValue())
          .as("Prometheus scrapes %s on its reporter's port", t.getKey())
          .containsExactly(Integer.parseInt(port));
    }
    assertThat(texts(services.path("prometheus").path("command")))
        .contains("--config.file=" + mounts("prometheus").get("./prometheus/prometheus.yml"));
    JsonNode annotations =
        flinkDeployment.path("spec").path("podTemplate").path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/port").asText())
        .isEqualTo(
            fields(flinkDeployment.path("spec").path("flinkConfiguration"))
                .get("metrics.reporter." + PrometheusMetrics.REPORTER + ".port"));
  }

  @Test
  void promtoolAcceptsThePrometheusConfiguration() throws Exception {
    Path promtool = onPath("promtool");
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (promtool == null && !ci) {
      Assumptions.abort(
          "promtool not found (apt-get install prometheus, as .ci/run does): skipping"
              + " 'promtool check config docker/prometheus/prometheus.yml'");
    }
    assertThat(promtool).as("CI must have promtool (.ci/run installs prometheus)").isNotNull();
    Process p =
        new ProcessBuilder(
                promtool.toString(),
                "check",
                "config",
                DOCKER.resolve("prometheus/prometheus.yml").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check config:\n%s", out).isZero();
  }

  @Test
  void grafanaProvisionsTheDashboardAndItsDatasource() throws Exception {
    JsonNode dashboard = JSON.readTree(DOCKER.resolve("grafana/dashboards/burnrate.json").toFile());
    Set<String> uids = new TreeSet<>();
    collectDatasourceUids(dashboard, uids);
    assertThat(uids).as("the dashboard names its datasource").isNotEmpty();
    JsonNode ds =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml").toFile());
    Map<String, JsonNode> byUid = new HashMap<>();
    for (JsonNode d : ds.path("datasources")) {
      byUid.put(d.path("uid").asText(), d);
    }
    assertThat(byUid)
        .as("every datasource uid of the dashboard is provisioned")
        .containsKeys(uids.toArray(String[]::new));
    for (String uid : uids) {
      assertThat(byUid.get(uid).path("type").asText()).isEqualTo("prometheus");
      URI url = URI.create(byUid.get(uid).path("url").asText());
      assertThat(url.getHost()).isEqualTo("prometheus");
      assertThat(services.path("prometheus").path("ports").toString())
          .contains(":" + url.getPort());
    }
    Map<String, String> mounts = mounts("grafana");
    assertThat(mounts).containsEntry("./grafana/provisioning", "/etc/grafana/provisioning");
    JsonNode providers =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/dashboards/burnrate.yaml").toFile());
    String path = providers.path("providers").get(0).path("options").path("path").asText();
    assertThat(path)
        .as("the provider reads the folder compose mounts the dashboards in")
        .isEqualTo(mounts.get("./grafana/dashboards"));
    assertThat(DOCKER.resolve("grafana/dashboards/burnrate.json")).isRegularFile();
  }
}
