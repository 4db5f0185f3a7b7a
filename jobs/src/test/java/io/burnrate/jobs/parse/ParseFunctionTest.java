package io.burnrate.jobs.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.parse.ParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParseFunctionTest {
  private OneInputStreamOperatorTestHarness<RawRecord, String> harness;

  /** Upper-cases the value; "bad" is a parse error, "boom" a parser bug, "skip" nothing. */
  private static String parse(RawRecord r) throws ParseException {
    String v = new String(r.value, StandardCharsets.UTF_8);
    switch (v) {
      case "bad":
        throw new ParseException(DeadLetter.Reasons.MISSING_FIELD, "field 'x' is missing");
      case "boom":
        throw new IllegalStateException("parser bug");
      case "skip":
        return null;
      default:
        return v.toUpperCase();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new ParseFunction<String>(() -> ParseFunctionTest::parse, 1024, 256));
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static RawRecord record(long offset, byte[] value) {
    RawRecord r = new RawRecord();
    r.topic = "burnrate.telemetry.gpu";
    r.partition = 3;
    r.offset = offset;
    r.timestamp = 1_000 + offset;
    r.key = "k".getBytes(StandardCharsets.UTF_8);
    r.value = value;
    return r;
  }

  private void send(long offset, String value) throws Exception {
    harness.processElement(
        record(offset, value == null ? null : value.getBytes(StandardCharsets.UTF_8)), offset);
  }

  private List<DeadLetter> deadLetters() {
    List<DeadLetter> out = new ArrayList<>();
    Queue<StreamRecord<DeadLetter>> q = harness.getSideOutput(ParseFunction.DLQ);
    if (q != null) {
      q.forEach(r -> out.add(r.getValue()));
    }
    return out;
  }

  @Test
  void parsedRecordsGoOnAndUnusableOnesToTheDlqWithTheirCoordinates() throws Exception {
    send(1, "ok");
    send(2, "bad");
    send(3, "boom");
    send(4, "skip");
    send(5, null);
    send(6, "");

    assertThat(harness.extractOutputValues()).containsExactly("OK");
    List<DeadLetter> dlq = deadLetters();
    assertThat(dlq)
        .extracting(d -> d.reason)
        .containsExactly(
            DeadLetter.Reasons.MISSING_FIELD,
            DeadLetter.Reasons.INVALID_VALUE,
            DeadLetter.Reasons.EMPTY,
            DeadLetter.Reasons.EMPTY);
    DeadLetter bad = dlq.get(0);
    assertThat(bad.detail).isEqualTo("field 'x' is missing");
    assertThat(bad.sourceTopic).isEqualTo("burnrate.telemetry.gpu");
    assertThat(bad.sourcePartition).isEqualTo(3);
    assertThat(bad.sourceOffset).isEqualTo(2);
    assertThat(bad.sourceTimestamp).isEqualTo(1_002);
    assertThat(bad.key).isEqualTo("k");
    assertThat(bad.payload).isEqualTo("bad");
    assertThat(dlq.get(1).detail).contains("unexpected parser error").contains("parser bug");
  }

  @Test
  void tooLargeRecordIsNotParsedAndItsPayloadIsCut() throws Exception {
    byte[] big = new byte[2048];
    Arrays.fill(big, (byte) 'a');
    harness.processElement(record(7, big), 7);

    assertThat(harness.extractOutputValues()).isEmpty();
    List<DeadLetter> dlq = deadLetters();
    assertThat(dlq).hasSize(1);
    assertThat(dlq.get(0).reason).isEqualTo(DeadLetter.Reasons.TOO_LARGE);
    assertThat(dlq.get(0).detail).contains("2048").contains("input.max-record-bytes");
    assertThat(dlq.get(0).payloadTruncated).isTrue();
    assertThat(dlq.get(0).payload).hasSize(256);
  }
}
