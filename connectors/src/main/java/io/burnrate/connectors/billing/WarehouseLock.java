package io.burnrate.connectors.billing;

import io.burnrate.connectors.iceberg.CatalogConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One billing ingest at a time per warehouse: an exclusive OS lock ({@link FileChannel#tryLock}) on
 * {@code <warehouse>/.burnrate-ingest.lock}, held for the whole run. A second run (another process,
 * or another thread of this one) does not wait: it is refused with {@link Busy}, whose message
 * names the lock file and its holder (pid, host, start time). The OS releases the lock when the
 * holder ends, however it ends (a killed run leaves the file, not the lock).
 *
 * <p>Only a warehouse in a local (or mounted) folder can be locked this way; for an {@code s3://}
 * warehouse {@link #acquire} returns a lock that holds nothing (see docs/billing.md, "Concurrent
 * ingests").
 */
public final class WarehouseLock implements AutoCloseable {
  /** The lock file's name in the warehouse folder. */
  public static final String FILE = ".burnrate-ingest.lock";

  /** Another ingest holds the warehouse. */
  public static final class Busy extends IOException {
    Busy(String message) {
      super(message);
    }
  }

  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private WarehouseLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file, or null when nothing is locked (an S3 warehouse). */
  public Path file() {
    return file;
  }

  /** Takes the warehouse's lock, or throws {@link Busy} naming its holder. */
  public static WarehouseLock acquire(CatalogConfig catalog) throws IOException {
    String wh = catalog.warehouse();
    if (CatalogConfig.isS3(wh) || (wh.contains("://") && !wh.startsWith("file:"))) {
      return new WarehouseLock(null, null, null);
    }
    Path dir = wh.startsWith("file:") ? Path.of(URI.create(wh)) : Path.of(wh);
    Files.createDirectories(dir);
    Path file = dir.toRealPath().resolve(FILE);
    String me =
        "pid " + ProcessHandle.current().pid() + " on " + host() + ", started " + Instant.now();
    // the OS lock belongs to the process, and closing any channel of the file in this JVM would
    // release it: a second run in this JVM is told apart here, before the file is opened
    String inThisJvm = HELD.putIfAbsent(file, me);
    if (inThisJvm != null) {
      throw busy(dir, file, inThisJvm);
    }
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        throw busy(dir, file, holder(file));
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      return new WarehouseLock(file, ch, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(file);
      if (ch != null) {
        ch.close();
      }
      throw e;
    }
  }

  private static Busy busy(Path dir, Path file, String holder) {
    return new Busy(
        "another ingest holds the warehouse "
            + dir
            + " (lock "
            + file
            + ", held by "
            + (holder.isBlank() ? "an unknown process" : holder)
            + "); nothing was read: run again when it has ended");
  }

  private static String holder(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      try {
        channel.truncate(0); // the file stays (deleting it would race a waiting opener)
        lock.release();
      } finally {
        channel.close();
        HELD.remove(file);
      }
    }
  }
}
