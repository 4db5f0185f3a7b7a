package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;

/**
 * Lengths of identifiers as Kubernetes allows them: object names (pods, nodes, jobs, owners) are
 * DNS subdomains of at most {@value #MAX_NAME} characters, namespaces DNS labels of at most {@value
 * #MAX_LABEL}. A cluster name is not a Kubernetes object but becomes a lake partition folder
 * ({@code cluster=<name>}): it may be at most {@value #MAX_CLUSTER} characters (the longest a
 * managed service allows, EKS). A longer value is {@code invalid_value} at parse time, so no state
 * key, Kafka key or partition path can be too long.
 */
public final class Names {
  /** DNS subdomain (RFC 1123): pod, node, job and owner names. */
  public static final int MAX_NAME = 253;

  /** DNS label (RFC 1123): namespaces (and container names). */
  public static final int MAX_LABEL = 63;

  /** Cluster names. */
  public static final int MAX_CLUSTER = 100;

  /**
   * A cluster name as a lake partition folder ({@code cluster=} and the name percent-encoded as
   * UTF-8, as Iceberg writes it) stays within this many bytes, well inside the 255 a file system
   * allows for one name: 100 non-ASCII characters would not (up to 12 bytes each).
   */
  public static final int MAX_CLUSTER_FOLDER_BYTES = 200;

  private Names() {}

  /**
   * A cluster name (null passes): at most {@value #MAX_CLUSTER} characters, and short enough as a
   * lake partition folder ({@value #MAX_CLUSTER_FOLDER_BYTES} bytes percent-encoded).
   */
  public static String requireCluster(String field, String value) throws ParseException {
    require(field, value, MAX_CLUSTER);
    if (value != null) {
      int bytes =
          java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).length();
      if (bytes > MAX_CLUSTER_FOLDER_BYTES) {
        throw new ParseException(
            INVALID_VALUE,
            field
                + ": "
                + bytes
                + " bytes as a lake partition folder (percent-encoded UTF-8), more than "
                + MAX_CLUSTER_FOLDER_BYTES
                + ": '"
                + Values.abbreviate(value)
                + "'");
      }
    }
    return value;
  }

  /** {@code value} (null passes) when at most {@code max} characters long. */
  public static String require(String field, String value, int max) throws ParseException {
    if (value != null && value.length() > max) {
      throw new ParseException(
          INVALID_VALUE,
          field
              + ": "
              + value.length()
              + " characters, longer than the "
              + max
              + " Kubernetes allows: '"
              + Values.abbreviate(value)
              + "'");
    }
    return value;
  }
}
