package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.schemas.Samples;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FocusRowParserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String EXAMPLES = "samples/billing/focus-spec-v1.2-examples";

  private final FocusRowParser parser = new FocusRowParser();

  private BillingLineItem parse(String json) throws ParseException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private BillingLineItem parse(Map<String, String> row) throws Exception {
    return parser.parse(MAPPER.writeValueAsBytes(toJson(row)));
  }

  private String reason(String json) {
    try {
      parse(json);
    } catch (ParseException e) {
      return e.reason();
    }
    throw new AssertionError("expected a ParseException for " + json);
  }

  /** A CSV row as the JSON object a producer sends: every column as a string, names as-is. */
  private static ObjectNode toJson(Map<String, String> row) {
    ObjectNode o = MAPPER.createObjectNode();
    row.forEach(o::put);
    return o;
  }

  /** The CSV's value of a column (name matched like FOCUS readers do), null when empty/"null". */
  private static String csv(Map<String, String> row, String column) {
    for (Map.Entry<String, String> e : row.entrySet()) {
      if (e.getKey().replace("\uFEFF", "").trim().equalsIgnoreCase(column)) {
        String v = e.getValue().trim();
        return v.isEmpty() || v.equalsIgnoreCase("null") ? null : v;
      }
    }
    return null;
  }

  private static double csvNumber(Map<String, String> row, String column) {
    String v = csv(row, column);
    return v == null ? Double.NaN : Double.parseDouble(v);
  }

  private static long csvTime(Map<String, String> row, String column) {
    String v = csv(row, column);
    return v == null ? -1 : Instant.parse(v).toEpochMilli();
  }

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private record Row(String file, int index, Map<String, String> values) {}

  private static List<Row> exampleRows() {
    List<Row> rows = new ArrayList<>();
    for (String file : Samples.list(EXAMPLES, ".csv")) {
      List<Map<String, String>> r = Samples.csv(file);
      for (int i = 0; i < r.size(); i++) {
        rows.add(new Row(file, i, r.get(i)));
      }
    }
    return rows;
  }

  // ---------------------------------------------------------------- the FOCUS 1.2 examples

  @Test
  void allExampleFilesAreRead() {
    assertThat(Samples.list(EXAMPLES, ".csv")).hasSize(26);
    assertThat(exampleRows()).hasSize(81);
  }

  /**
   * The commitment-discount examples use ISO-8601 timestamps: every row parses and matches its CSV,
   * except two whose ChargePeriodEnd is {@code 2023-02-01T30:00:00Z} (hour 30), which are rejected.
   * The SaaS examples were saved through a spreadsheet: {@code M/d/yy} dates and {@code "$10,000.00
   * "} amounts. Ambiguous dates are not guessed (5/1/25 is 1 May or 5 January), so those rows are
   * rejected with invalid_value naming the column and the value.
   */
  @Test
  void everyExampleRowParsesOrIsRejectedForAStatedReason() throws Exception {
    int parsed = 0;
    int hour30 = 0;
    int slashDates = 0;
    for (Row row : exampleRows()) {
      Map<String, String> r = row.values();
      String where = row.file() + " row " + row.index();
      if (row.file().contains("/saas_examples/")) {
        assertThatThrownBy(() -> parse(r))
            .as(where)
            .isInstanceOfSatisfying(
                ParseException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
                  assertThat(e.detail())
                      .startsWith(
                          "ChargePeriodStart: not a timestamp: '" + csv(r, "ChargePeriodStart"));
                });
        slashDates++;
      } else if (r.containsValue("2023-02-01T30:00:00Z")) {
        assertThatThrownBy(() -> parse(r))
            .as(where)
            .isInstanceOfSatisfying(
                ParseException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
                  assertThat(e.detail()).contains("ChargePeriodEnd").contains("T30:00:00Z");
                });
        hour30++;
      } else {
        BillingLineItem b = parse(r);
        assertMatchesCsv(where, b, r);
        parsed++;
      }
    }
    assertThat(parsed).isEqualTo(23);
    assertThat(hour30).isEqualTo(2);
    assertThat(slashDates).isEqualTo(56);
  }

  /** Equal numbers, or both absent (NaN). */
  private static void assertSameNumber(String where, double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(where).isNaN();
    } else {
      assertThat(actual).as(where).isEqualTo(expected);
    }
  }

  private static void assertMatchesCsv(String where, BillingLineItem b, Map<String, String> r) {
    assertSameNumber(where + " BilledCost", b.billedCost, csvNumber(r, "BilledCost"));
    assertSameNumber(where + " EffectiveCost", b.effectiveCost, csvNumber(r, "EffectiveCost"));
    assertSameNumber(where + " ListCost", b.listCost, csvNumber(r, "ListCost"));
    assertSameNumber(
        where + " ConsumedQuantity", b.consumedQuantity, csvNumber(r, "ConsumedQuantity"));
    assertSameNumber(
        where + " PricingQuantity", b.pricingQuantity, csvNumber(r, "PricingQuantity"));
    assertThat(b.chargePeriodStart).as(where).isEqualTo(csvTime(r, "ChargePeriodStart"));
    assertThat(b.chargePeriodEnd).as(where).isEqualTo(csvTime(r, "ChargePeriodEnd"));
    assertThat(b.billingPeriodStart).as(where).isEqualTo(csvTime(r, "BillingPeriodStart"));
    assertThat(b.billingPeriodEnd).as(where).isEqualTo(csvTime(r, "BillingPeriodEnd"));
    assertThat(b.chargeCategory).as(where).isEqualTo(csv(r, "ChargeCategory"));
    assertThat(b.pricingCategory).as(where).isEqualTo(csv(r, "PricingCategory"));
    assertThat(b.resourceId).as(where).isEqualTo(csv(r, "ResourceId"));
    assertThat(b.skuId).as(where).isEqualTo(csv(r, "SkuId"));
    assertThat(b.skuPriceId).as(where).isEqualTo(csv(r, "SkuPriceId"));
    assertThat(b.consumedUnit).as(where).isEqualTo(csv(r, "ConsumedUnit"));
    assertThat(b.commitmentDiscountId).as(where).isEqualTo(csv(r, "CommitmentDiscountId"));
    assertThat(b.billingCurrency).as(where).isEqualTo("USD");
    assertThat(b.tags).as(where).isEmpty();
  }

  @Test
  void commitmentPurchaseAndCoveredUsage() throws Exception {
    List<Map<String, String>> rows =
        Samples.csv(
            EXAMPLES
                + "/commitment_discount_flexibility/"
                + "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv");
    assertThat(rows).hasSize(3);

    BillingLineItem purchase = parse(rows.get(0));
    assertThat(purchase.chargeCategory).isEqualTo("Purchase");
    assertThat(purchase.pricingCategory).isEqualTo("Standard");
    assertThat(purchase.billedCost).isEqualTo(0.50);
    assertThat(purchase.effectiveCost).isEqualTo(0.0);
    assertThat(purchase.listCost).isEqualTo(1.00);
    assertThat(purchase.consumedQuantity).as("literal null").isNaN();
    assertThat(purchase.consumedUnit).isNull();
    assertThat(purchase.skuId).isEqualTo("VM_SMALL");
    assertThat(purchase.skuPriceId)
        .as("column spelled SkuPriceid")
        .isEqualTo("VM_SMALL_COMMITTED_PURCHASE_NO_UPFRONT");
    assertThat(purchase.chargePeriodStart).isEqualTo(ms("2023-01-01T00:00:00Z"));
    assertThat(purchase.chargePeriodEnd).isEqualTo(ms("2023-01-01T01:00:00Z"));
    assertThat(purchase.billingPeriodStart).isEqualTo(ms("2023-01-01T00:00:00Z"));
    assertThat(purchase.billingPeriodEnd).isEqualTo(ms("2023-02-01T00:00:00Z"));

    BillingLineItem covered = parse(rows.get(1));
    assertThat(covered.chargeCategory).isEqualTo("Usage");
    assertThat(covered.pricingCategory).isEqualTo("Committed");
    assertThat(covered.resourceId).isEqualTo("<my-large-vm-id>");
    assertThat(covered.billedCost).isZero();
    assertThat(covered.effectiveCost).isEqualTo(0.50);
    assertThat(covered.pricingQuantity).isEqualTo(0.333);
    assertThat(covered.consumedQuantity).isEqualTo(1.0);
    assertThat(covered.consumedUnit).isEqualTo("Hour");
    assertThat(covered.commitmentDiscountId).isEqualTo("<my-commitment-discount-id>");

    BillingLineItem onDemand = parse(rows.get(2));
    assertThat(onDemand.pricingCategory).isEqualTo("Standard");
    assertThat(onDemand.billedCost).isEqualTo(2.25);
    assertThat(onDemand.commitmentDiscountId).isNull();
  }

  /**
   * The same SaaS row, once its {@code M/d/yy} dates are written as ISO dates, parses: the
   * byte-order mark on the first header column ({@code BilledCost}) is tolerated.
   */
  @Test
  void saasRowWithIsoDatesParsesDespiteTheByteOrderMark() throws Exception {
    Map<String, String> row =
        Samples.csv(EXAMPLES + "/saas_examples/virtual_currency_pricing_model_a1.csv").get(0);
    assertThat(row.keySet().iterator().next()).isEqualTo("\uFEFFBilledCost");
    DateTimeFormatter us = DateTimeFormatter.ofPattern("M/d/yy", Locale.ROOT);
    Map<String, String> iso = new LinkedHashMap<>(row);
    for (String col :
        List.of("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd")) {
      iso.put(col, LocalDate.parse(row.get(col), us).toString());
    }
    BillingLineItem b = parse(iso);
    assertThat(b.billedCost).isEqualTo(200000.00);
    assertThat(b.contractedCost).isEqualTo(200000.00);
    assertThat(b.effectiveCost).isZero();
    assertThat(b.chargeCategory).isEqualTo("Purchase");
    assertThat(b.billingAccountId).isEqualTo("12345");
    assertThat(b.resourceId).isEqualTo("abcde");
    assertThat(b.resourceType).isEqualTo("Token Allocation");
    assertThat(b.serviceName).isEqualTo("ACMECORP SERVICE");
    assertThat(b.pricingUnit).isEqualTo("Token");
    assertThat(b.pricingQuantity).isEqualTo(100000.0);
    assertThat(b.chargePeriodStart)
        .isEqualTo(
            LocalDate.of(2025, 4, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    assertThat(b.chargePeriodEnd)
        .isEqualTo(
            LocalDate.of(2026, 4, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
  }

  /** Spreadsheet-formatted money is not a number: rejected, not guessed. */
  @Test
  void formattedAmountsAreRejected() throws Exception {
    Map<String, String> row =
        Samples.csv(EXAMPLES + "/saas_examples/simple_agreements/simple_saas_agreements_a1.csv")
            .get(0);
    assertThat(row.get("BilledCost")).isEqualTo("$10,000.00 ");
    Map<String, String> iso = new LinkedHashMap<>(row);
    iso.put("ChargePeriodStart", "2025-04-01T00:00:00Z");
    iso.put("ChargePeriodEnd", "2026-04-01T00:00:00Z");
    iso.put("BillingPeriodStart", "2025-04-01T00:00:00Z");
    iso.put("BillingPeriodEnd", "2025-05-01T00:00:00Z");
    assertThatThrownBy(() -> parse(iso))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE);
              assertThat(e.detail()).contains("BilledCost").contains("$10,000.00");
            });
  }

  // ---------------------------------------------------------------- messy exports

  private static final String BASE =
      "\"ChargePeriodStart\":\"2025-03-01T10:00:00Z\",\"ChargePeriodEnd\":\"2025-03-01T11:00:00Z\"";

  @Test
  void literalNullIsAbsent() throws Exception {
    BillingLineItem b =
        parse(
            "{"
                + BASE
                + ",\"BilledCost\":\"3.06\",\"EffectiveCost\":\"NULL\",\"ListCost\":\"null\","
                + "\"ResourceId\":\"NULL\",\"PricingCategory\":\"NULL\",\"Tags\":\"NULL\","
                + "\"BillingPeriodEnd\":\"\\\\N\",\"RegionId\":\"\"}");
    assertThat(b.billedCost).isEqualTo(3.06);
    assertThat(b.effectiveCost).isNaN();
    assertThat(b.listCost).isNaN();
    assertThat(b.resourceId).isNull();
    assertThat(b.pricingCategory).isNull();
    assertThat(b.tags).isEmpty();
    assertThat(b.billingPeriodEnd).isEqualTo(-1);
    assertThat(b.regionId).isNull();
  }

  @Test
  void spaceSeparatedAndOtherTimestampShapes() throws Exception {
    BillingLineItem b =
        parse(
            "{\"ChargePeriodStart\":\"2025-03-01 10:00:00\",\"ChargePeriodEnd\":"
                + "\"2025-03-01 11:00:00 UTC\",\"BillingPeriodStart\":\"2025-03-01\","
                + "\"BillingPeriodEnd\":\"2025-04-01T00:00:00.000+00:00\",\"BilledCost\":1}");
    assertThat(b.chargePeriodStart).isEqualTo(ms("2025-03-01T10:00:00Z"));
    assertThat(b.chargePeriodEnd).isEqualTo(ms("2025-03-01T11:00:00Z"));
    assertThat(b.billingPeriodStart).isEqualTo(ms("2025-03-01T00:00:00Z"));
    assertThat(b.billingPeriodEnd).isEqualTo(ms("2025-04-01T00:00:00Z"));
  }

  @Test
  void lowerCaseAndPaddedColumnNames() throws Exception {
    BillingLineItem b =
        parse(
            "{\"chargeperiodstart\":\"2025-03-01T10:00:00Z\",\"CHARGEPERIODEND\":"
                + "\"2025-03-01T11:00:00Z\",\" billedcost \":\"32.77\",\"\\uFEFFresourceid\":"
                + "\"i-0abc123\",\"chargecategory\":\"usage\",\"pricingcategory\":\"dynamic\","
                + "\"billingcurrency\":\"eur\"}");
    assertThat(b.billedCost).isEqualTo(32.77);
    assertThat(b.resourceId).isEqualTo("i-0abc123");
    assertThat(b.chargeCategory).isEqualTo("Usage");
    assertThat(b.pricingCategory).isEqualTo("Dynamic");
    assertThat(b.billingCurrency).isEqualTo("EUR");
  }

  @Test
  void defaultsWhenOptionalColumnsAreAbsent() throws Exception {
    BillingLineItem b = parse("{" + BASE + ",\"BilledCost\":0}");
    assertThat(b.chargeCategory).isEqualTo("Usage");
    assertThat(b.pricingCategory).isNull();
    assertThat(b.billingCurrency).isEqualTo("USD");
    assertThat(b.billingPeriodStart).isEqualTo(b.chargePeriodStart);
    assertThat(b.billingPeriodEnd).isEqualTo(-1);
    assertThat(b.effectiveCost).isNaN();
  }

  @Test
  void unknownChargeCategoryRejected() {
    assertThat(reason("{" + BASE + ",\"BilledCost\":1,\"ChargeCategory\":\"Refund\"}"))
        .isEqualTo(Reasons.UNKNOWN_ENUM);
    assertThat(reason("{" + BASE + ",\"BilledCost\":1,\"PricingCategory\":\"Spot\"}"))
        .isEqualTo(Reasons.UNKNOWN_ENUM);
  }

  @Test
  void negativeCreditKept() throws Exception {
    BillingLineItem b =
        parse("{" + BASE + ",\"BilledCost\":\"-12.50\",\"ChargeCategory\":\"Credit\"}");
    assertThat(b.billedCost).isEqualTo(-12.5);
    assertThat(b.chargeCategory).isEqualTo("Credit");
  }

  @Test
  void missingBilledCostRejected() {
    assertThat(reason("{" + BASE + ",\"EffectiveCost\":1}")).isEqualTo(Reasons.MISSING_FIELD);
    assertThat(reason("{" + BASE + ",\"BilledCost\":\"NULL\"}")).isEqualTo(Reasons.MISSING_FIELD);
    assertThat(reason("{" + BASE + ",\"BilledCost\":null}")).isEqualTo(Reasons.MISSING_FIELD);
  }

  @Test
  void missingChargePeriodRejected() {
    assertThat(reason("{\"ChargePeriodStart\":\"2025-03-01T10:00:00Z\",\"BilledCost\":1}"))
        .isEqualTo(Reasons.MISSING_FIELD);
  }

  @Test
  void chargePeriodEndingBeforeItStartsRejected() {
    assertThat(
            reason(
                "{\"ChargePeriodStart\":\"2025-03-01T11:00:00Z\","
                    + "\"ChargePeriodEnd\":\"2025-03-01T10:00:00Z\",\"BilledCost\":1}"))
        .isEqualTo(Reasons.INVALID_VALUE);
  }

  @Test
  void badNumbersAndCurrencyRejected() {
    assertThat(reason("{" + BASE + ",\"BilledCost\":\"NaN\"}")).isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason("{" + BASE + ",\"BilledCost\":\"1,5\"}")).isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason("{" + BASE + ",\"BilledCost\":1,\"ListCost\":\"n/a\"}"))
        .isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason("{" + BASE + ",\"BilledCost\":1,\"BillingCurrency\":\"EURO\"}"))
        .isEqualTo(Reasons.INVALID_VALUE);
  }

  @Test
  void tagsAsObjectOrJsonString() throws Exception {
    BillingLineItem a =
        parse("{" + BASE + ",\"BilledCost\":1,\"Tags\":{\"team\":\"ml-infra\",\"env\":\"prod\"}}");
    assertThat(a.tags).isEqualTo(Map.of("team", "ml-infra", "env", "prod"));
    BillingLineItem b =
        parse("{" + BASE + ",\"BilledCost\":1,\"Tags\":\"{\\\"team\\\":\\\"ml-infra\\\"}\"}");
    assertThat(b.tags).isEqualTo(Map.of("team", "ml-infra"));
    assertThat(reason("{" + BASE + ",\"BilledCost\":1,\"Tags\":\"team=ml-infra\"}"))
        .isEqualTo(Reasons.INVALID_VALUE);
    assertThat(reason("{" + BASE + ",\"BilledCost\":1,\"Tags\":\"[1]\"}"))
        .isEqualTo(Reasons.INVALID_VALUE);
  }

  @Test
  void extraColumnsIgnored() throws Exception {
    BillingLineItem b =
        parse(
            "{"
                + BASE
                + ",\"BilledCost\":1,\"x_CommitmentDiscountUnitPrice\":\"0.50\","
                + "\"x_Nested\":{\"a\":[1]},\"lineItem/UsageType\":\"BoxUsage:p4d.24xlarge\"}");
    assertThat(b.billedCost).isEqualTo(1.0);
  }

  @Test
  void malformedPayloads() {
    assertThat(reason("[{\"BilledCost\":1}]")).isEqualTo(Reasons.INVALID_JSON);
    assertThat(reason("{\"BilledCost\":")).isEqualTo(Reasons.INVALID_JSON);
    assertThat(reason("BilledCost,ChargePeriodStart")).isEqualTo(Reasons.INVALID_JSON);
    assertThat(reason("")).isEqualTo(Reasons.EMPTY);
  }
}
