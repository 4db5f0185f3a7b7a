package io.burnrate.connectors.billing;

import java.io.Serializable;

/**
 * One object of a bucket or folder: its full URI ({@code s3://bucket/key} or {@code file:/...}),
 * its key relative to the listed root, and what identifies its content: the ETag where the store
 * has one, else size and last-modified time. An object is ingested once per identity.
 *
 * @param uri where it is, as dead letters and {@code x_SourceObject} name it
 * @param key the path below the listed root (forward slashes)
 * @param etag the store's ETag without quotes, or null (local files)
 * @param size bytes
 * @param lastModified epoch milliseconds
 */
public record BillingObject(String uri, String key, String etag, long size, long lastModified)
    implements Serializable {

  /** What makes two listings of the same key the same content. */
  public String identity() {
    return etag != null ? etag : size + "@" + lastModified;
  }

  /** The file name: the last part of the key. */
  public String name() {
    int i = key.lastIndexOf('/');
    return i < 0 ? key : key.substring(i + 1);
  }

  /** Whether the name says it is a billing data file: CSV, gzip'd CSV or Parquet. */
  public boolean isDataFile() {
    String n = name().toLowerCase(java.util.Locale.ROOT);
    return n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".parquet");
  }

  public boolean isParquet() {
    return name().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet");
  }
}
