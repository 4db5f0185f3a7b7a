package io.burnrate.jobs.reconcile;

import java.util.Locale;

/**
 * Normalises cloud resource ids so that a Kubernetes node's {@code spec.providerID} (or the
 * instance id derived from it) and a billing row's {@code ResourceId} meet on one key:
 *
 * <ul>
 *   <li><b>AWS</b>: CUR ids ({@code i-0abc}), ARNs ({@code
 *       arn:aws:ec2:us-east-1:123456789012:instance/i-0abc}, as AWS's FOCUS export writes them) and
 *       {@code aws:///us-east-1a/i-0abc} become {@code i-0abc}.
 *   <li><b>GCP</b>: full resource names ({@code
 *       //compute.googleapis.com/projects/p/zones/z/instances/vm}), self links ({@code
 *       https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/vm}), relative names
 *       ({@code projects/p/zones/z/instances/vm}) and {@code gce://p/z/vm} become {@code vm} (the
 *       node carries only the name after the parser; GKE node names are unique in practice). A
 *       numeric instance id (what some exports put in ResourceId) becomes {@code gce-id:<n>}: it
 *       meets no node, so its charges are reported as unmatched, never guessed.
 *   <li><b>Azure</b>: ARM ids, compared case-insensitively as Azure does, with one leading slash
 *       and no trailing one: {@code azure:///subscriptions/S/resourceGroups/RG/providers/
 *       Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/3} and the billing row's
 *       {@code /subscriptions/s/resourcegroups/rg/...} meet. A charge for a whole scale set ({@code
 *       .../virtualMachineScaleSets/ss}) names no single node and does not match.
 *   <li>Anything else is compared as it is (trimmed, case kept).
 * </ul>
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
      // arn:partition:service:region:account:resource-type/resource-id (or :resource-id)
      int slash = lower.lastIndexOf('/');
      int colon = lower.lastIndexOf(':');
      return lower.substring(Math.max(slash, colon) + 1);
    }
    if (lower.startsWith("aws://")) {
      return lastSegment(lower);
    }
    if (lower.startsWith("gce://")) {
      return lastSegment(lower);
    }
    int instances = lower.indexOf("/instances/");
    if (instances >= 0
        && (lower.startsWith("//compute.googleapis.com/")
            || lower.startsWith("https://www.googleapis.com/compute/")
            || lower.startsWith("https://compute.googleapis.com/compute/")
            || lower.startsWith("projects/"))) {
      String name = lastSegment(lower);
      return isGcpNumericId(name) ? "gce-id:" + name : name;
    }
    if (isGcpNumericId(id)) {
      return "gce-id:" + id;
    }
    if (lower.startsWith("azure://")) {
      lower = lower.substring("azure://".length());
    }
    if (lower.startsWith("/subscriptions/") || lower.startsWith("subscriptions/")) {
      while (lower.endsWith("/")) {
        lower = lower.substring(0, lower.length() - 1);
      }
      return lower.startsWith("/") ? lower : "/" + lower;
    }
    return id;
  }

  private static String lastSegment(String s) {
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.substring(s.lastIndexOf('/') + 1);
  }

  /** A GCE instance id: an unsigned 64-bit number (GCE prints 15 to 20 digits). */
  private static boolean isGcpNumericId(String s) {
    if (s.length() < 10 || s.length() > 20) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
