package io.burnrate.connectors.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.connectors.iceberg.ExpectedRows;
import io.burnrate.connectors.iceberg.JsonRows;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.Alert;
import io.burnrate.schemas.model.CostAllocation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

/**
 * The one row path into the lake (both jobs): a record of an output topic, read into its table's
 * row, equals the row mapped field by field by hand (ExpectedRows, the tests' oracle), for every
 * output and its edge cases.
 */
class JsonRowsTest {
  private static final Map<String, String> NO_CLUSTER = Map.of("cluster", "");

  @Test
  void costWindowsRoundTrip() {
    JsonRows rows = new JsonRows(TableSchemas.WORKLOAD_WINDOWS_SCHEMA);
    for (var w :
        java.util.List.of(OutputJsonTest.fullWindow(), OutputJsonTest.unpricedIdleWindow())) {
      assertThat(rows.toRow(OutputJson.costWindow(w))).isEqualTo(ExpectedRows.window(w));
    }
  }

  @Test
  void costAllocationsRoundTripWithExactMoney() {
    CostAllocation a = OutputJsonTest.allocation();
    a.effectiveCost = null; // an estimate without a bill yet: nulls round-trip too
    a.billingDelivery = null;
    assertThat(
            new JsonRows(TableSchemas.COST_ALLOCATIONS_SCHEMA).toRow(OutputJson.costAllocation(a)))
        .isEqualTo(ExpectedRows.allocation(a));
    a = OutputJsonTest.allocation();
    JsonRows rows = new JsonRows(TableSchemas.COST_ALLOCATIONS_SCHEMA);
    assertThat(rows.toRow(OutputJson.costAllocation(a))).isEqualTo(ExpectedRows.allocation(a));
  }

  @Test
  void alertsRoundTripFromTheirLabelsAnnotationsAndEvidence() {
    JsonRows rows = new JsonRows(TableSchemas.ALERTS_SCHEMA, NO_CLUSTER);
    for (String status : java.util.List.of("firing", "resolved")) {
      Alert a = OutputJsonTest.alert(status);
      assertThat(rows.toRow(OutputJson.alert(a))).isEqualTo(ExpectedRows.alert(a));
    }
    Alert global = OutputJsonTest.alert("firing"); // a global budget's alert: no cluster label
    global.labels.remove("cluster");
    global.labels.put("threshold", "50"); // a budget alert's label beside its evidence's number
    global.score = Double.NaN;
    RowData row = rows.toRow(OutputJson.alert(global));
    assertThat(row).isEqualTo(ExpectedRows.alert(global));
    assertThat(row.getString(5).toString()).isEmpty();
  }

  @Test
  void actionsAndBudgetStatusRoundTrip() {
    var a = OutputJsonTest.action();
    JsonRows actions = new JsonRows(TableSchemas.ACTIONS_SCHEMA, NO_CLUSTER);
    assertThat(actions.toRow(OutputJson.action(a))).isEqualTo(ExpectedRows.action(a));
    a.cluster = null; // a global budget's escalation
    a.resolvedAt = a.openedAt + 60_000;
    assertThat(actions.toRow(OutputJson.action(a))).isEqualTo(ExpectedRows.action(a));
    var b = OutputJsonTest.budgetStatus();
    b.projectedBreachAt = b.periodStart + 1_800_000;
    JsonRows status = new JsonRows(TableSchemas.BUDGET_STATUS_SCHEMA);
    assertThat(status.toRow(OutputJson.budgetStatus(b))).isEqualTo(ExpectedRows.budgetStatus(b));
  }

