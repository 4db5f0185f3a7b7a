package io.burnrate.jobs.alerting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic identities of detection outputs, the convention of the anomaly step: a fingerprint
 * is the first 128 bits (hex) of SHA-256 over the NUL-separated parts (what fired and its scope); a
 * state change's id is {@code fingerprint/start/status}. Replaying the same input yields the same
 * ids, so consumers deduplicate.
 */
public final class Ids {
  private Ids() {}

  public static String fingerprint(String... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    for (String part : parts) {
      sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  public static String id(String fingerprint, long start, String status) {
    return fingerprint + "/" + start + "/" + status;
  }
}
