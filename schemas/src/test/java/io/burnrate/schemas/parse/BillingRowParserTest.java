package io.burnrate.schemas.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.schemas.Samples;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** FOCUS 1.2/1.3, AWS CUR 2.0 and legacy CUR rows through the one billing entry point. */
class BillingRowParserTest {
  private static final String FOCUS_12 = "samples/billing/focus-spec-v1.2-examples";
  private static final String CUR2 = "samples/billing/cur2/cur2-constructed-2026-03.csv";
  private static final String KOKU = "samples/billing/koku-legacy-cur-fixtures";

  private final BillingRowParser parser = new BillingRowParser();

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  /** Parses every row of a CSV sample; returns parsed rows and reasons of rejected rows. */
  private record Outcome(List<BillingLineItem> parsed, Map<Integer, ParseException> rejected) {
    int total() {
      return parsed.size() + rejected.size();
    }
  }

  private Outcome parseAll(String resource, BillingFormat expected) {
    List<List<String>> records = Samples.csvRecords(resource);
    List<String> names = records.get(0);
    List<List<String>> rows = records.subList(1, records.size());
    BillingFormat f = BillingFormat.detect(names);
    assertThat(f).as(resource).isEqualTo(expected);
    BillingHeader header = new BillingHeader(names, f);
    List<BillingLineItem> parsed = new ArrayList<>();
    Map<Integer, ParseException> rejected = new TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      try {
        parsed.add(parser.parse(header, rows.get(i).toArray()));
      } catch (ParseException e) {
        rejected.put(i + 1, e);
      }
    }
    assertThat(parsed.size() + rejected.size())
        .as(resource + ": no row lost")
        .isEqualTo(rows.size());
    return new Outcome(parsed, rejected);
  }

  // ---------------------------------------------------------------- format detection

  @Test
  void formatsAreToldApartByTheirColumns() {
    String focus13 = Samples.text("samples/billing/focus-1.3-costandusage-header.csv").trim();
    List<String> cols13 = Arrays.stream(focus13.split(",")).map(c -> c.replace("\"", "")).toList();
    assertThat(BillingFormat.detect(cols13)).isEqualTo(BillingFormat.FOCUS_1_3);
    assertThat(BillingFormat.detect(List.of("\uFEFFBilledCost", "ChargePeriodStart")))
        .isEqualTo(BillingFormat.FOCUS_1_2);
    assertThat(BillingFormat.detect(List.of("LINE_ITEM_UNBLENDED_COST", "bill_payer_account_id")))
        .isEqualTo(BillingFormat.CUR_2_0);
    assertThat(BillingFormat.detect(List.of("lineItem/UnblendedCost", "bill/PayerAccountId")))
        .isEqualTo(BillingFormat.CUR_LEGACY);
    assertThat(BillingFormat.detect(List.of("timestamp", "value"))).isNull();
    assertThat(BillingFormat.byId("CUR-2.0")).isEqualTo(BillingFormat.CUR_2_0);
  }

  @Test
  void legacyCurNamesBecomeCur2Names() {
    assertThat(BillingHeader.legacyCurKey("lineItem/UsageStartDate"))
        .isEqualTo("line_item_usage_start_date");
    assertThat(BillingHeader.legacyCurKey("reservation/ReservationARN"))
        .isEqualTo("reservation_reservation_a_r_n");
    assertThat(BillingHeader.legacyCurKey("savingsPlan/SavingsPlanEffectiveCost"))
        .isEqualTo("savings_plan_savings_plan_effective_cost");
    assertThat(BillingHeader.legacyCurKey("pricing/publicOnDemandCost"))
        .isEqualTo("pricing_public_on_demand_cost");
  }

  @Test
  void unknownColumnsAreAnUnknownFormat() {
    BillingHeader h = new BillingHeader(List.of("timestamp", "value"), null);
    assertThatThrownBy(() -> parser.parse(h, new Object[] {"2026-01-01", "1"}))
        .isInstanceOfSatisfying(
            ParseException.class, e -> assertThat(e.reason()).isEqualTo(Reasons.UNKNOWN_FORMAT));
  }

  // ---------------------------------------------------------------- FOCUS

  /** The 81 spec example rows: 23 parse, 58 are rejected for a stated reason, none is lost. */
  @Test
  void focus12ExamplesAllAccountedFor() {
    int parsed = 0;
    int rejected = 0;
    for (String file : Samples.list(FOCUS_12, ".csv")) {
      Outcome o = parseAll(file, BillingFormat.FOCUS_1_2);
      parsed += o.parsed().size();
      rejected += o.rejected().size();
      o.parsed().forEach(b -> assertThat(b.sourceFormat).isEqualTo("focus-1.2"));
      o.rejected().values().forEach(e -> assertThat(e.reason()).isEqualTo(Reasons.INVALID_VALUE));
    }
    assertThat(parsed).isEqualTo(23);
    assertThat(rejected).isEqualTo(58);
  }

  @Test
  void focus13RowWithEveryColumn() throws Exception {
    String header = Samples.text("samples/billing/focus-1.3-costandusage-header.csv").trim();
    Map<String, String> row = new LinkedHashMap<>();
    for (String c : header.split(",")) {
      row.put(c.replace("\"", ""), "NULL");
    }
    row.put("BilledCost", "24.5");
    row.put("EffectiveCost", "20.25");
    row.put("ListCost", "32.77");
    row.put("BillingAccountId", "ba-1");
    row.put("BillingPeriodStart", "2026-03-01T00:00:00Z");
    row.put("BillingPeriodEnd", "2026-04-01T00:00:00Z");
    row.put("ChargePeriodStart", "2026-03-02 10:00:00");
    row.put("ChargePeriodEnd", "2026-03-02T11:00:00Z");
    row.put("ChargeCategory", "usage");
    row.put("ChargeFrequency", "usage-based");
    row.put("ChargeClass", "");
    row.put("PricingCategory", "Committed");
    row.put("CommitmentDiscountStatus", "Used");
    row.put("ServiceProviderName", "Microsoft");
    row.put("ProviderName", "Microsoft (deprecated)");
    row.put("InvoiceId", "inv-7");
    row.put("ResourceId", "/subscriptions/s/vm-gpu-1");
    row.put("Tags", "{\"team\":\"vision\"}");
    BillingLineItem b = parser.parse(row, null);
    assertThat(b.sourceFormat).isEqualTo("focus-1.3");
    assertThat(b.billedCost).isEqualTo(24.5);
    assertThat(b.effectiveCost).isEqualTo(20.25);
    assertThat(b.chargeCategory).isEqualTo("Usage");
    assertThat(b.chargeFrequency).isEqualTo("Usage-Based");
    assertThat(b.chargeClass).isNull();
    assertThat(b.commitmentDiscountStatus).isEqualTo("Used");
    assertThat(b.providerName).isEqualTo("Microsoft");
    assertThat(b.invoiceId).isEqualTo("inv-7");
    assertThat(b.chargePeriodStart).isEqualTo(ms("2026-03-02T10:00:00Z"));
    assertThat(b.tags).containsEntry("team", "vision");
    assertThat(b.billingAccountSlice).isEqualTo("ba-1/2026-03");
    assertThat(b.consumedQuantity).isNaN();

    row.put("ChargeFrequency", "Hourly");
    assertThatThrownBy(() -> parser.parse(row, null))
        .isInstanceOfSatisfying(
            ParseException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reasons.UNKNOWN_ENUM);
              assertThat(e.detail()).contains("ChargeFrequency").contains("Hourly");
            });
  }

  // ---------------------------------------------------------------- CUR 2.0

  @Test
  void cur2ConstructedMonthAllAccountedFor() {
    Outcome o = parseAll(CUR2, BillingFormat.CUR_2_0);
    assertThat(o.total()).isEqualTo(20);
    assertThat(o.parsed()).hasSize(13);
    Map<Integer, String> reasons = new TreeMap<>();
    o.rejected().forEach((row, e) -> reasons.put(row, e.reason()));
    assertThat(reasons)
        .containsExactly(
            Map.entry(14, Reasons.UNKNOWN_ENUM),
            Map.entry(15, Reasons.INVALID_VALUE),
            Map.entry(16, Reasons.INVALID_VALUE),
            Map.entry(17, Reasons.MISSING_FIELD),
            Map.entry(18, Reasons.MISSING_FIELD),
            Map.entry(19, Reasons.UNKNOWN_ENUM),
            Map.entry(20, Reasons.INVALID_VALUE));
    assertThat(o.rejected().get(14).detail()).contains("line_item_line_item_type", "Mystery");
    assertThat(o.rejected().get(18).detail()).contains("savings_plan_savings_plan_effective_cost");
    assertThat(o.rejected().get(20).detail()).contains("resource_tags");
  }

  @Test
  void cur2MapsOntoFocusLikeAwsFocusExport() {
    List<BillingLineItem> rows = parseAll(CUR2, BillingFormat.CUR_2_0).parsed();
    BillingLineItem onDemand = rows.get(0);
    assertThat(onDemand.sourceFormat).isEqualTo("cur-2.0");
    assertThat(onDemand.billingAccountId).isEqualTo("111122223333");
    assertThat(onDemand.subAccountId).isEqualTo("444455556666");
    assertThat(onDemand.billingAccountSlice).isEqualTo("111122223333/2026-03");
    assertThat(onDemand.billingPeriodStart).isEqualTo(ms("2026-03-01T00:00:00Z"));
    assertThat(onDemand.billingPeriodEnd).isEqualTo(ms("2026-04-01T00:00:00Z"));
    assertThat(onDemand.chargePeriodStart).isEqualTo(ms("2026-03-01T00:00:00Z"));
    assertThat(onDemand.chargePeriodEnd).isEqualTo(ms("2026-03-01T01:00:00Z"));
    assertThat(onDemand.billedCost).isEqualTo(32.7726);
    assertThat(onDemand.effectiveCost).isEqualTo(32.7726);
    assertThat(onDemand.listCost).isEqualTo(32.7726);
    assertThat(onDemand.chargeCategory).isEqualTo("Usage");
    assertThat(onDemand.pricingCategory).isEqualTo("Standard");
    assertThat(onDemand.chargeFrequency).isEqualTo("Usage-Based");
    assertThat(onDemand.resourceId).isEqualTo("i-0gpu000000000001");
    assertThat(onDemand.instanceType).isEqualTo("p4d.24xlarge");
    assertThat(onDemand.usageType).isEqualTo("USE1-BoxUsage:p4d.24xlarge");
    assertThat(onDemand.lineItemType).isEqualTo("Usage");
    assertThat(onDemand.regionId).isEqualTo("us-east-1");
    assertThat(onDemand.availabilityZone).isEqualTo("us-east-1a");
    assertThat(onDemand.consumedQuantity).isEqualTo(1.0);
    assertThat(onDemand.consumedUnit).isEqualTo("Hrs");
    assertThat(onDemand.providerName).isEqualTo("AWS");
    assertThat(onDemand.serviceName).isEqualTo("AmazonEC2");
    assertThat(onDemand.tags).isEqualTo(Map.of("user_team", "ml-infra", "user_project", "llm"));

    BillingLineItem spot = rows.get(1);
    assertThat(spot.pricingCategory).isEqualTo("Dynamic");
    assertThat(spot.listCost).isEqualTo(1.006);

    BillingLineItem covered = rows.get(2);
    assertThat(covered.billedCost).isEqualTo(98.32);
    assertThat(covered.effectiveCost).isEqualTo(63.9);
    assertThat(covered.pricingCategory).isEqualTo("Committed");
    assertThat(covered.commitmentDiscountId).startsWith("arn:aws:savingsplans");
    assertThat(covered.commitmentDiscountCategory).isEqualTo("Spend");

    BillingLineItem negation = rows.get(3);
    assertThat(negation.billedCost).isEqualTo(-98.32);
    assertThat(negation.effectiveCost).isZero();
    assertThat(negation.chargeCategory).isEqualTo("Usage");

    BillingLineItem spFee = rows.get(4);
    assertThat(spFee.chargeCategory).isEqualTo("Purchase");
    assertThat(spFee.chargeFrequency).isEqualTo("Recurring");
    assertThat(spFee.effectiveCost).isCloseTo(6.1, within(1e-9));
    assertThat(spFee.pricingCategory).isNull();
    assertThat(spFee.resourceId).as("no resource: shared, still valid").isNull();

    BillingLineItem ri = rows.get(5);
    assertThat(ri.billedCost).isZero();
    assertThat(ri.effectiveCost).isEqualTo(3.4);
    assertThat(ri.pricingCategory).isEqualTo("Committed");
    assertThat(ri.commitmentDiscountCategory).isEqualTo("Usage");

    BillingLineItem riFee = rows.get(6);
    assertThat(riFee.chargeCategory).isEqualTo("Purchase");
    assertThat(riFee.effectiveCost).isCloseTo(0.5, within(1e-9));

    assertThat(rows.get(7).chargeCategory).isEqualTo("Tax");
    assertThat(rows.get(7).tags).isEmpty();
    BillingLineItem credit = rows.get(8);
    assertThat(credit.chargeCategory).isEqualTo("Credit");
    assertThat(credit.billedCost).isEqualTo(-25.0);
    assertThat(credit.effectiveCost).isEqualTo(-25.0);
    assertThat(rows.get(9).chargeCategory).isEqualTo("Credit");
    assertThat(rows.get(9).billedCost).isEqualTo(-3.5);
    assertThat(rows.get(10).chargeCategory).isEqualTo("Credit");

    BillingLineItem messy = rows.get(11);
    assertThat(messy.lineItemType).isEqualTo("Usage");
    assertThat(messy.chargePeriodStart).isEqualTo(ms("2026-03-01T02:00:00Z"));
    assertThat(messy.resourceId).isNull();
    assertThat(messy.pricingCategory).isEqualTo("Standard");
    assertThat(messy.tags).isEmpty();

    BillingLineItem support = rows.get(12);
    assertThat(support.chargeCategory).isEqualTo("Purchase");
    assertThat(support.chargeFrequency).isEqualTo("One-Time");
    assertThat(support.effectiveCost).isEqualTo(100.0);

    // totals: the invoice (BilledCost) and the amortised view (EffectiveCost)
    double billed = rows.stream().mapToDouble(b -> b.billedCost).sum();
    double effective = rows.stream().mapToDouble(b -> b.effectiveCost).sum();
    assertThat(billed)
        .isCloseTo(
            32.7726 + 0.4024 + 98.32 - 98.32 + 70.0 + 0 + 3.9 + 12.34 - 25.0 - 3.5 - 1.25 + 0.0115
                + 100.0,
            within(1e-9));
    assertThat(effective)
        .isCloseTo(
            32.7726 + 0.4024 + 63.9 + 6.1 + 3.4 + 0.5 + 12.34 - 25.0 - 3.5 - 1.25 + 0.0115 + 100.0,
            within(1e-9));
  }

  @Test
  void cur2RowFromParquetTypes() throws Exception {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("line_item_line_item_type", "Usage");
    row.put("line_item_usage_start_date", Instant.parse("2026-03-05T07:00:00Z"));
    row.put("line_item_usage_end_date", Instant.parse("2026-03-05T08:00:00Z"));
    row.put("line_item_unblended_cost", 12.5d);
    row.put("pricing_term", "OnDemand");
    row.put("resource_tags", Map.of("user_team", "search"));
    row.put("bill_payer_account_id", null);
    BillingLineItem b = parser.parse(row, null);
    assertThat(b.billedCost).isEqualTo(12.5);
    assertThat(b.chargePeriodStart).isEqualTo(ms("2026-03-05T07:00:00Z"));
    assertThat(b.billingPeriodStart)
        .as("month of the charge")
        .isEqualTo(ms("2026-03-01T00:00:00Z"));
    assertThat(b.billingAccountSlice).isEqualTo("-/2026-03");
    assertThat(b.tags).containsEntry("user_team", "search");
  }

  @Test
  void cur2JsonRowOnTheTopic() throws Exception {
    String json =
        "{\"line_item_line_item_type\":\"Credit\",\"line_item_usage_start_date\":"
            + "\"2026-03-01T00:00:00Z\",\"line_item_usage_end_date\":\"2026-03-01T01:00:00Z\","
            + "\"line_item_unblended_cost\":-7.5,\"bill_payer_account_id\":\"111122223333\"}";
    BillingLineItem b = parser.parseJson(json.getBytes(StandardCharsets.UTF_8));
    assertThat(b.sourceFormat).isEqualTo("cur-2.0");
    assertThat(b.chargeCategory).isEqualTo("Credit");
    assertThat(b.billedCost).isEqualTo(-7.5);
  }

  @Test
  void focusJsonWrittenByBurnrateKeepsItsProvenance() throws Exception {
    String json =
        "{\"ChargePeriodStart\":\"2026-03-01T00:00:00Z\",\"ChargePeriodEnd\":"
            + "\"2026-03-01T01:00:00Z\",\"BilledCost\":1.25,\"x_SourceFormat\":\"cur-2.0\","
            + "\"x_DeliveryId\":\"d-1\",\"x_DeliveredAt\":\"2026-03-02T06:00:00Z\","
            + "\"x_SourceObject\":\"s3://b/k.parquet\",\"x_SourceRow\":42,"
            + "\"x_InstanceType\":\"p5.48xlarge\"}";
    BillingLineItem b = new FocusRowParser().parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(b.sourceFormat).isEqualTo("cur-2.0");
    assertThat(b.deliveryId).isEqualTo("d-1");
    assertThat(b.deliveredAt).isEqualTo(ms("2026-03-02T06:00:00Z"));
    assertThat(b.sourceObject).isEqualTo("s3://b/k.parquet");
    assertThat(b.sourceRow).isEqualTo(42);
    assertThat(b.instanceType).isEqualTo("p5.48xlarge");
  }

  // ---------------------------------------------------------------- legacy CUR (real fixtures)

  @Test
  void legacyCurFixturesAllParse() {
    Outcome alt = parseAll(KOKU + "/2022-07-01-alt-columns.csv", BillingFormat.CUR_2_0);
    assertThat(alt.parsed()).hasSize(2);
    assertThat(alt.parsed().get(0).tags).containsEntry("aws_created_by", "IAMUser:fake:and");
    assertThat(alt.parsed().get(0).chargePeriodStart).isEqualTo(ms("2022-07-01T00:00:00Z"));

    Outcome sp = parseAll(KOKU + "/2023-06-01.csv", BillingFormat.CUR_LEGACY);
    assertThat(sp.parsed()).hasSize(3);
    BillingLineItem covered = sp.parsed().get(0);
    assertThat(covered.sourceFormat).isEqualTo("cur-legacy");
    assertThat(covered.billingCurrency).isEqualTo("NOK");
    assertThat(covered.billedCost).isEqualTo(10.0);
    assertThat(covered.effectiveCost).isEqualTo(0.1);
    assertThat(covered.pricingCategory).isEqualTo("Committed");
    assertThat(covered.billingAccountSlice).isEqualTo("0099999999999/2023-06");

    Outcome notFinal = parseAll(KOKU + "/2023-06-01-not-final.csv", BillingFormat.CUR_LEGACY);
    assertThat(notFinal.parsed()).hasSize(3);
    assertThat(notFinal.parsed()).allMatch(b -> b.invoiceId == null);

    Outcome ec2 = parseAll(KOKU + "/test_cur.csv", BillingFormat.CUR_LEGACY);
    assertThat(ec2.parsed()).hasSize(19);
    assertThat(ec2.parsed().get(0).billedCost).isEqualTo(0.00165303109242778);
  }

  private static BillingLineItem focusJson(String category, String chargeClass, String extra)
      throws ParseException {
    String json =
        "{\"BillingPeriodStart\":\"2026-03-01T00:00:00Z\",\"ChargePeriodStart\":"
            + "\"2026-03-04T00:00:00Z\",\"ChargePeriodEnd\":\"2026-03-05T00:00:00Z\","
            + "\"ChargeCategory\":\""
            + category
            + "\""
            + (chargeClass == null ? "" : ",\"ChargeClass\":\"" + chargeClass + "\"")
            + ","
            + extra
            + "}";
    return new BillingRowParser().parseJson(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void negativeUsageIsKeptAndClassifiedNotDeadLettered() throws Exception {
    // the shape an Azure FOCUS export gives a refund of usage within the billing period:
    // ChargeCategory Usage, ChargeClass null, negative quantity and cost
    BillingLineItem refund =
        focusJson(
            "Usage",
            null,
            "\"BilledCost\":-12.5,\"EffectiveCost\":-12.5,\"ConsumedQuantity\":-4,"
                + "\"PricingQuantity\":-4,\"ResourceId\":\"/subscriptions/s/resourcegroups/rg/"
                + "providers/microsoft.compute/virtualmachines/gpu-vm-01\"");
    assertThat(refund.billedCost).isEqualTo(-12.5);
    assertThat(refund.consumedQuantity).isEqualTo(-4);
    assertThat(refund.chargeKind).isEqualTo(BillingLineItem.ChargeKind.USAGE_REVERSAL);
    BillingLineItem corrected =
        focusJson("Usage", "Correction", "\"BilledCost\":-3,\"ConsumedQuantity\":-1");
    assertThat(corrected.chargeKind).isEqualTo(BillingLineItem.ChargeKind.CORRECTION);
    assertThat(focusJson("Usage", null, "\"BilledCost\":0,\"EffectiveCost\":0").chargeKind)
        .isEqualTo(BillingLineItem.ChargeKind.ZERO_COST);
    assertThat(focusJson("Usage", null, "\"BilledCost\":0,\"EffectiveCost\":1").chargeKind)
        .isEqualTo(BillingLineItem.ChargeKind.USAGE); // covered by a commitment
    assertThat(focusJson("Usage", null, "\"BilledCost\":2").chargeKind).isEqualTo("usage");
    assertThat(focusJson("Credit", null, "\"BilledCost\":-2").chargeKind).isEqualTo("credit");
    assertThat(focusJson("Tax", null, "\"BilledCost\":2").chargeKind).isEqualTo("tax");
    assertThat(focusJson("Purchase", null, "\"BilledCost\":2").chargeKind).isEqualTo("purchase");
    assertThat(
            focusJson(
                    "Adjustment",
                    null,
                    "\"BilledCost\":-0.01,\"ChargeDescription\":\"Rounding adjustment\"")
                .chargeKind)
        .isEqualTo("rounding");
    assertThat(focusJson("Adjustment", null, "\"BilledCost\":-5").chargeKind)
        .isEqualTo("adjustment");
  }

  @Test
  void aStreamedRowHasTheSameIdentityEveryTimeItIsSent() throws Exception {
    String extra = "\"BilledCost\":2.5,\"ResourceId\":\"i-0a1b2c3d4e5f67890\"";
    BillingLineItem a = focusJson("Usage", null, extra);
    BillingLineItem b = focusJson("Usage", null, extra);
    assertThat(a.rowId).isEqualTo(b.rowId).startsWith("sha256:");
    assertThat(focusJson("Usage", null, "\"BilledCost\":2.6,\"ResourceId\":\"i-0a1b\"").rowId)
        .isNotEqualTo(a.rowId);
    BillingLineItem fromFile =
        focusJson("Usage", null, extra + ",\"x_SourceObject\":\"s3://b/k.csv\",\"x_SourceRow\":7");
    assertThat(fromFile.rowId).isEqualTo("s3://b/k.csv#7");
    assertThat(focusJson("Usage", null, extra + ",\"x_RowId\":\"line-42\"").rowId)
        .isEqualTo("line-42");
  }
}
