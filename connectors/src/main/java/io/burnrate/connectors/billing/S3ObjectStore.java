package io.burnrate.connectors.billing;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Billing files below an S3 prefix, listed page by page and read as streams (AWS SDK v2). */
public final class S3ObjectStore implements ObjectStore {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  public S3ObjectStore(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
  }

  /** {@code s3://bucket/prefix} (or {@code s3a://}). */
  static S3ObjectStore of(String location, S3Settings settings) {
    String rest = location.substring(location.indexOf("://") + 3);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("no bucket in " + location);
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    return new S3ObjectStore(settings.client(), bucket, prefix);
  }

  @Override
  public String root() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public List<BillingObject> list() throws IOException {
    List<BillingObject> out = new ArrayList<>();
    try {
      ListObjectsV2Request req =
          ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
      for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
        if (o.key().endsWith("/")) {
          continue; // a folder marker
        }
        String etag = o.eTag() == null ? null : o.eTag().replace("\"", "");
        long modified = o.lastModified() == null ? 0 : o.lastModified().toEpochMilli();
        out.add(
            new BillingObject(
                "s3://" + bucket + "/" + o.key(),
                o.key().substring(prefix.length()),
                etag,
                o.size() == null ? -1 : o.size(),
                modified));
      }
    } catch (SdkException e) {
      throw new IOException("listing " + root() + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(BillingObject::key));
    return out;
  }

  @Override
  public InputStream open(BillingObject object) throws IOException {
    try {
      return s3.getObject(
          GetObjectRequest.builder().bucket(bucket).key(prefix + object.key()).build());
    } catch (SdkException e) {
      throw new IOException("reading " + object.uri() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
