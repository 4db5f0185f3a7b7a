package io.burnrate.tools.deploy;

import static io.burnrate.tools.deploy.DockerFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every YAML under {@code docker/} parses, and every image is pinned, Flink's and Kafka's equal to
 * the pom's versions.
 */
class DockerImagesTest {
  @BeforeAll
  static void load() throws Exception {
    DockerFiles.load();
  }

  @Test
  void everyYamlUnderDockerParses() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(DOCKER)) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList();
    }
    assertThat(files.stream().map(p -> DOCKER.relativize(p).toString().replace('\\', '/')))
        .contains(
            "compose.yaml",
            "burnrate.yaml",
            "prometheus/prometheus.yml",
            "grafana/provisioning/datasources/prometheus.yaml",
            "grafana/provisioning/dashboards/burnrate.yaml",
            "k8s/flink-deployment.yaml");
    for (Path f : files) {
      List<JsonNode> docs = yamlDocuments(f);
      assertThat(docs).as("%s has a document", f).isNotEmpty();
      for (JsonNode d : docs) {
        assertThat(d.isObject()).as("%s: the top level is a mapping", f).isTrue();
      }
    }
    assertThat(flinkDeployment).as("k8s/flink-deployment.yaml has a FlinkDeployment").isNotNull();
    assertThat(configMap).as("k8s/flink-deployment.yaml has the job's ConfigMap").isNotNull();
  }

  @Test
  void everyImageIsPinnedAndFlinkAndKafkaMatchThePom() {
    List<String> images = new ArrayList<>();
    services.fields().forEachRemaining(e -> images.add(image(e.getKey())));
    images.add(flinkDeployment.path("spec").path("image").asText());
    List<String> froms = instructions("FROM");
    for (String from : froms) {
      images.add(from.split("\\s+")[0]);
    }
    for (String image : images) {
      assertThat(tag(image)).as("image %s has a version tag", image).isNotEmpty();
      assertThat(tag(image))
          .as("image %s is not 'latest'", image)
          .isNotEqualToIgnoringCase("latest");
    }
    String flink = pom.get("flink.version");
    String java = "java" + pom.get("maven.compiler.release");
    assertThat(froms.get(froms.size() - 1).split("\\s+")[0])
        .as("the runtime stage is the official Flink image of the pom's Flink and Java")
        .isEqualTo("flink:" + flink + "-scala_2.12-" + java);
    assertThat(froms.get(0))
        .as("the build stage's JDK is the pom's release")
        .contains("temurin-" + pom.get("maven.compiler.release"));
    for (String kafka : List.of("kafka", "kafka-init")) {
      assertThat(image(kafka)).isEqualTo("apache/kafka:" + pom.get("kafka.version"));
    }
    for (String s : List.of("jobmanager", "taskmanager", "simulator")) {
      assertThat(image(s)).as("%s runs the job image", s).isEqualTo(image("jobmanager"));
    }
    String k8sImage = flinkDeployment.path("spec").path("image").asText();
    assertThat(repositoryName(k8sImage)).isEqualTo(repositoryName(image("jobmanager")));
    assertThat(tag(k8sImage)).isEqualTo(tag(image("jobmanager")));
    JsonNode build = services.path("jobmanager").path("build");
    assertThat(
            DOCKER
                .resolve(build.path("context").asText())
                .resolve(build.path("dockerfile").asText()))
        .as("compose builds the job image from docker/Dockerfile")
        .isRegularFile()
        .isEqualTo(DOCKER.resolve("..").resolve("docker/Dockerfile"));
  }
}
