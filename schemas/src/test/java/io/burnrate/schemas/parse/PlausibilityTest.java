package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The plausibility bounds (money, rates, dates) and the identifier lengths: the poison records of
 * issue 15 are rejected with their reason and the field named, the values at the bounds pass.
 */
class PlausibilityTest {
  private static final Plausibility P = Plausibility.DEFAULTS;

  private static String reason(ThrowingCallable c) {
    try {
      c.call();
    } catch (ParseException e) {
      return e.reason();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return null;
  }

  private static BillingLineItem billing(String json) throws ParseException {
    BillingLineItem b = new BillingRowParser().parseJson(json.getBytes(StandardCharsets.UTF_8));
    P.checkBilling(b);
    return b;
  }

  private static final String ROW =
      "{\"ChargePeriodStart\":\"2026-01-05T10:00:00Z\",\"ChargePeriodEnd\":\"%s\","
          + "\"BilledCost\":%s,\"EffectiveCost\":%s,\"ResourceId\":\"i-0abc\"}";

  @Test
  void billedAmountsWithinPlusMinusTheBound() {
    String end = "2026-01-05T11:00:00Z";
    assertThatCode(() -> billing(String.format(ROW, end, "1e9", "-1e9")))
        .doesNotThrowAnyException();
    assertThat(reason(() -> billing(String.format(ROW, end, "1e30", "1"))))
        .isEqualTo("out_of_range");
    assertThatThrownBy(() -> billing(String.format(ROW, end, "1", "1e20")))
        .hasMessageContaining("EffectiveCost")
        .hasMessageContaining("bounds.max-billing-amount");
    assertThat(reason(() -> billing(String.format(ROW, end, "-1000000001", "1"))))
        .isEqualTo(Reasons.VALUE_OUT_OF_RANGE);
  }

  @Test
  void datesWithinTheYears2000To2200() {
    assertThatThrownBy(
            () -> billing(String.format(ROW, "+292278994-08-17T07:12:55.807Z", "1", "1")))
        .isInstanceOf(ParseException.class);
    long farFuture = Long.MAX_VALUE;
    assertThatThrownBy(() -> P.checkDate("ChargePeriodEnd", farFuture))
        .hasMessageContaining("ChargePeriodEnd")
        .hasMessageContaining("bounds.max-date=2200-01-01T00:00:00Z");
    assertThat(reason(() -> P.checkDate("d", Plausibility.epochMillis(2200))))
        .isEqualTo("out_of_range");
    assertThat(reason(() -> P.checkDate("d", Plausibility.epochMillis(2200) - 1))).isNull();
    assertThat(reason(() -> P.checkDate("d", Plausibility.epochMillis(2000)))).isNull();
    assertThat(reason(() -> P.checkDate("d", Plausibility.epochMillis(2000) - 1)))
        .isEqualTo("out_of_range");
    assertThat(reason(() -> P.checkDate("d", -1))).as("absent").isNull();
  }

  @Test
  void pricePerGpuHour() {
    assertThat(reason(() -> P.checkPrice("price_per_hour", 8_000, 8))).isNull();
    assertThat(reason(() -> P.checkPrice("price_per_hour", 8_000.01, 8))).isEqualTo("out_of_range");
    assertThat(reason(() -> P.checkPrice("price_per_hour", 1e15, 8))).isEqualTo("out_of_range");
    // without gpu_count, 16 GPUs are assumed
    assertThat(reason(() -> P.checkPrice("price_per_hour", 16_000, 0))).isNull();
    assertThatThrownBy(() -> P.checkPrice("price_per_hour", 16_001, 0))
        .hasMessageContaining("16 GPUs assumed")
        .hasMessageContaining("bounds.max-gpu-hour-price");
    assertThat(reason(() -> P.checkPrice("price_per_hour", Double.NaN, 1)))
        .isEqualTo("out_of_range");
  }

  @Test
  void budgetAmounts() {
    assertThat(reason(() -> P.checkBudget("amount", 4.9e-324))).isEqualTo("out_of_range");
    assertThat(reason(() -> P.checkBudget("amount", 0.0099))).isEqualTo("out_of_range");
    assertThat(reason(() -> P.checkBudget("amount", 0.01))).isNull();
    assertThat(reason(() -> P.checkBudget("amount", 1e12))).isNull();
    assertThat(reason(() -> P.checkBudget("amount", 1.0000001e12))).isEqualTo("out_of_range");
    assertThat(reason(() -> P.checkBudget("amount", Double.POSITIVE_INFINITY)))
        .isEqualTo("out_of_range");
  }

  @Test
  void boundsThemselvesAreValidated() {
    assertThatThrownBy(() -> new Plausibility(0, 1e9, 0.01, 1e12, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Plausibility(1, 1e30, 0.01, 1e12, 0, 1))
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> new Plausibility(1, 1e9, 0, 1e12, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Plausibility(1, 1e9, 0.01, 1e12, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final String SAMPLE =
      "{\"timestamp\":\"2026-01-05T10:00:00Z\",\"Hostname\":\"%s\",\"gpu\":0,\"cluster\":\"%s\","
          + "\"namespace\":\"ns\",\"pod\":\"%s\",\"DCGM_FI_DEV_GPU_UTIL\":50}";

  private static String sample(String host, String cluster, String pod) {
    return reason(
        () ->
            new GpuSampleParser("default")
                .parse(String.format(SAMPLE, host, cluster, pod).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void identifierLengthsAsKubernetesAllows() {
    assertThat(sample("n", "c".repeat(300), "p")).isEqualTo("invalid_value");
    assertThat(sample("n", "c".repeat(101), "p")).isEqualTo("invalid_value");
    assertThat(sample("n", "c".repeat(100), "p")).isNull();
    // 30 emoji (60 characters) are 360 bytes as a percent-encoded partition folder (12 each)
    assertThat(sample("n", "\uD83D\uDE80".repeat(30), "p")).isEqualTo("invalid_value");
    assertThat(sample("n", "grün-ä".repeat(5), "p")).isNull(); // 30 characters, 60 bytes
    assertThat(sample("n".repeat(254), "c", "p")).isEqualTo("invalid_value");
    assertThat(sample("n".repeat(253), "c", "p".repeat(253))).isNull();
    assertThat(sample("n", "c", "p".repeat(254))).isEqualTo("invalid_value");
    String progress =
        "{\"timestamp\":\"2026-01-05T10:00:00Z\",\"namespace\":\"%s\",\"pod\":\"p\","
            + "\"samples_total\":5}";
    assertThat(
            reason(
                () ->
                    new WorkloadProgressParser("default")
                        .parse(
                            String.format(progress, "n".repeat(64))
                                .getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("invalid_value");
  }

  @Test
  void duplicateKeysRejected() {
    String dup =
        "{\"timestamp\":\"2026-01-05T10:00:00Z\",\"Hostname\":\"n\",\"gpu\":0,"
            + "\"DCGM_FI_DEV_GPU_UTIL\":5,\"DCGM_FI_DEV_GPU_UTIL\":95}";
    assertThatThrownBy(
            () -> new GpuSampleParser("default").parse(dup.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ParseException.class, e -> assertThat(e.reason()).isEqualTo("invalid_json"))
        .hasMessageContaining("DCGM_FI_DEV_GPU_UTIL");
    assertThat(
            reason(
                () ->
                    new WorkloadProgressParser("default")
                        .parse(
                            ("{\"timestamp\":\"2026-01-05T10:00:00Z\",\"namespace\":\"n\","
                                    + "\"pod\":\"p\",\"samples_total\":5,\"samples_total\":7}")
                                .getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("invalid_json");
    assertThat(
            reason(
                () ->
                    billing(
                        "{\"ChargePeriodStart\":\"2026-01-05T10:00:00Z\","
                            + "\"ChargePeriodEnd\":\"2026-01-05T11:00:00Z\",\"BilledCost\":1,"
                            + "\"BilledCost\":1000}")))
        .isEqualTo("invalid_json");
    // the same label in a nested object is not a duplicate
    assertThat(
            reason(
                () ->
                    new GpuSampleParser("default")
                        .parse(
                            ("{\"timestamp\":\"2026-01-05T10:00:00Z\",\"Hostname\":\"n\",\"gpu\":0,"
                                    + "\"pod\":\"a\",\"labels\":{\"pod\":\"b\"},"
                                    + "\"DCGM_FI_DEV_GPU_UTIL\":5}")
                                .getBytes(StandardCharsets.UTF_8))))
        .isNull();
  }
}
