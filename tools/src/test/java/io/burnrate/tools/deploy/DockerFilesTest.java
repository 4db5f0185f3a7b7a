package io.burnrate.tools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import io.burnrate.jobs.config.RunConfig;
import io.burnrate.jobs.metrics.PrometheusMetrics;
import io.burnrate.jobs.metrics.PrometheusReporterFactory;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.cli.BurnrateCli;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The {@code docker/} deployment files, validated offline (no Docker engine on the build machines,
 * so none of it is run here; docs/docker.md): every YAML parses; every image is pinned and Flink's
 * and Kafka's equal the pom's versions; the compose stack has its services, publishes on 127.0.0.1
 * only, depends on and mounts only what exists; the job configurations of compose and of the
 * Kubernetes ConfigMap load and validate through {@link RunConfig} and {@link JobConfig}; every
 * Flink key is a real Flink option; Prometheus scrapes the port the reporter serves on; Grafana's
 * provisioning names the dashboard's datasource and folder; the Dockerfile has two stages and ships
 * the job jar the {@code job-jar} profile builds.
 */
class DockerFilesTest {
  private static final Path ROOT = Path.of("..");
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The reporter's options besides Flink's own {@code factory.class} (PrometheusReporter). */
  private static final Set<String> REPORTER_OPTIONS = Set.of("port", "host");

  private static final Set<String> SERVICES =
      Set.of(
          "kafka",
          "kafka-init",
          "minio",
          "minio-init",
          "iceberg-rest",
          "jobmanager",
          "taskmanager",
          "simulator",
          "prometheus",
          "grafana");

  private static JsonNode compose;
  private static JsonNode services;
  private static Map<String, String> pom;
  private static JsonNode flinkDeployment;
  private static JsonNode configMap;
  private static List<String> dockerfile;
  private static String jobJarGlob;
  private static String mainClass;

  @TempDir Path tmp;

  @BeforeAll
  static void load() throws Exception {
    compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
    services = compose.path("services");
    pom = pomProperties();
    for (JsonNode doc : yamlDocuments(DOCKER.resolve("k8s/flink-deployment.yaml"))) {
      switch (doc.path("kind").asText()) {
        case "FlinkDeployment" -> flinkDeployment = doc;
        case "ConfigMap" -> configMap = doc;
        default -> {}
      }
    }
    dockerfile = dockerfileInstructions(DOCKER.resolve("Dockerfile"));
    Element profile = jobJarProfile();
    jobJarGlob =
        "jobs/target/"
            + pom.get("jobs.artifactId")
            + "-*-"
            + text(profile, "shadedClassifierName")
            + ".jar";
    mainClass = text(profile, "mainClass");
  }

  // ---- files parse ----

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

  // ---- images ----

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

  // ---- the compose stack ----

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

  // ---- the job's configurations ----

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

  // ---- Flink ----

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

  // ---- Prometheus and Grafana ----

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

  // ---- the image ----

