package io.burnrate.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.burnrate.schemas.model.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  private static RawRecord raw(byte[] key, byte[] value) {
    RawRecord r = new RawRecord();
    r.topic = "burnrate.telemetry.gpu";
    r.partition = 3;
    r.offset = 4711L;
    r.timestamp = 1_767_607_200_000L;
    r.key = key;
    r.value = value;
    return r;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void copiesReasonDetailAndCoordinates() {
    long before = System.currentTimeMillis();
    DeadLetter d =
        DeadLetters.of(
            raw(utf8("node-a/0"), utf8("{\"x\":1}")),
            DeadLetter.Reasons.MISSING_FIELD,
            "timestamp: missing",
            DeadLetters.DEFAULT_MAX_PAYLOAD_BYTES);
    assertThat(d.reason).isEqualTo(DeadLetter.Reasons.MISSING_FIELD);
    assertThat(d.detail).isEqualTo("timestamp: missing");
    assertThat(d.sourceTopic).isEqualTo("burnrate.telemetry.gpu");
    assertThat(d.sourcePartition).isEqualTo(3);
    assertThat(d.sourceOffset).isEqualTo(4711L);
    assertThat(d.sourceTimestamp).isEqualTo(1_767_607_200_000L);
    assertThat(d.key).isEqualTo("node-a/0");
    assertThat(d.payload).isEqualTo("{\"x\":1}");
    assertThat(d.payloadTruncated).isFalse();
    assertThat(d.failedAt).isBetween(before, System.currentTimeMillis());
  }

  @Test
  void payloadExactlyAtTheLimitIsNotTruncated() {
    DeadLetter d = DeadLetters.of(raw(null, utf8("0123456789")), "invalid_json", "x", 10);
    assertThat(d.payload).isEqualTo("0123456789");
    assertThat(d.payloadTruncated).isFalse();
  }

  @Test
  void payloadIsCutAtTheLimit() {
    DeadLetter d = DeadLetters.of(raw(null, utf8("0123456789abcdef")), "too_large", "x", 10);
    assertThat(d.payload).isEqualTo("0123456789");
    assertThat(d.payloadTruncated).isTrue();
  }

  @Test
  void defaultLimitCutsALargePayload() {
    byte[] big = new byte[DeadLetters.DEFAULT_MAX_PAYLOAD_BYTES + 100];
    Arrays.fill(big, (byte) 'a');
    DeadLetter d =
        DeadLetters.of(raw(null, big), "too_large", "x", DeadLetters.DEFAULT_MAX_PAYLOAD_BYTES);
    assertThat(d.payload).hasSize(DeadLetters.DEFAULT_MAX_PAYLOAD_BYTES);
    assertThat(d.payloadTruncated).isTrue();
  }

  @Test
  void nonUtf8PayloadAndKeyBecomeBase64() {
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28, (byte) 0x80};
    DeadLetter d = DeadLetters.of(raw(garbage, garbage), "invalid_json", "x", 1024);
    String b64 = "base64:" + Base64.getEncoder().encodeToString(garbage);
    assertThat(d.payload).isEqualTo(b64);
    assertThat(d.key).isEqualTo(b64);
    assertThat(d.payloadTruncated).isFalse();
  }

  @Test
  void truncatedNonUtf8PayloadIsStillBase64OfTheKeptBytes() {
    byte[] garbage = new byte[64];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (0x80 + i); // continuation bytes and invalid leads: never UTF-8
    }
    DeadLetter d = DeadLetters.of(raw(null, garbage), "invalid_json", "x", 16);
    assertThat(d.payloadTruncated).isTrue();
    assertThat(d.payload)
        .isEqualTo("base64:" + Base64.getEncoder().encodeToString(Arrays.copyOf(garbage, 16)))
        .doesNotContain("\uFFFD");
  }

  @Test
  void cutInsideAMultiByteCharacterDoesNotThrowAndKeepsWholeCharacters() {
    // "é" is 2 bytes, "€" is 3 bytes, "😀" is 4 bytes
    String text = "aé€😀é€😀";
    byte[] bytes = utf8(text);
    for (int max = 1; max < bytes.length; max++) {
      int limit = max;
      assertThatCode(() -> DeadLetters.of(raw(null, bytes), "too_large", "x", limit))
          .doesNotThrowAnyException();
      DeadLetter d = DeadLetters.of(raw(null, bytes), "too_large", "x", limit);
      assertThat(d.payloadTruncated).as("max %d", max).isTrue();
      assertThat(d.payload)
          .as("max %d", max)
          .doesNotStartWith("base64:")
          .doesNotContain("\uFFFD")
          .satisfies(p -> assertThat(text).startsWith(p));
      assertThat(utf8(d.payload).length).as("max %d", max).isLessThanOrEqualTo(limit);
    }
  }

  @Test
  void validTextBeforeTheCutIsKeptWhateverFollows() {
    byte[] b = {'a', 'b', 'c', (byte) 0xff, (byte) 0xfe};
    DeadLetter d = DeadLetters.of(raw(null, b), "invalid_json", "x", 3);
    assertThat(d.payload).isEqualTo("abc");
    assertThat(d.payloadTruncated).isTrue();
  }

  @Test
  void invalidBytesBeforeASplitCharacterAreBase64() {
    // a stray continuation byte, then "é" cut in half
    byte[] b = {'a', (byte) 0x80, 'b', (byte) 0xc3, (byte) 0xa9};
    DeadLetter d = DeadLetters.of(raw(null, b), "invalid_json", "x", 4);
    assertThat(d.payload)
        .isEqualTo("base64:" + Base64.getEncoder().encodeToString(Arrays.copyOf(b, 4)));
  }

  @Test
  void nullKeyAndNullValue() {
    DeadLetter d = DeadLetters.of(raw(null, null), DeadLetter.Reasons.EMPTY, "tombstone", 1024);
    assertThat(d.key).isNull();
    assertThat(d.payload).isNull();
    assertThat(d.payloadTruncated).isFalse();
    assertThat(d.sourceOffset).isEqualTo(4711L);
  }

  @Test
  void emptyValueIsAnEmptyString() {
    DeadLetter d = DeadLetters.of(raw(new byte[0], new byte[0]), DeadLetter.Reasons.EMPTY, "", 8);
    assertThat(d.key).isEmpty();
    assertThat(d.payload).isEmpty();
    assertThat(d.payloadTruncated).isFalse();
  }

  @Test
  void longKeyIsCutAt1024Bytes() {
    byte[] key = new byte[2000];
    Arrays.fill(key, (byte) 'k');
    DeadLetter d = DeadLetters.of(raw(key, utf8("{}")), "invalid_json", "x", 1024);
    assertThat(d.key).hasSize(1024);
  }

  @Test
  void derivedDeadLetterHasNoCoordinates() {
    DeadLetter d =
        DeadLetters.derived(
            "burnrate.k8s.events", DeadLetter.Reasons.UNPRICED, "p5.48xlarge", "node-a");
    assertThat(d.sourceTopic).isEqualTo("burnrate.k8s.events");
    assertThat(d.sourcePartition).isEqualTo(-1);
    assertThat(d.sourceOffset).isEqualTo(-1);
    assertThat(d.sourceTimestamp).isEqualTo(-1);
    assertThat(d.key).isEqualTo("node-a");
    assertThat(d.payload).isNull();
    assertThat(d.failedAt).isPositive();
  }
}
