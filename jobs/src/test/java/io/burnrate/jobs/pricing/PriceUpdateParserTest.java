package io.burnrate.jobs.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.schemas.parse.ParseException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Prices from the pricing topic: defaults, strict validation, history by valid-from. */
class PriceUpdateParserTest {
  private final PriceUpdateParser parser = new PriceUpdateParser();

  private PriceUpdate parse(String json) throws ParseException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private String reason(String json) {
    try {
      parse(json);
      return null;
    } catch (ParseException e) {
      return e.reason();
    }
  }

  @Test
  void fullAndMinimalRecords() throws Exception {
    PriceUpdate u =
        parse(
            "{\"instance_type\":\"p5.48xlarge\",\"capacity_type\":\"Spot\",\"region\":\"us-east-1\","
                + "\"price_per_hour\":\"31.46\",\"currency\":\"usd\","
                + "\"valid_from\":\"2026-02-01 00:00:00\",\"gpu_count\":8}");
    assertThat(u.capacityType).isEqualTo("spot");
    assertThat(u.pricePerHour).isEqualTo(31.46);
    assertThat(u.currency).isEqualTo("USD");
    assertThat(u.validFrom).isEqualTo(Instant.parse("2026-02-01T00:00:00Z").toEpochMilli());
    assertThat(u.gpuCount).isEqualTo(8);
    PriceUpdate m = parse("{\"instance_type\":\"g6.xlarge\",\"price_per_hour\":0.8048}");
    assertThat(m.capacityType).isEqualTo("on-demand");
    assertThat(m.region).isEqualTo("*");
    assertThat(m.validFrom).isZero();
    assertThat(m.key()).isEqualTo("g6.xlarge|on-demand|*");
  }

  @Test
  void badRecordsAreRejectedWithAReason() {
    assertThat(reason("{\"price_per_hour\":1}")).isEqualTo("missing_field");
    assertThat(reason("{\"instance_type\":\"x\"}")).isEqualTo("missing_field");
    assertThat(reason("{\"instance_type\":\"x\",\"price_per_hour\":-1}"))
        .isEqualTo("invalid_value");
    assertThat(reason("{\"instance_type\":\"x\",\"price_per_hour\":\"NaN\"}")).isNotNull();
    assertThat(reason("{\"instance_type\":\"x\",\"price_per_hour\":1,\"capacity_type\":\"x\"}"))
        .isEqualTo("unknown_enum");
    assertThat(reason("{\"instance_type\":\"x\",\"price_per_hour\":1,\"currency\":\"dollars\"}"))
        .isEqualTo("invalid_value");
    assertThat(reason("{\"instance_type\":\"x\",\"price_per_hour\":1,\"valid_from\":\"soon\"}"))
        .isNotNull();
    assertThat(reason("[1]")).isEqualTo("invalid_json");
    assertThat(reason("{")).isEqualTo("invalid_json");
    assertThatThrownBy(() -> parser.parse(new byte[0])).isInstanceOf(ParseException.class);
  }

  @Test
  void historyAnswersThePriceInForceAtATime() {
    PriceHistory h = new PriceHistory();
    PriceUpdate a = new PriceUpdate();
    a.validFrom = 100;
    a.pricePerHour = 1;
    PriceUpdate b = new PriceUpdate();
    b.validFrom = 200;
    b.pricePerHour = 2;
    PriceUpdate b2 = new PriceUpdate();
    b2.validFrom = 200;
    b2.pricePerHour = 3;
    h.put(b);
    h.put(a);
    h.put(b2); // same valid-from: replaces
    assertThat(h.at(50)).isNull();
    assertThat(h.at(150).pricePerHour).isEqualTo(1);
    assertThat(h.at(200).pricePerHour).isEqualTo(3);
    assertThat(h.versions).hasSize(2);
  }
}
