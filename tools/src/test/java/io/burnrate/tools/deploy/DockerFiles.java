package io.burnrate.tools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
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
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The {@code docker/} deployment files as the tests of this package read them (offline: no Docker
 * engine on the build machines, docs/docker.md), and the helpers they share.
 */
final class DockerFiles {
  private DockerFiles() {}

  static final Path ROOT = Path.of("..");
  static final Path DOCKER = ROOT.resolve("docker");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  /** The reporter's options besides Flink's own {@code factory.class} (PrometheusReporter). */
  static final Set<String> REPORTER_OPTIONS = Set.of("port", "host");

  static final Set<String> SERVICES =
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

  static JsonNode compose;
  static JsonNode services;
  static Map<String, String> pom;
  static JsonNode flinkDeployment;
  static JsonNode configMap;
  static List<String> dockerfile;
  static String jobJarGlob;
  static String mainClass;

  private static boolean loaded;

  /** Reads the files once for every test class of this package. */
  static synchronized void load() throws Exception {
    if (loaded) {
      return;
    }
    loaded = true;
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

  // ---- helpers ----

  static String jobJarInImage() {
    String copy =
        dockerfile.stream()
            .filter(l -> l.startsWith("COPY --from=") && l.endsWith(".jar"))
            .filter(l -> l.contains("/opt/flink/usrlib/"))
            .findFirst()
            .orElseThrow();
    return copy.substring(copy.lastIndexOf(' ') + 1);
  }

  static JsonNode mainContainer() {
    return flinkDeployment.path("spec").path("podTemplate").path("spec").path("containers").get(0);
  }

  static String image(String service) {
    return services.path(service).path("image").asText();
  }

  /** The tag of an image reference, or "" when it has none. */
  static String tag(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "";
  }

  static String repositoryName(String image) {
    String noTag = tag(image).isEmpty() ? image : image.substring(0, image.lastIndexOf(':'));
    return noTag.substring(noTag.lastIndexOf('/') + 1);
  }

  /**
   * The environment compose gives a service, {@code ${VAR:-default}} resolved to its default and
   * {@code $$} to {@code $}, as {@code docker compose} does without a {@code .env}.
   */
  static Map<String, String> environment(String service) {
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

  static String interpolate(String v) {
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
  static Map<String, String> flinkProperties(String service) {
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
  static Map<String, String> mounts(String service) {
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

  static Set<String> envReferences(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{env:([^}]+)}").matcher(text);
    while (m.find()) {
      out.add(m.group(1).trim());
    }
    return out;
  }

  static void collectDatasourceUids(JsonNode n, Set<String> out) {
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
  static Map<String, Boolean> flinkOptionKeys() throws Exception {
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

  static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static List<JsonNode> yamlDocuments(Path f) throws IOException {
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
  static List<String> dockerfileInstructions(Path f) throws IOException {
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
  static List<String> instructions(String instruction) {
    return dockerfile.stream()
        .filter(l -> l.startsWith(instruction + " "))
        .map(l -> l.substring(instruction.length() + 1))
        .collect(Collectors.toList());
  }

  static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  static Set<String> fieldNames(JsonNode n) {
    Set<String> out = new TreeSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The strings of a YAML sequence (or of a single scalar), in order. */
  static List<String> texts(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else if (!n.isMissingNode() && !n.isNull()) {
      out.add(n.asText());
    }
    return out;
  }

  static Map<String, String> fields(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    return out;
  }

  // ---- the poms ----

  static Map<String, String> pomProperties() throws Exception {
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

  static Element jobJarProfile() throws Exception {
    NodeList profiles = xml(ROOT.resolve("jobs/pom.xml")).getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      Element p = (Element) profiles.item(i);
      if ("job-jar".equals(directChild(p, "id"))) {
        return p;
      }
    }
    throw new AssertionError("jobs/pom.xml has no job-jar profile");
  }

  static Document xml(Path f) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile());
  }

  static String directChild(Element e, String tag) {
    NodeList c = e.getChildNodes();
    for (int i = 0; i < c.getLength(); i++) {
      if (c.item(i) instanceof Element x && x.getTagName().equals(tag)) {
        return x.getTextContent().trim();
      }
    }
    return null;
  }

  static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    assertThat(n.getLength()).as("<%s> in the job-jar profile", tag).isEqualTo(1);
    return n.item(0).getTextContent().trim();
  }
}
