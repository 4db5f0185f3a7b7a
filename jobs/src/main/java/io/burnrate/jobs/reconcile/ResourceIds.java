package io.burnrate.jobs.reconcile;

import java.util.Locale;

/**
 * Normalises cloud resource ids so that a Kubernetes node's {@code spec.providerID} instance and a
 * billing row's {@code ResourceId} meet on the same key: AWS ARNs ({@code
 * arn:aws:ec2:us-east-1:123:instance/i-0abc}) and CUR ids ({@code i-0abc}) become {@code i-0abc};
 * GCP full resource names ({@code //compute.googleapis.com/projects/p/zones/z/instances/vm}) and
 * {@code gce://p/z/vm} become {@code vm}; Azure ARM ids are compared case-insensitively as a whole.
 */
public final class ResourceIds {
  private ResourceIds() {}

  /** The reconciliation key of a resource id, or null for a blank id. */
  public static String instanceKey(String resourceId) {
    if (resourceId == null) {
      return null;
    }
    String id = resourceId.trim();
    if (id.isEmpty() || id.equalsIgnoreCase("null")) {
      return null;
    }
    String lower = id.toLowerCase(Locale.ROOT);
    if (lower.startsWith("arn:")) {
      int slash = lower.lastIndexOf('/');
      int colon = lower.lastIndexOf(':');
      return lower.substring(Math.max(slash, colon) + 1);
    }
    if (lower.startsWith("//compute.googleapis.com/") || lower.startsWith("gce://")) {
      return lower.substring(lower.lastIndexOf('/') + 1);
    }
    if (lower.startsWith("aws://")) {
      return lower.substring(lower.lastIndexOf('/') + 1);
    }
    if (lower.startsWith("azure://")) {
      lower = lower.substring("azure://".length());
    }
    while (lower.endsWith("/")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    return lower;
  }
}
