package io.burnrate.connectors.testing;

import io.burnrate.connectors.billing.S3Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real S3 API on loopback for tests: S3Proxy (filesystem storage) in its own JVM, started from
 * the jar that the build copies to {@code target/s3proxy/s3proxy.jar} (its bundled dependencies
 * would clash with ours on one classpath). Binds 127.0.0.1 on a free port; {@link #close} stops it.
 * The jar is {@code target/s3proxy/s3proxy.jar} of the module under test (each module's build
 * copies it there), or the system property {@code s3proxy.jar}.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "local-identity";
  public static final String SECRET_KEY = "local-credential";

  static {
    // S3Proxy does not implement the SDK's newer default checksums (STACK.md)
    System.setProperty("aws.requestChecksumCalculation", "when_required");
    System.setProperty("aws.responseChecksumValidation", "when_required");
  }

  private final Process process;
  private final int port;

  public S3ProxyServer(Path workDir) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no S3Proxy jar at " + jar.toAbsolutePath());
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path data = Files.createDirectories(workDir.resolve("s3-data"));
    Path props = workDir.resolve("s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + data.toAbsolutePath(),
            "jclouds.identity=" + ACCESS_KEY,
            "jclouds.credential=" + SECRET_KEY,
            ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-Djava.io.tmpdir=" + workDir.toAbsolutePath(),
                    "-jar",
                    jar.toAbsolutePath().toString(),
                    "--properties",
                    props.toAbsolutePath().toString()))
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("s3proxy.log").toFile())
            .start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException(
              "S3Proxy did not start: " + Files.readString(workDir.resolve("s3proxy.log")));
        }
        Thread.sleep(100);
      }
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public S3Settings settings() {
    return new S3Settings(endpoint(), "us-east-1", true, ACCESS_KEY, SECRET_KEY);
  }

  /**
   * The Iceberg properties (S3FileIO's) that reach this server: endpoint, path-style access, region
   * and credentials.
   */
  public java.util.Map<String, String> icebergProperties() {
    return java.util.Map.of(
        "s3.endpoint",
        endpoint(),
        "s3.path-style-access",
        "true",
        "client.region",
        "us-east-1",
        "s3.access-key-id",
        ACCESS_KEY,
        "s3.secret-access-key",
        SECRET_KEY);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
