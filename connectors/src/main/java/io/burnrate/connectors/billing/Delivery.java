package io.burnrate.connectors.billing;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one commit ingests: the data files of one refresh of an export (named by its manifest), or
 * the new loose files of one run. Its rows replace, slice by slice (billing account, billing
 * period), the rows of earlier deliveries.
 *
 * @param id stable for the same content: the manifest's execution id or a hash of the objects'
 *     identities
 * @param source the manifest's URI, or the root the loose files were found under
 * @param manifest the manifest object, or null for loose files
 * @param dataFiles the files to read, in order
 * @param deliveredAt when the provider delivered it (the manifest's or the newest file's mtime)
 */
public record Delivery(
    String id,
    String source,
    BillingObject manifest,
    List<BillingObject> dataFiles,
    long deliveredAt)
    implements Serializable {

  /** Every object of the delivery (manifest first) by URI, with its identity. */
  public Map<String, String> objectIdentities() {
    Map<String, String> m = new LinkedHashMap<>();
    if (manifest != null) {
      m.put(manifest.uri(), manifest.identity());
    }
    for (BillingObject o : dataFiles) {
      m.put(o.uri(), o.identity());
    }
    return m;
  }

  /** The key that marks it ingested: the manifest's, or every loose file's. */
  public List<String> ingestionKeys() {
    if (manifest != null) {
      return List.of(key(manifest));
    }
    return dataFiles.stream().map(Delivery::key).toList();
  }

  /** {@code uri@identity}: an object with this content. */
  public static String key(BillingObject o) {
    return o.uri() + "@" + o.identity();
  }

  public static String key(String uri, String identity) {
    return uri + "@" + identity;
  }
}
