package io.burnrate.tools.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A standalone Flink session cluster for a test: a JobManager and a TaskManager, each its own JVM
 * started from a {@code lib/} folder of Flink's Maven artifacts ({@code -Pflink-cluster}), both on
 * 127.0.0.1, talked to only through the REST API (jar upload and run, job status, savepoints) as an
 * operator would. The JobManager is started as Flink's {@code jobmanager.sh} would, the TaskManager
 * with the memory settings {@code taskmanager.sh} gets from {@code BashJavaUtils}. Logs go to files
 * in the cluster's folder; {@link #logTail} shows them when something fails.
 */
final class FlinkSessionCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Flink's module openings for Java 17, from the build ({@code flink.jvm.opens} in the root pom,
   * the same list the test JVMs get).
   */
  static final List<String> OPENS =
      List.of(System.getProperty("burnrate.jvm.opens", "").trim().split("\\s+"));

  final Path home;
  final int restPort;
  private final Path lib;
  private final Path conf;
  private final Path logs;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * Writes the configuration into {@code home/conf} and starts the JobManager and one TaskManager
   * with {@code slots} slots; returns once the TaskManager has registered.
   */
  static FlinkSessionCluster start(Path lib, Path home, int slots, Duration timeout)
      throws Exception {
    if (OPENS.get(0).isEmpty()) {
      throw new IllegalStateException(
          "burnrate.jvm.opens is not set: run through Maven (failsafe passes flink.jvm.opens)");
    }
    FlinkSessionCluster c = new FlinkSessionCluster(lib, home, slots);
    try {
      c.startJobManager();
      c.startTaskManager();
      c.await(
          "a TaskManager with " + slots + " slots registered",
          timeout,
          () -> {
            JsonNode o = c.get("/overview");
            return o.path("taskmanagers").asInt() == 1 && o.path("slots-total").asInt() == slots;
          });
      return c;
    } catch (Exception | AssertionError e) {
      System.err.println(c.logTail());
      c.close();
      throw e;
    }
  }

  private FlinkSessionCluster(Path lib, Path home, int slots) throws IOException {
    this.lib = lib;
    this.home = home;
    this.conf = Files.createDirectories(home.resolve("conf"));
    this.logs = Files.createDirectories(home.resolve("log"));
    this.restPort = freePort();
    int rpcPort = freePort();
    String loopback = "127.0.0.1";
    Files.writeString(
        conf.resolve("config.yaml"),
        String.join(
            "\n",
            "jobmanager.rpc.address: " + loopback,
            "jobmanager.rpc.port: " + rpcPort,
            "jobmanager.bind-host: " + loopback,
            "jobmanager.memory.process.size: 1024m",
            "taskmanager.bind-host: " + loopback,
            "taskmanager.host: " + loopback,
            "taskmanager.rpc.port: 0",
            "taskmanager.data.port: 0",
            "taskmanager.numberOfTaskSlots: " + slots,
            "taskmanager.memory.process.size: 2048m",
            "taskmanager.memory.network.max: 64m",
            "rest.address: " + loopback,
            "rest.bind-address: " + loopback,
            "rest.port: " + restPort,
            "blob.server.port: 0",
            "web.upload.dir: " + Files.createDirectories(home.resolve("uploads")),
            "io.tmp.dirs: " + Files.createDirectories(home.resolve("tmp")),
            "state.checkpoints.dir: " + home.resolve("checkpoints").toUri(),
            "restart-strategy.type: fixed-delay",
            "restart-strategy.fixed-delay.attempts: 3",
            "restart-strategy.fixed-delay.delay: 1 s",
            "heartbeat.timeout: 60000",
            "pipeline.generic-types: false",
            ""),
        UTF_8);
    Files.writeString(
        conf.resolve("log4j.properties"),
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = file",
            "appender.file.type = File",
            "appender.file.name = file",
            "appender.file.fileName = ${sys:log.file}",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "logger.hadoop.name = org.apache.hadoop",
            "logger.hadoop.level = WARN",
            ""),
        UTF_8);
  }

  private void startJobManager() throws IOException {
    List<String> cmd = java("jobmanager", List.of("-Xmx512m"));
    cmd.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
    cmd.add("--configDir");
    cmd.add(conf.toString());
    processes.add(launch("jobmanager", cmd));
  }

  /**
   * As {@code taskmanager.sh}: {@code BashJavaUtils GET_TM_RESOURCE_PARAMS} derives the JVM memory
   * flags and the dynamic properties from the configured process size.
   */
  private void startTaskManager() throws Exception {
    List<String> util = java("bash-java-utils", List.of("-Xmx128m"));
    util.addAll(
        List.of(
            "org.apache.flink.runtime.util.bash.BashJavaUtils",
            "GET_TM_RESOURCE_PARAMS",
            "--configDir",
            conf.toString()));
    Process p =
        new ProcessBuilder(util)
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("bash-java-utils.out").toFile())
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "BashJavaUtils failed:\n" + Files.readString(logs.resolve("bash-java-utils.out")));
    }
    List<String> results =
        Files.readAllLines(logs.resolve("bash-java-utils.out")).stream()
            .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
            .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim())
            .toList();
    if (results.size() < 2) {
      throw new IllegalStateException(
          "BashJavaUtils printed no TaskManager parameters:\n"
              + Files.readString(logs.resolve("bash-java-utils.out")));
    }
    List<String> jvm = new ArrayList<>(List.of(results.get(0).split("\\s+")));
    List<String> cmd = java("taskmanager", jvm);
    cmd.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
    cmd.add("--configDir");
    cmd.add(conf.toString());
    cmd.addAll(List.of(results.get(1).split("\\s+")));
    processes.add(launch("taskmanager", cmd));
  }

  private List<String> java(String name, List<String> jvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(OPENS);
    cmd.add("-Dlog.file=" + logs.resolve(name + ".log"));
    cmd.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
    cmd.add("-Djava.io.tmpdir=" + home.resolve("tmp"));
    cmd.add("-cp");
    cmd.add(lib.toAbsolutePath() + "/*");
    return cmd;
  }

  private Process launch(String name, List<String> cmd) throws IOException {
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".out").toFile())
        .start();
  }

  // ------------------------------------------------------------------ REST API

  /** {@code POST /jars/upload}: the jar's id on the cluster. */
  String uploadJar(Path jar) throws Exception {
    String boundary = "burnrate-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(UTF_8));
    try (InputStream in = Files.newInputStream(jar)) {
      in.transferTo(body);
    }
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(UTF_8));
    JsonNode r =
        send(
            HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .timeout(Duration.ofMinutes(2))
                .build());
    String file = r.path("filename").asText();
    if (!"success".equals(r.path("status").asText()) || file.isEmpty()) {
      throw new IllegalStateException("jar upload failed: " + r);
    }
    return Path.of(file).getFileName().toString();
  }

  /**
   * {@code POST /jars/:jarid/run}: runs the jar's main class with {@code args}, from {@code
   * savepoint} when not null; the job's id.
   */
  String runJar(String jarId, List<String> args, int parallelism, String savepoint)
      throws Exception {
    ObjectNode req = JSON.createObjectNode();
    req.putPOJO("programArgsList", args);
    req.put("parallelism", parallelism);
    if (savepoint != null) {
      req.put("savepointPath", savepoint);
      req.put("allowNonRestoredState", false);
    }
    JsonNode r = post("/jars/" + jarId + "/run", req, Duration.ofMinutes(3));
    String id = r.path("jobid").asText();
    if (id.isEmpty()) {
      throw new IllegalStateException("job submission failed: " + r);
    }
    return id;
  }

  /** {@code GET /jobs/:jobid}: the job's state (RUNNING, CANCELED, FINISHED, ...). */
  String jobState(String jobId) throws Exception {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** {@code GET /jobs/:jobid/checkpoints}. */
  JsonNode checkpoints(String jobId) throws Exception {
    return get("/jobs/" + jobId + "/checkpoints");
  }

  /**
   * {@code POST /jobs/:jobid/savepoints} with {@code cancel-job}: a savepoint, then the job is
   * cancelled; the savepoint's location.
   */
  String savepointAndCancel(String jobId, Path dir, Duration timeout) throws Exception {
    ObjectNode req = JSON.createObjectNode();
    req.put("target-directory", dir.toUri().toString());
    req.put("cancel-job", true);
    req.put("formatType", "CANONICAL");
    return awaitSavepoint(
        jobId, post("/jobs/" + jobId + "/savepoints", req, timeout).path("request-id"), timeout);
  }

  /**
   * {@code POST /jobs/:jobid/stop} with {@code drain}: every event-time window and timer fires (as
   * at the end of bounded input), a final savepoint is taken and the job finishes.
   */
  String stopWithDrain(String jobId, Path dir, Duration timeout) throws Exception {
    ObjectNode req = JSON.createObjectNode();
    req.put("targetDirectory", dir.toUri().toString());
    req.put("drain", true);
    return awaitSavepoint(
        jobId, post("/jobs/" + jobId + "/stop", req, timeout).path("request-id"), timeout);
  }

  private String awaitSavepoint(String jobId, JsonNode requestId, Duration timeout)
      throws Exception {
    if (requestId.isMissingNode() || requestId.asText().isEmpty()) {
      throw new IllegalStateException("savepoint not triggered for " + jobId);
    }
    JsonNode[] last = {null};
    await(
        "savepoint of " + jobId,
        timeout,
        () -> {
          last[0] = get("/jobs/" + jobId + "/savepoints/" + requestId.asText());
          return "COMPLETED".equals(last[0].at("/status/id").asText());
        });
    JsonNode op = last[0].path("operation");
    if (op.has("failure-cause")) {
      throw new IllegalStateException(
          "savepoint of " + jobId + " failed: " + op.path("failure-cause"));
    }
    return op.path("location").asText();
  }

  JsonNode get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private JsonNode post(String path, JsonNode body, Duration timeout) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build());
  }

  private JsonNode send(HttpRequest req) throws Exception {
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          req.method() + " " + req.uri().getPath() + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + restPort + path);
  }

  /** A condition over the cluster, retried (REST errors included) until it holds. */
  interface Probe {
    boolean holds() throws Exception;
  }

  /** Waits until {@code probe} holds; fails naming {@code what} after {@code timeout}. */
  void await(String what, Duration timeout, Probe probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "a cluster process exited (" + p.exitValue() + ") waiting for " + what);
        }
      }
      try {
        if (probe.holds()) {
          return;
        }
      } catch (IOException | IllegalStateException e) {
        last = e; // not up yet, or a transient REST error
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "timed out after " + timeout + " waiting for " + what + (last == null ? "" : ": " + last));
  }

  /** Waits until the job's state passes {@code accept}; the state. */
  String awaitState(String jobId, Duration timeout, Predicate<String> accept) throws Exception {
    String[] state = {null};
    await(
        "job " + jobId + " state",
        timeout,
        () -> {
          state[0] = jobState(jobId);
          return accept.test(state[0]);
        });
    return state[0];
  }

  /** The last lines of every log of the cluster (for a failure's message). */
  String logTail() {
    StringBuilder s = new StringBuilder();
    try (var files = Files.list(logs)) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        s.append("==== ").append(f.getFileName()).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> s.append(l).append('\n'));
      }
    } catch (IOException e) {
      s.append("(logs unreadable: ").append(e).append(")\n");
    }
    return s.toString();
  }

  /** The PIDs of the cluster's JVMs (JobManager first). */
  List<Long> pids() {
    return processes.stream().map(Process::pid).toList();
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
