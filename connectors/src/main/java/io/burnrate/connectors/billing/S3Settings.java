package io.burnrate.connectors.billing;

import java.io.Serializable;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * How to reach S3: an endpoint override (S3-compatible stores, S3Proxy, MinIO) with path-style
 * access, a region, and credentials: explicit, or the AWS SDK's default chain (environment, system
 * properties, profile, container and instance roles). S3-compatible stores that do not implement
 * the SDK's newer checksums need {@code -Daws.requestChecksumCalculation=when_required} and {@code
 * -Daws.responseChecksumValidation=when_required} (the {@code ./burnrate} launcher sets both).
 *
 * @param endpoint e.g. {@code http://127.0.0.1:9000}, or null for AWS
 * @param region e.g. {@code us-east-1}, or null for the default chain (us-east-1 if none)
 * @param pathStyle bucket in the path instead of the host name (true with an endpoint)
 * @param accessKeyId explicit credentials, or null for the default chain
 * @param secretAccessKey explicit credentials, or null
 */
public record S3Settings(
    String endpoint, String region, boolean pathStyle, String accessKeyId, String secretAccessKey)
    implements Serializable {

  public static S3Settings defaults() {
    return new S3Settings(null, null, false, null, null);
  }

  /** Never prints the secret access key. */
  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", accessKeyId="
        + (accessKeyId == null ? null : "******")
        + ", secretAccessKey="
        + (secretAccessKey == null ? null : "******")
        + "]";
  }

  public S3Client client() {
    var b = S3Client.builder();
    if (endpoint != null && !endpoint.isBlank()) {
      b.endpointOverride(URI.create(endpoint));
    }
    b.serviceConfiguration(
        S3Configuration.builder().pathStyleAccessEnabled(pathStyle || endpoint != null).build());
    String r = region;
    if (r == null || r.isBlank()) {
      r = System.getenv().getOrDefault("AWS_REGION", System.getProperty("aws.region", "us-east-1"));
    }
    b.region(Region.of(r));
    if (accessKeyId != null && secretAccessKey != null) {
      b.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
    } else {
      b.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return b.build();
  }
}
