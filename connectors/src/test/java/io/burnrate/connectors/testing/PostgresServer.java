package io.burnrate.connectors.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests, from the Debian package {@code postgresql} ({@code .ci/run}
 * installs it): {@code initdb} in a temporary folder and {@code pg_ctl start} on a free 127.0.0.1
 * port with password (SCRAM) authentication and no Unix socket; about a second and a half. The
 * server refuses to run as root, so under root it runs as the package's {@code postgres} user
 * ({@code runuser}). {@link #close} stops it.
 *
 * <p>Where the package is missing: in CI ({@code CI} set) the test fails, elsewhere it is skipped
 * with a message saying how to install it ({@link #assumeInstalled}).
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "burnrate";
  public static final String DATABASE = "postgres";

  private final Path binDir;
  private final Path home;
  private final Path dataDir;
  private final int port;
  private final String password;
  private final boolean asPostgresUser;
  private final Thread shutdownHook;

  /** The folder holding {@code initdb} and {@code pg_ctl}, if PostgreSQL is installed. */
  public static Optional<Path> binDir() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir);
      if (Files.isExecutable(p.resolve("pg_ctl")) && Files.isExecutable(p.resolve("initdb"))) {
        return Optional.of(p);
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(debian)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(debian)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(
              Comparator.comparingInt(
                  b -> {
                    String v = b.getParent().getFileName().toString();
                    return v.matches("\\d+") ? Integer.parseInt(v) : 0;
                  }));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Skips the calling test (JUnit assumption) when PostgreSQL is not installed on a developer
   * machine; fails it in CI, where {@code .ci/run} installs the package.
   */
  public static void assumeInstalled() {
    if (binDir().isPresent()) {
      return;
    }
    String how =
        "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin):"
            + " install the Debian package (apt-get install postgresql) or run .ci/run, which does";
    if (System.getenv("CI") != null) {
      throw new IllegalStateException(how);
    }
    Assumptions.abort(how);
  }

  /**
   * Starts a server whose files live in a new folder under {@code java.io.tmpdir} (not under a
   * JUnit {@code @TempDir}, which only its owner can enter), deleted by {@link #close}. Run as
   * root, the server runs as the {@code postgres} user, which must be able to enter every folder
   * above its files: when the checkout (and so {@code java.io.tmpdir}, under {@code target/}) sits
   * under a folder only its owner can enter, such as {@code /root}, the files go to the system's
   * temporary folder ({@code $TMPDIR}, else {@code /tmp}) instead.
   */
  public PostgresServer() throws IOException, InterruptedException {
    this.binDir =
        binDir().orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed"));
    this.asPostgresUser = "root".equals(System.getProperty("user.name"));
    this.home = Files.createTempDirectory(parentFolder(asPostgresUser), "pg");
    this.dataDir = home.resolve("data");
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.password = HexFormat.of().formatHex(random);
    Path pwFile = home.resolve("pwfile");
    Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
    if (asPostgresUser) {
      UserPrincipal postgres =
          home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(home, postgres);
      Files.setOwner(pwFile, postgres);
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    run(
        home.resolve("initdb.log"),
        "initdb",
        "-D",
        dataDir.toString(),
        "-U",
        USER,
        "--pwfile=" + pwFile,
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--no-sync");
    Files.delete(pwFile);
    run(
        home.resolve("pg_ctl.log"),
        "pg_ctl",
        "-D",
        dataDir.toString(),
        "-l",
        home.resolve("server.log").toString(),
        "-o",
        "-h 127.0.0.1 -p " + port + " -k '' -c fsync=off",
        "-w",
        "-t",
        "60",
        "start");
    shutdownHook = new Thread(this::stopQuietly, "postgres-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Where the server's folder goes: a folder the server's own user can reach. */
  static Path parentFolder(boolean asPostgresUser) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    if (!asPostgresUser || enterableByOthers(tmp)) {
      return tmp;
    }
    Path system = Path.of(System.getenv().getOrDefault("TMPDIR", "/tmp")).toAbsolutePath();
    if (system.equals(tmp) || !enterableByOthers(system)) {
      system = Path.of("/tmp");
    }
    if (!enterableByOthers(system)) {
      throw new IllegalStateException(
          "the postgres user cannot enter "
              + tmp
              + " nor "
              + system
              + ": give the test a temporary folder every user can enter (-Dtest.tmpdir=...)");
    }
    return system;
  }

  /** Every folder from the root down to {@code dir} lets other users pass through. */
  static boolean enterableByOthers(Path dir) throws IOException {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (!Files.exists(p)) {
        continue;
      }
      if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        return false;
      }
    }
    return true;
  }

  private void run(Path log, String tool, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asPostgresUser) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(binDir.resolve(tool).toString());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(tool + " did not finish: " + Files.readString(log));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(tool + " failed: " + Files.readString(log));
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public String user() {
    return USER;
  }

  /** The password of {@link #user}, random per server. */
  public String password() {
    return password;
  }

  private void stopQuietly() {
    try {
      run(
          home.resolve("pg_ctl-stop.log"),
          "pg_ctl",
          "-D",
          dataDir.toString(),
          "-m",
          "immediate",
          "-w",
          "stop");
    } catch (IOException | InterruptedException | IllegalStateException e) {
      // already stopped, or the folder is gone
    }
  }

  @Override
  public void close() throws IOException {
    stopQuietly();
    try (Stream<Path> files = Files.walk(home)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
