package io.burnrate.connectors.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An AWS Data Exports (CUR 2.0, FOCUS) manifest: {@code
 * <prefix>/<export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json}, rewritten on every
 * refresh of that billing period. What Burnrate needs from it: which data files make up the current
 * delivery ({@code dataFiles}: {@code s3://} URIs or keys), and an execution id when present.
 * Unknown fields are ignored; the document is read as a tree, never bound to classes.
 *
 * @param executionId the export execution that wrote it, or null
 * @param exportName the export's name, or null
 * @param billingPeriod {@code YYYY-MM} from the manifest or its folder, or null
 * @param dataFiles data files as listed (URIs or keys); empty when the manifest lists none
 */
public record CurManifest(
    String executionId, String exportName, String billingPeriod, List<String> dataFiles) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Whether an object is a Data Exports manifest. */
  public static boolean isManifest(BillingObject o) {
    String k = o.key();
    return k.toLowerCase(java.util.Locale.ROOT).endsWith("manifest.json")
        && k.contains("/metadata/");
  }

  public static CurManifest read(InputStream in, String key) throws IOException {
    JsonNode root = MAPPER.readTree(in);
    if (root == null || !root.isObject()) {
      throw new IOException("manifest is not a JSON object");
    }
    List<String> files = new ArrayList<>();
    for (String field : List.of("dataFiles", "files", "reportKeys")) {
      JsonNode list = root.get(field);
      if (list != null && list.isArray()) {
        for (JsonNode f : list) {
          if (f.isTextual()) {
            files.add(f.asText());
          } else if (f.isObject()) {
            for (String k : List.of("key", "uri", "s3Uri", "path", "data_file_key")) {
              if (f.hasNonNull(k)) {
                files.add(f.get(k).asText());
                break;
              }
            }
          }
        }
        break;
      }
    }
    String period = text(root, "billingPeriod");
    if (period == null && root.path("billingPeriod").isObject()) {
      period = text(root.get("billingPeriod"), "start");
    }
    if (period == null) {
      period = periodOf(key);
    }
    if (period != null && period.length() > 7) {
      period = period.substring(0, 7);
    }
    return new CurManifest(
        text(root, "executionId"), text(root, "exportName"), period, List.copyOf(files));
  }

  /** {@code YYYY-MM} from a {@code BILLING_PERIOD=YYYY-MM} path segment, or null. */
  static String periodOf(String key) {
    int i = key.indexOf("BILLING_PERIOD=");
    if (i < 0) {
      return null;
    }
    String rest = key.substring(i + "BILLING_PERIOD=".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }
}
