package io.burnrate.tools.focus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure split of a charge over pods and idle: exact sums, credits, idle hours, FOCUS rows. */
class FocusSplitTest {
  private static final long H10 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;

  private static FocusSplit.HolderHour pod(long hour, String name, double gs, double nodeGs) {
    return new FocusSplit.HolderHour(
        hour,
        "it/team-a/" + name,
        "it",
        "gpu-1",
        "team-a",
        name,
        "team-a/Job/" + name,
        "search",
        "ranking",
        "cc-7",
        gs,
        nodeGs);
  }

  private static FocusSplit.HolderHour idle(long hour, double gs, double nodeGs) {
    return new FocusSplit.HolderHour(
        hour, null, "it", "gpu-1", null, null, null, null, null, null, gs, nodeGs);
  }

  private static BigDecimal sum(BigDecimal[] parts) {
    return Arrays.stream(parts).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  @Test
  void awkwardAmountsAddUpExactlyAndEachPartIsWithinOneUnitOfItsQuota() {
    BigDecimal[] thirds =
        FocusSplit.splitExact(new BigDecimal("100.00"), new double[] {1, 1, 1}, 6);
    assertThat(sum(thirds)).isEqualByComparingTo("100");
    assertThat(thirds)
        .extracting(BigDecimal::toPlainString)
        .containsExactly("33.333334", "33.333333", "33.333333");

    Random rnd = new Random(14);
    for (int n = 0; n < 2000; n++) {
      int parts = 1 + rnd.nextInt(9);
      double[] w = new double[parts];
      for (int i = 0; i < parts; i++) {
        // GPU-seconds as the allocator produces them, with zeros and tiny slivers
        w[i] = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(5) == 0 ? 1e-3 : rnd.nextDouble() * 28800;
      }
      // up to 12 decimals (the lake's billing scale), either sign
      BigDecimal amount = BigDecimal.valueOf(rnd.nextLong() % 10_000_000_000_000L, rnd.nextInt(13));
      BigDecimal[] split = FocusSplit.splitExact(amount, w, FocusSplit.moneyScale(amount));
      assertThat(sum(split))
          .as("%s by %s", amount, Arrays.toString(w))
          .isEqualByComparingTo(amount);
      // the exact quota: the weights as the decimals they print as, summed exactly
      BigDecimal total =
          Arrays.stream(w).mapToObj(BigDecimal::valueOf).reduce(BigDecimal.ZERO, BigDecimal::add);
      int scale = FocusSplit.moneyScale(amount);
      BigDecimal unit = BigDecimal.ONE.movePointLeft(scale);
      for (int i = 0; i < parts; i++) {
        if (total.signum() > 0) {
          BigDecimal quota =
              amount.multiply(BigDecimal.valueOf(w[i])).divide(total, MathContext.DECIMAL128);
          assertThat(split[i].subtract(quota).abs()).isLessThanOrEqualTo(unit);
        }
        assertThat(split[i].signum() * amount.signum()).isGreaterThanOrEqualTo(0);
      }
    }
  }

  @Test
  void creditsAndReversalsSplitWithTheirSign() {
    BigDecimal[] credit = FocusSplit.splitExact(new BigDecimal("-10"), new double[] {1, 2}, 6);
    assertThat(credit)
        .extracting(BigDecimal::toPlainString)
        .containsExactly("-3.333333", "-6.666667");
    assertThat(sum(credit)).isEqualByComparingTo("-10");
    BigDecimal[] cent =
        FocusSplit.splitExact(new BigDecimal("-0.000001"), new double[] {5, 5, 5}, 6);
    assertThat(sum(cent)).isEqualByComparingTo("-0.000001");
    assertThat(cent).filteredOn(p -> p.signum() != 0).hasSize(1);
  }

  @Test
  void anHourNoPodHeldGoesWhollyToIdle() {
    // a pod that held no GPU-seconds, and the idle row of an 8-GPU hour
    List<FocusSplit.Share> shares =
        FocusSplit.shares(
            H10, H10 + HOUR, List.of(pod(H10, "waiting", 0, 28800), idle(H10, 28800, 28800)));
    assertThat(shares).hasSize(1);
    assertThat(shares.get(0).idle()).isTrue();
    BigDecimal[] split =
        FocusSplit.splitExact(new BigDecimal("32.7726"), FocusSplit.weights(shares), 6);
    assertThat(split[0]).isEqualByComparingTo("32.7726");

    // an hour whose node offered no GPU-seconds at all: its presence, all idle
    List<FocusSplit.Share> none = FocusSplit.shares(H10, H10 + HOUR, List.of(idle(H10, 0, 0)));
    assertThat(none).singleElement().matches(FocusSplit.Share::idle);
    assertThat(FocusSplit.splitExact(BigDecimal.TEN, FocusSplit.weights(none), 6)[0])
        .isEqualByComparingTo("10");
  }

  @Test
  void aDailyChargeWeighsEachHourByTheGpuSecondsInItAndAPartHourByTheCoveredPart() {
    List<FocusSplit.HolderHour> hours =
        List.of(
            pod(H10, "a", 14400, 28800),
            idle(H10, 14400, 28800),
            pod(H10 + HOUR, "a", 7200, 28800),
            pod(H10 + HOUR, "b", 21600, 28800),
            idle(H10 + HOUR, 0, 28800));
    List<FocusSplit.Share> day = FocusSplit.shares(H10 - 10 * HOUR, H10 + 14 * HOUR, hours);
    assertThat(day).extracting(s -> s.holder().pod()).containsExactly("a", "b", null);
    assertThat(day).extracting(FocusSplit.Share::weight).containsExactly(21600.0, 21600.0, 14400.0);
    // a charge for the second half of hour 10 only
    List<FocusSplit.Share> half = FocusSplit.shares(H10 + HOUR / 2, H10 + HOUR, hours);
    assertThat(half).extracting(FocusSplit.Share::weight).containsExactly(7200.0, 7200.0);
  }

  private static Map<String, Object> charge(String category, String resource, String billed) {
    Map<String, Object> c = new HashMap<>();
    c.put("ChargeCategory", category);
    c.put("ResourceId", resource);
    c.put("ChargePeriodStart", Instant.ofEpochMilli(H10));
    c.put("ChargePeriodEnd", Instant.ofEpochMilli(H10 + HOUR));
    c.put("BillingPeriodStart", Instant.parse("2026-01-01T00:00:00Z"));
    c.put("BilledCost", new BigDecimal(billed));
    c.put("EffectiveCost", new BigDecimal(billed).multiply(new BigDecimal("0.72")));
    c.put("ConsumedQuantity", 1.0);
    c.put("BillingCurrency", "USD");
    c.put("Tags", Map.of("team", "search", "kubernetes.io/cluster", "it"));
    c.put("x_RowId", "row-1");
    c.put("x_DeliveryId", "d-1");
    return c;
  }

  @Test
  void aSplitChargeBecomesFocusAllocatedChargesThatAddUpToIt() throws Exception {
    Map<String, Object> c = charge("Usage", "i-0abc", "32.7726");
    List<FocusSplit.HolderHour> hours =
        List.of(
            pod(H10, "a", 3600, 28800),
            pod(H10, "b", 7200, 28800),
            pod(H10, "c", 3600, 28800),
            idle(H10, 14400, 28800));
    List<Map<String, Object>> rows = FocusExport.rows(c, hours, true);
    assertThat(rows).hasSize(4);
    for (String m : List.of("BilledCost", "EffectiveCost", "ConsumedQuantity")) {
      BigDecimal total =
          rows.stream().map(r -> (BigDecimal) r.get(m)).reduce(BigDecimal.ZERO, BigDecimal::add);
      assertThat(total).as(m).isEqualByComparingTo(new BigDecimal(String.valueOf(c.get(m))));
    }
    ObjectMapper json = new ObjectMapper();
    BigDecimal ratios = BigDecimal.ZERO;
    for (Map<String, Object> r : rows) {
      assertThat(r).containsKeys(FocusColumns.FOCUS_1_3.toArray(new String[0]));
      assertThat(r.get("AllocatedMethodId")).isEqualTo(FocusSplit.METHOD_ID);
      assertThat(r.get("ResourceId")).isEqualTo("i-0abc");
      assertThat(r.get("x_OriginRowId")).isEqualTo("row-1");
      JsonNode e = json.readTree((String) r.get("AllocatedMethodDetails")).get("Elements").get(0);
      assertThat(e.get("UsageUnit").asText()).isEqualTo("GPU-Seconds");
      ratios = ratios.add(e.get("AllocatedRatio").decimalValue());
    }
    assertThat(ratios).isEqualByComparingTo("1");
    Map<String, Object> idle = rows.get(3);
    assertThat(idle.get("x_AllocationStatus")).isEqualTo("idle");
    assertThat(idle.get("AllocatedResourceId")).isNull();
    assertThat(idle.get("AllocatedResourceName")).isNull();
    assertThat((BigDecimal) idle.get("BilledCost")).isEqualByComparingTo("16.3863");
    Map<String, Object> b = rows.get(1);
    assertThat(b.get("AllocatedResourceId")).isEqualTo("it/team-a/b");
    assertThat(b.get("x_Workload")).isEqualTo("team-a/Job/b");
    // the origin's Tags already say team=search: AllocatedTags must not repeat it
    JsonNode tags = json.readTree((String) b.get("AllocatedTags"));
    assertThat(tags.has("team")).isFalse();
    assertThat(tags.get("project").asText()).isEqualTo("ranking");
    assertThat(tags.get("cost-center").asText()).isEqualTo("cc-7");
    assertThat(tags.get("burnrate.io/workload").asText()).isEqualTo("team-a/Job/b");
  }

  @Test
  void chargesBurnrateDidNotSplitAreExportedAsBilled() {
    Map<String, Object> credit = charge("Credit", null, "-5");
    Map<String, Object> tax = charge("Tax", null, "7.5");
    Map<String, Object> cpuNode = charge("Usage", "i-0cpu", "3.1");
    Map<String, Object> gpuNotBilled = charge("Usage", "i-0abc", "9.99");
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.addAll(FocusExport.rows(credit, List.of(), false));
    rows.addAll(FocusExport.rows(tax, List.of(), false));
    rows.addAll(FocusExport.rows(cpuNode, List.of(), false));
    // allocated, but none of its hours billed in the charge period
    rows.addAll(FocusExport.rows(gpuNotBilled, List.of(), true));
    assertThat(rows)
        .extracting(r -> r.get("x_NotSplitReason"))
        .containsExactly("not_usage", "not_usage", "unmatched_resource", "no_billed_hour");
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.get("AllocatedMethodId")).isNull();
              assertThat(r.get("AllocatedMethodDetails")).isNull();
              assertThat(r.get("AllocatedResourceId")).isNull();
              assertThat(r.get("AllocatedTags")).isNull();
              assertThat(r.get("x_AllocationStatus")).isEqualTo("not_split");
            });
    assertThat(rows)
        .extracting(r -> ((BigDecimal) r.get("BilledCost")).toPlainString())
        .containsExactly("-5", "7.5", "3.1", "9.99");
  }
}