  @Test
  void dockerfileBuildsTheJobJarAndShipsItOnFlink() throws IOException {
    List<String> froms = instructions("FROM");
    assertThat(froms).as("two stages").hasSize(2);
    String[] first = froms.get(0).split("\\s+");
    assertThat(first).as("the build stage is named").hasSize(3);
    String stage = first[2];
    int runtimeStart = dockerfile.indexOf("FROM " + froms.get(1));
    List<String> build = dockerfile.subList(0, runtimeStart);
    List<String> runtime = dockerfile.subList(runtimeStart, dockerfile.size());

    int firstPom = indexOf(build, "COPY pom.xml");
    int firstSrc = indexOf(build, "COPY schemas/src");
    assertThat(firstPom).as("the poms are copied before the sources").isLessThan(firstSrc);
    for (String module : List.of("schemas", "connectors", "jobs", "tools")) {
      assertThat(indexOf(build, "COPY " + module + "/pom.xml")).isBetween(0, firstSrc);
    }
    String buildRun = build.get(indexOf(build, "RUN mvn -B -Dquick -Pjob-jar"));
    assertThat(buildRun)
        .contains("mvn -B -Dquick -Pjob-jar -DskipTests package -pl jobs -am")
        .contains("-DincludeArtifactIds=sqlite-jdbc,postgresql")
        .contains("cp " + jobJarGlob + " ");
    String jar = jobJarInImage();
    assertThat(jar).startsWith("/opt/flink/usrlib/");
    assertThat(runtime)
        .anySatisfy(l -> assertThat(l).startsWith("COPY --from=" + stage).endsWith(" " + jar))
        .anySatisfy(
            l -> assertThat(l).startsWith("COPY --from=" + stage).endsWith(" /opt/flink/lib/"))
        .anySatisfy(l -> assertThat(l).contains("ln -s " + jar + " /opt/flink/plugins/"));
    List<String> users = runtime.stream().filter(l -> l.startsWith("USER ")).toList();
    assertThat(users).as("runs as the image's non-root flink user").isNotEmpty();
    assertThat(users.get(users.size() - 1)).isEqualTo("USER flink");
    String toolsRun =
        build.get(indexOf(build, "RUN mvn -B -q -Dquick -DskipTests install -pl tools"));
    assertThat(toolsRun)
        .as("the tools' jar and runtime classpath, built apart from the job jar")
        .contains("dependency:copy-dependencies -pl tools -DincludeScope=runtime")
        .contains("-DoutputDirectory=/out/tools")
        .contains("cp tools/target/burnrate-tools-*.jar /out/tools/");
    assertThat(runtime)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("COPY --from=" + stage)
                    .endsWith(" /out/tools/ /opt/burnrate-tools/"));
    assertThat(texts(services.path("simulator").path("entrypoint")).toString())
        .as("the simulator runs the CLI from the tools' classpath, not from the job jar")
        .contains("/opt/burnrate-tools/*")
        .doesNotContain(jar)
        .contains(BurnrateCli.class.getName());
    String ignore = Files.readString(ROOT.resolve(".dockerignore"));
    assertThat(ignore.lines().map(String::trim)).contains("**/target/", ".git/");
  }

  // ---- helpers ----

  private static String jobJarInImage() {
    String copy =
        dockerfile.stream()
            .filter(l -> l.startsWith("COPY --from=") && l.endsWith(".jar"))
            .filter(l -> l.contains("/opt/flink/usrlib/"))
            .findFirst()
            .orElseThrow();
    return copy.substring(copy.lastIndexOf(' ') + 1);
  }

  private static JsonNode mainContainer() {
    return flinkDeployment.path("spec").path("podTemplate").path("spec").path("containers").get(0);
  }

  private static String image(String service) {
    return services.path(service).path("image").asText();
  }

  /** The tag of an image reference, or "" when it has none. */
  private static String tag(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "";
  }

  private static String repositoryName(String image) {
    String noTag = tag(image).isEmpty() ? image : image.substring(0, image.lastIndexOf(':'));
    return noTag.substring(noTag.lastIndexOf('/') + 1);
  }

  /**
   * The environment compose gives a service, {@code ${VAR:-default}} resolved to its default and
   * {@code $$} to {@code $}, as {@code docker compose} does without a {@code .env}.
   */
  private static Map<String, String> environment(String service) {
    Map<String, String> env = new HashMap<>();
    JsonNode e = services.path(service).path("environment");
    if (e.isArray()) {
      for (JsonNode kv : e) {
        String[] p = kv.asText().split("=", 2);
        env.put(p[0], interpolate(p.length > 1 ? p[1] : ""));
      }
    } else {
      e.fields().forEachRemaining(f -> env.put(f.getKey(), interpolate(f.getValue().asText())));
    }
    return env;
  }

  private static String interpolate(String v) {
    Matcher m = Pattern.compile("\\$\\{(\\w+):-([^}]*)}").matcher(v);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(m.group(2)));
    }
    m.appendTail(b);
    return b.toString().replace("$$", "$");
  }

  /**
   * FLINK_PROPERTIES as the Flink image's entrypoint reads it: one {@code key: value} per line,
   * every whitespace character removed, split at the first colon. A value with inner whitespace
   * would be mangled, so it fails here.
   */
  private static Map<String, String> flinkProperties(String service) {
    Map<String, String> out = new LinkedHashMap<>();
    String props = environment(service).get("FLINK_PROPERTIES");
    assertThat(props).as("%s has FLINK_PROPERTIES", service).isNotNull();
    for (String line : props.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      assertThat(colon).as("%s: '%s' is key: value", service, line).isPositive();
      String value = line.substring(colon + 1).trim();
      assertThat(value)
          .as("%s: the entrypoint strips whitespace, so '%s' must have none inside", service, line)
          .doesNotContainPattern("\\s");
      out.put(line.substring(0, colon).trim(), value);
    }
    return out;
  }

  /** A service's mounts: source (as written) to target. */
  private static Map<String, String> mounts(String service) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode v : services.path(service).path("volumes")) {
      if (v.isObject()) {
        out.put(v.path("source").asText(), v.path("target").asText());
      } else {
        String[] p = v.asText().split(":");
        out.put(p[0], p[1]);
      }
    }
    return out;
  }

  private static Set<String> envReferences(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{env:([^}]+)}").matcher(text);
    while (m.find()) {
      out.add(m.group(1).trim());
    }
    return out;
  }

  private static void collectDatasourceUids(JsonNode n, Set<String> out) {
    if (n.isObject()) {
      JsonNode ds = n.path("datasource");
      if (ds.isObject() && ds.has("uid")) {
        out.add(ds.path("uid").asText());
      }
      n.elements().forEachRemaining(c -> collectDatasourceUids(c, out));
    } else if (n.isArray()) {
      n.elements().forEachRemaining(c -> collectDatasourceUids(c, out));
    }
  }

  /**
   * Every Flink option key of the Flink jars on the test classpath (each {@code *Options} class's
   * public static {@link ConfigOption}s): key to whether it is current (false: only a deprecated
   * fallback name of an option).
   */
  private static Map<String, Boolean> flinkOptionKeys() throws Exception {
    Set<Path> jars = new HashSet<>();
    for (Class<?> anchor :
        List.of(
            ConfigOption.class,
            org.apache.flink.runtime.jobgraph.JobGraph.class,
            org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.class)) {
      jars.add(Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
    Map<String, Boolean> keys = new HashMap<>();
    for (Path jar : jars) {
      try (JarFile jf = new JarFile(jar.toFile())) {
        for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
          String name = en.nextElement().getName();
          if (!name.matches("org/apache/flink/[\\w/]+Options\\.class")) {
            continue;
          }
          Class<?> c;
          try {
            c = Class.forName(name.replace('/', '.').replace(".class", ""));
          } catch (Throwable e) {
            continue; // a class that needs what the tests do not have
          }
          for (java.lang.reflect.Field f : c.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())
                && f.getType() == ConfigOption.class) {
              ConfigOption<?> o = (ConfigOption<?>) f.get(null);
              keys.put(o.key(), true);
              for (FallbackKey fk : o.fallbackKeys()) {
                keys.putIfAbsent(fk.getKey(), !fk.isDeprecated());
              }
            }
          }
        }
      }
    }
    return keys;
  }

  private static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static List<JsonNode> yamlDocuments(Path f) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          out.add(d);
        }
      }
    }
    return out;
  }

  /** The Dockerfile's instructions, continuation lines joined, comments and blank lines dropped. */
  private static List<String> dockerfileInstructions(Path f) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String raw : Files.readAllLines(f)) {
      String line = raw.trim();
      if (line.startsWith("#") || (line.isEmpty() && cur.length() == 0)) {
        continue;
      }
      boolean more = line.endsWith("\\");
      cur.append(more ? line.substring(0, line.length() - 1).trim() : line).append(' ');
      if (!more) {
        out.add(cur.toString().trim().replaceAll("\\s+", " "));
        cur.setLength(0);
      }
    }
    return out;
  }

  /** The arguments of every {@code instruction} of the Dockerfile, in order. */
  private static List<String> instructions(String instruction) {
    return dockerfile.stream()
        .filter(l -> l.startsWith(instruction + " "))
        .map(l -> l.substring(instruction.length() + 1))
        .collect(Collectors.toList());
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static Set<String> fieldNames(JsonNode n) {
    Set<String> out = new TreeSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The strings of a YAML sequence (or of a single scalar), in order. */
  private static List<String> texts(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else if (!n.isMissingNode() && !n.isNull()) {
      out.add(n.asText());
    }
    return out;
  }

  private static Map<String, String> fields(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    return out;
  }

  // ---- the poms ----

  private static Map<String, String> pomProperties() throws Exception {
    Map<String, String> out = new HashMap<>();
    Document root = xml(ROOT.resolve("pom.xml"));
    Node props = root.getElementsByTagName("properties").item(0);
    NodeList children = props.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element e) {
        out.put(e.getTagName(), e.getTextContent().trim());
      }
    }
    Document jobs = xml(ROOT.resolve("jobs/pom.xml"));
    out.put("jobs.artifactId", directChild(jobs.getDocumentElement(), "artifactId"));
    return out;
  }

  private static Element jobJarProfile() throws Exception {
    NodeList profiles = xml(ROOT.resolve("jobs/pom.xml")).getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element p = (Element) profiles.item(i);
      if ("job-jar".equals(directChild(p, "id"))) {
        return p;
      }
    }
    throw new AssertionError("jobs/pom.xml has no job-jar profile");
  }

  private static Document xml(Path f) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());
  }

  private static String directChild(Element e, String tag) {
    NodeList c = e.getChildNodes();
    for (int i = 0; i < c.getLength(); i++) {
      if (c.item(i) instanceof Element x && x.getTagName().equals(tag)) {
        return x.getTextContent().trim();
      }
    }
    return null;
  }

  private static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    assertThat(n.getLength()).as("<%s> in the job-jar profile", tag).isEqualTo(1);
    return n.item(0).getTextContent().trim();
  }
}
