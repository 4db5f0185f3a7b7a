package io.burnrate.connectors.billing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where billing files are: a local folder or an S3 bucket and prefix. Listing is complete (every
 * page); reading streams. Parquet needs random access, so it is first copied to a local file.
 */
public interface ObjectStore extends AutoCloseable {

  /** The root as given: {@code s3://bucket/prefix} or a folder's URI. */
  String root();

  /** Every object below the root, sorted by key. */
  List<BillingObject> list() throws IOException;

  /** The object's bytes, streamed. */
  InputStream open(BillingObject object) throws IOException;

  /** Copies the object into {@code dir} and returns the copy (for formats that need to seek). */
  default Path download(BillingObject object, Path dir) throws IOException {
    Path tmp = Files.createTempFile(dir, "billing-", "-" + object.name());
    try (InputStream in = open(object)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    return tmp;
  }

  /**
   * The SHA-256 of the object's bytes, in hex: what makes a copy under another name, or a symlink,
   * the same object. Reads the object once.
   */
  default String sha256(BillingObject object) throws IOException {
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = open(object)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
      }
    }
    return java.util.HexFormat.of().formatHex(digest.digest());
  }

  /** A local file that needs no copy, or null. */
  default Path localPath(BillingObject object) {
    return null;
  }

  @Override
  default void close() {}

  /**
   * The store for a location: {@code s3://bucket/prefix} (with {@code s3} settings) or a folder.
   */
  static ObjectStore of(String location, S3Settings s3) throws IOException {
    if (location.startsWith("s3://") || location.startsWith("s3a://")) {
      return S3ObjectStore.of(location, s3 != null ? s3 : S3Settings.defaults());
    }
    Path dir =
        location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : Path.of(location);
    if (!Files.isDirectory(dir)) {
      throw new IOException("not a folder: " + dir);
    }
    return new LocalObjectStore(dir);
  }
}
