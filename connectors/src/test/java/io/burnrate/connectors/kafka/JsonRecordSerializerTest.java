package io.burnrate.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonRecordSerializerTest {
  @Test
  void recordTimestampsAreEventTimeButNeverInTheFuture() {
    long now = 1_800_000_000_000L;
    assertThat(JsonRecordSerializer.recordTimestamp(now - 5_000, now)).isEqualTo(now - 5_000);
    assertThat(JsonRecordSerializer.recordTimestamp(now + 6 * 3_600_000L, now)).isEqualTo(now);
    assertThat(JsonRecordSerializer.recordTimestamp(Long.MAX_VALUE, now)).isEqualTo(now);
    assertThat(JsonRecordSerializer.recordTimestamp(null, now)).isNull();
    assertThat(JsonRecordSerializer.recordTimestamp(-1L, now)).isNull();
  }
}
