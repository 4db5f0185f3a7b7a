package io.burnrate.connectors.kafka;

import io.burnrate.schemas.model.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds dead letters from raw records, keeping the payload (cut to a configured size). */
public final class DeadLetters {
  /** Default cap on the payload kept in a dead letter, in bytes. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024;

  private DeadLetters() {}

  public static DeadLetter of(RawRecord r, String reason, String detail, int maxPayloadBytes) {
    DeadLetter d = new DeadLetter();
    d.reason = reason;
    d.detail = detail;
    d.sourceTopic = r.topic;
    d.sourcePartition = r.partition;
    d.sourceOffset = r.offset;
    d.sourceTimestamp = r.timestamp;
    d.key = text(r.key, 1024);
    if (r.value != null) {
      d.payloadTruncated = r.value.length > maxPayloadBytes;
      d.payload = text(r.value, maxPayloadBytes);
    }
    d.failedAt = System.currentTimeMillis();
    return d;
  }

  /**
   * A dead letter of one input record found unusable after parsing (e.g. late): its coordinates,
   * key and payload bytes as read, like {@link #of(RawRecord, String, String, int)}.
   */
  public static DeadLetter of(
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value,
      String reason,
      String detail,
      int maxPayloadBytes) {
    RawRecord r = new RawRecord();
    r.topic = topic;
    r.partition = partition;
    r.offset = offset;
    r.timestamp = timestamp;
    r.key = key;
    r.value = value;
    return of(r, reason, detail, maxPayloadBytes);
  }

  /** A dead letter about a derived fact rather than one input record (e.g. an unpriced node). */
  public static DeadLetter derived(String sourceTopic, String reason, String detail, String key) {
    DeadLetter d = new DeadLetter();
    d.reason = reason;
    d.detail = detail;
    d.sourceTopic = sourceTopic;
    d.key = key;
    d.failedAt = System.currentTimeMillis();
    return d;
  }

  /**
   * UTF-8 text of the first {@code max} bytes (a character split by the cut is left out), or base64
   * of those bytes ("base64:...") when they are not valid UTF-8.
   */
  static String text(byte[] b, int max) {
    if (b == null) {
      return null;
    }
    int n = Math.min(b.length, max);
    int end = n;
    if (n < b.length && n > 0) {
      // the cut may split a multi-byte character: then keep the bytes before its lead byte
      int lead = n - 1;
      while (lead > 0 && lead > n - 4 && (b[lead] & 0xC0) == 0x80) {
        lead--;
      }
      int len =
          (b[lead] & 0xE0) == 0xC0
              ? 2
              : (b[lead] & 0xF0) == 0xE0 ? 3 : (b[lead] & 0xF8) == 0xF0 ? 4 : 1;
      if (lead + len > n) {
        end = lead;
      }
    }
    try {
      CharBuffer cb =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(b, 0, end));
      return cb.toString();
    } catch (CharacterCodingException e) {
      return "base64:" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b, n));
    }
  }
}
