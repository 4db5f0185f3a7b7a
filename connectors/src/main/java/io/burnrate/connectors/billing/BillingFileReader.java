package io.burnrate.connectors.billing;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a billing file row by row, streaming: CSV (optionally gzip'd, told by the name or by the
 * gzip magic bytes) or Parquet. {@link #next} returns null at the end and throws {@link
 * IOException} when the rest of the file cannot be read (truncated gzip, broken quoting, corrupt
 * Parquet): the rows already returned stay valid.
 */
public interface BillingFileReader extends Closeable {

  /** Column names as the file has them. */
  List<String> columns();

  /** The next row, or null at the end. */
  BillingRow next() throws IOException;

  /**
   * Opens an object of a store. Parquet is read from the local file, or from a copy in {@code
   * tmpDir} that is deleted on close.
   */
  static BillingFileReader open(ObjectStore store, BillingObject object, Path tmpDir)
      throws IOException {
    if (object.isParquet()) {
      Path local = store.localPath(object);
      if (local != null) {
        return new ParquetBillingReader(local, false);
      }
      Files.createDirectories(tmpDir);
      return new ParquetBillingReader(store.download(object, tmpDir), true);
    }
    InputStream in = new BufferedInputStream(store.open(object), 1 << 16);
    try {
      in.mark(2);
      int b1 = in.read();
      int b2 = in.read();
      in.reset();
      if (b1 == 0x1f && b2 == 0x8b) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      return new CsvBillingReader(in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * The first line of why an object could not be read, without Jackson's "(through reference chain
   * ...)" about its own arrays.
   */
  static String cause(IOException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return "unreadable";
    }
    int i = m.indexOf('\n');
    String line = i < 0 ? m : m.substring(0, i);
    int chain = line.indexOf(" (through reference chain");
    return chain < 0 ? line : line.substring(0, chain);
  }
}