  @Test
  void whatDoesNotFitNamesTheColumnAndTheReason() {
    JsonRows rows = new JsonRows(TableSchemas.BUDGET_STATUS_SCHEMA);
    assertThatThrownBy(() -> rows.toRow("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            JsonRows.Invalid.class, e -> assertThat(e.reason).isEqualTo("invalid_json"));
    assertThatThrownBy(() -> rows.toRow("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            JsonRows.Invalid.class, e -> assertThat(e.reason).isEqualTo("missing_field"))
        .hasMessageContaining("budget_id");
    byte[] wrong =
        new String(OutputJson.budgetStatus(OutputJsonTest.budgetStatus()), StandardCharsets.UTF_8)
            .replace("\"amount\":100.0", "\"amount\":\"a lot\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> rows.toRow(wrong))
        .isInstanceOfSatisfying(
            JsonRows.Invalid.class, e -> assertThat(e.reason).isEqualTo("invalid_value"))
        .hasMessageStartingWith("amount: ");
  }

  @Test
  void decimalOverflowAndOutOfRangeTimestampsAreOutOfRangeNotNullOrWrapped() {
    JsonRows rows = new JsonRows(TableSchemas.COST_ALLOCATIONS_SCHEMA);
    String json = new String(OutputJson.costAllocation(OutputJsonTest.allocation()), UTF_8);
    // decimal(18,6): 12 integer digits at most
    byte[] fits =
        json.replaceFirst("\"cost\":[^,]+", "\"cost\":999999999999.999999").getBytes(UTF_8);
    assertThat(rows.toRow(fits)).isNotNull();
    byte[] over = json.replaceFirst("\"cost\":[^,]+", "\"cost\":1E+19").getBytes(UTF_8);
    assertThatThrownBy(() -> rows.toRow(over))
        .isInstanceOfSatisfying(
            JsonRows.Invalid.class, e -> assertThat(e.reason).isEqualTo("out_of_range"))
        .hasMessageStartingWith("cost: ")
        .hasMessageContaining("decimal(18,6)");
    // rounding to the scale can carry into a 13th integer digit
    byte[] carry =
        json.replaceFirst("\"cost\":[^,]+", "\"cost\":999999999999.9999996").getBytes(UTF_8);
    assertThatThrownBy(() -> rows.toRow(carry)).isInstanceOf(JsonRows.Invalid.class);
    // year +292278994 (Long.MAX_VALUE ms) overflows Iceberg's microseconds: would land as 1969
    byte[] far =
        json.replaceFirst(
                "\"hour_start\":\"[^\"]+\"", "\"hour_start\":\"+292278994-08-17T07:12:55.807Z\"")
            .getBytes(UTF_8);
    assertThatThrownBy(() -> rows.toRow(far))
        .isInstanceOfSatisfying(
            JsonRows.Invalid.class, e -> assertThat(e.reason).isEqualTo("out_of_range"))
        .hasMessageStartingWith("hour_start: ");
    assertThat(JsonRows.timestampUnfit(java.time.Instant.parse("9999-12-31T23:59:59Z"))).isNull();
    assertThat(JsonRows.timestampUnfit(java.time.Instant.parse("-0001-12-31T00:00:00Z")))
        .isNotNull();
  }

  @Test
  void billingRowsThatDoNotFitTheirColumnsAreNamed() {
    var b = new io.burnrate.schemas.model.BillingLineItem();
    b.chargePeriodStart = java.time.Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
    b.chargePeriodEnd = b.chargePeriodStart + 3_600_000;
    b.billingPeriodStart = b.chargePeriodStart;
    b.billedCost = 1e9;
    assertThat(io.burnrate.connectors.billing.BillingRowData.unfit(b)).isNull();
    assertThat(io.burnrate.connectors.billing.BillingRowData.of(b)).isNotNull();
    b.billedCost = 1e30; // decimal(38,12): 26 integer digits
    assertThat(io.burnrate.connectors.billing.BillingRowData.unfit(b))
        .startsWith("BilledCost: ")
        .contains("decimal(38,12)");
    assertThatThrownBy(() -> io.burnrate.connectors.billing.BillingRowData.of(b))
        .isInstanceOf(IllegalArgumentException.class);
    b.billedCost = 1;
    b.chargePeriodEnd = Long.MAX_VALUE;
    assertThat(io.burnrate.connectors.billing.BillingRowData.unfit(b))
        .startsWith("ChargePeriodEnd: ");
  }
}
