package io.burnrate.connectors.billing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups a listing into deliveries. An AWS Data Exports layout ({@code
 * <export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json} beside {@code
 * <export>/data/BILLING_PERIOD=YYYY-MM/...}) gives one delivery per manifest version: the files it
 * lists (or, when it lists none, the files of its data folder). Files in a data folder of a
 * manifest belong to that manifest only; stale files of earlier refreshes that it no longer lists
 * are not read. Every other CSV/CSV.gz/Parquet file is a loose file; the new loose files of one
 * pass form one delivery. Deliveries already ingested (same manifest or files, same ETag or size
 * and mtime) are left out.
 */
public final class DeliveryPlanner {

  /** The plan: deliveries to ingest, oldest first, and what was left out. */
  public record Plan(
      List<Delivery> deliveries, int alreadyIngested, List<String> incomplete, int ignored) {}

  private DeliveryPlanner() {}

  /**
   * @param ingested {@link Delivery#key} of every object already ingested
   */
  public static Plan plan(ObjectStore store, List<BillingObject> listing, Set<String> ingested)
      throws IOException {
    Map<String, BillingObject> byUri = new HashMap<>();
    for (BillingObject o : listing) {
      byUri.put(o.uri(), o);
    }
    List<Delivery> out = new ArrayList<>();
    List<String> incomplete = new ArrayList<>();
    Set<String> claimed = new HashSet<>();
    int already = 0;
    for (BillingObject m : listing) {
      if (!CurManifest.isManifest(m)) {
        continue;
      }
      String dataFolder = dataFolder(m.key());
      for (BillingObject o : listing) {
        if (o.key().startsWith(dataFolder)) {
          claimed.add(o.uri());
        }
      }
      if (ingested.contains(Delivery.key(m))) {
        already++;
        continue;
      }
      CurManifest manifest;
      try (InputStream in = store.open(m)) {
        manifest = CurManifest.read(in, m.key());
      } catch (IOException e) {
        incomplete.add(m.uri() + ": unreadable manifest: " + e.getMessage());
        continue;
      }
      List<BillingObject> files = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      if (manifest.dataFiles().isEmpty()) {
        for (BillingObject o : listing) {
          if (o.key().startsWith(dataFolder) && o.isDataFile()) {
            files.add(o);
          }
        }
      } else {
        for (String f : manifest.dataFiles()) {
          BillingObject o = resolve(f, byUri, listing);
          if (o == null) {
            missing.add(f);
          } else {
            files.add(o);
            claimed.add(o.uri());
          }
        }
      }
      if (!missing.isEmpty()) {
        incomplete.add(
            m.uri()
                + ": "
                + missing.size()
                + " listed file(s) not there yet, e.g. "
                + missing.get(0));
        continue;
      }
      String id =
          (manifest.exportName() != null ? manifest.exportName() + "/" : "")
              + (manifest.billingPeriod() != null ? manifest.billingPeriod() + "/" : "")
              + (manifest.executionId() != null
                  ? manifest.executionId()
                  : hash(List.of(Delivery.key(m))));
      out.add(new Delivery(id, m.uri(), m, files, m.lastModified()));
    }
    List<BillingObject> loose = new ArrayList<>();
    int ignored = 0;
    for (BillingObject o : listing) {
      if (CurManifest.isManifest(o) || claimed.contains(o.uri())) {
        continue;
      }
      if (!o.isDataFile()) {
        ignored++;
      } else if (ingested.contains(Delivery.key(o))) {
        already++;
      } else {
        loose.add(o);
      }
    }
    if (!loose.isEmpty()) {
      out.add(looseDelivery(store.root(), loose));
    }
    out.sort(Comparator.comparingLong(Delivery::deliveredAt).thenComparing(Delivery::id));
    return new Plan(out, already, incomplete, ignored);
  }

  /**
   * {@code x/metadata/BILLING_PERIOD=2026-03/x-Manifest.json -> x/data/BILLING_PERIOD=2026-03/}.
   */
  static String dataFolder(String manifestKey) {
    int slash = manifestKey.lastIndexOf('/');
    String folder = manifestKey.substring(0, slash + 1);
    int meta = folder.lastIndexOf("/metadata/");
    return folder.substring(0, meta) + "/data/" + folder.substring(meta + "/metadata/".length());
  }

  private static BillingObject resolve(
      String listed, Map<String, BillingObject> byUri, List<BillingObject> listing) {
    BillingObject o = byUri.get(listed);
    if (o != null) {
      return o;
    }
    String tail = listed.contains("://") ? listed.substring(listed.indexOf("://") + 3) : listed;
    // s3://bucket/key: compare without the scheme; a bare key: compare its end
    for (BillingObject c : listing) {
      String u = c.uri().substring(c.uri().indexOf("://") + 3);
      if (u.equals(tail) || u.endsWith("/" + tail) || c.key().equals(tail)) {
        return c;
      }
    }
    return null;
  }

  /** The delivery of these loose files: {@code files-<hash of their keys>}. */
  static Delivery looseDelivery(String root, List<BillingObject> loose) {
    long newest = loose.stream().mapToLong(BillingObject::lastModified).max().orElse(0);
    return new Delivery(
        "files-" + hash(loose.stream().map(Delivery::key).sorted().toList()),
        root,
        null,
        loose,
        newest);
  }

  /** A loose-file delivery without one of its files (null when none is left). */
  static Delivery withoutFile(Delivery d, BillingObject file) {
    List<BillingObject> rest =
        d.dataFiles().stream().filter(o -> !o.uri().equals(file.uri())).toList();
    return rest.isEmpty() ? null : looseDelivery(d.source(), rest);
  }

  static String hash(List<String> parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        d.update(p.getBytes(StandardCharsets.UTF_8));
        d.update((byte) '\n');
      }
      return HexFormat.of().formatHex(d.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
