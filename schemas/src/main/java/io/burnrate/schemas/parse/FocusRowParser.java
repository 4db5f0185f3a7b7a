package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_JSON;
import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;
import static io.burnrate.schemas.model.DeadLetter.Reasons.MISSING_FIELD;
import static io.burnrate.schemas.model.DeadLetter.Reasons.UNKNOWN_ENUM;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.model.BillingLineItem;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses one FinOps FOCUS row sent as a JSON object on {@code burnrate.billing.focus}. Column names
 * are matched case-insensitively; the literal {@code NULL} counts as absent; timestamps may use a
 * space instead of {@code T}; extra columns are ignored. Required: {@code ChargePeriodStart},
 * {@code ChargePeriodEnd}, {@code BilledCost}. Negative costs are legitimate (credits, refunds) and
 * kept.
 */
public final class FocusRowParser {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** FOCUS ChargeCategory values. */
  public static final Set<String> CHARGE_CATEGORIES =
      Set.of("Usage", "Purchase", "Tax", "Credit", "Adjustment");

  /** FOCUS PricingCategory values. */
  public static final Set<String> PRICING_CATEGORIES =
      Set.of("Standard", "Dynamic", "Committed", "Other");

  public BillingLineItem parse(byte[] json) throws ParseException {
    GpuSampleParser.requireContent(json, "billing row");
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ParseException(
          INVALID_JSON, "invalid JSON: " + GpuSampleParser.firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ParseException(INVALID_JSON, "invalid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ParseException(INVALID_JSON, "billing row is not a JSON object");
    }
    Map<String, JsonNode> cols = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      cols.put(columnKey(e.getKey()), e.getValue());
    }
    return fromColumns(new ColumnSource(cols));
  }

  /**
   * The lookup key of a column name: lower case, without surrounding blanks or the byte-order mark
   * that a CSV header converted as-is keeps on its first column.
   */
  static String columnKey(String name) {
    String n = name;
    while (!n.isEmpty() && n.charAt(0) == '\uFEFF') {
      n = n.substring(1);
    }
    return n.trim().toLowerCase(Locale.ROOT);
  }

  /** Column access shared with file formats (CSV, Parquet) that arrive later. */
  public static final class ColumnSource {
    private final Map<String, JsonNode> cols;

    ColumnSource(Map<String, JsonNode> lowerCaseCols) {
      this.cols = lowerCaseCols;
    }

    String text(String column) {
      JsonNode v = cols.get(column.toLowerCase(Locale.ROOT));
      if (v == null || v.isNull() || v.isContainerNode()) {
        return null;
      }
      String s = v.asText().trim();
      return Values.isNullish(s) ? null : s;
    }

    JsonNode node(String column) {
      return cols.get(column.toLowerCase(Locale.ROOT));
    }
  }

  BillingLineItem fromColumns(ColumnSource c) throws ParseException {
    BillingLineItem b = new BillingLineItem();
    b.chargePeriodStart = requiredTime(c, "ChargePeriodStart");
    b.chargePeriodEnd = requiredTime(c, "ChargePeriodEnd");
    if (b.chargePeriodEnd < b.chargePeriodStart) {
      throw new ParseException(INVALID_VALUE, "ChargePeriodEnd: before ChargePeriodStart");
    }
    long bps = optionalTime(c, "BillingPeriodStart");
    b.billingPeriodStart = bps >= 0 ? bps : b.chargePeriodStart;
    b.billingPeriodEnd = optionalTime(c, "BillingPeriodEnd");
    String billed = c.text("BilledCost");
    if (billed == null) {
      throw new ParseException(MISSING_FIELD, "BilledCost: missing");
    }
    b.billedCost = Values.parseNumber("BilledCost", billed);
    b.effectiveCost = optionalNumber(c, "EffectiveCost");
    b.listCost = optionalNumber(c, "ListCost");
    b.contractedCost = optionalNumber(c, "ContractedCost");
    b.consumedQuantity = optionalNumber(c, "ConsumedQuantity");
    b.pricingQuantity = optionalNumber(c, "PricingQuantity");
    b.billingCurrency = c.text("BillingCurrency");
    if (b.billingCurrency == null) {
      b.billingCurrency = "USD";
    }
    b.billingCurrency = b.billingCurrency.toUpperCase(Locale.ROOT);
    if (!b.billingCurrency.matches("[A-Z]{3}")) {
      throw new ParseException(
          INVALID_VALUE, "BillingCurrency: not an ISO 4217 code: '" + b.billingCurrency + "'");
    }
    b.billingAccountId = c.text("BillingAccountId");
    b.subAccountId = c.text("SubAccountId");
    b.resourceId = c.text("ResourceId");
    b.resourceType = c.text("ResourceType");
    b.serviceName = c.text("ServiceName");
    b.serviceCategory = c.text("ServiceCategory");
    b.skuId = c.text("SkuId");
    b.skuPriceId = c.text("SkuPriceId");
    b.chargeDescription = c.text("ChargeDescription");
    b.regionId = c.text("RegionId");
    b.availabilityZone = c.text("AvailabilityZone");
    b.consumedUnit = c.text("ConsumedUnit");
    b.pricingUnit = c.text("PricingUnit");
    b.commitmentDiscountId = c.text("CommitmentDiscountId");
    b.chargeCategory = enumValue(c, "ChargeCategory", CHARGE_CATEGORIES, "Usage");
    b.pricingCategory = enumValue(c, "PricingCategory", PRICING_CATEGORIES, null);
    JsonNode tags = c.node("Tags");
    if (tags != null && tags.isObject()) {
      tags.fields().forEachRemaining(e -> b.tags.put(e.getKey(), e.getValue().asText()));
    } else if (tags != null && tags.isTextual() && !Values.isNullish(tags.asText().trim())) {
      try {
        JsonNode t = MAPPER.readTree(tags.asText());
        if (t == null || !t.isObject()) {
          throw new ParseException(INVALID_VALUE, "Tags: not a JSON object");
        }
        t.fields().forEachRemaining(e -> b.tags.put(e.getKey(), e.getValue().asText()));
      } catch (JsonProcessingException e) {
        throw new ParseException(INVALID_VALUE, "Tags: not a JSON object");
      }
    }
    return b;
  }

  private static String enumValue(ColumnSource c, String col, Set<String> allowed, String dflt)
      throws ParseException {
    String v = c.text(col);
    if (v == null) {
      return dflt;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    throw new ParseException(
        UNKNOWN_ENUM, col + ": '" + Values.abbreviate(v) + "' is not one of " + allowed);
  }

  private static long requiredTime(ColumnSource c, String col) throws ParseException {
    String v = c.text(col);
    if (v == null) {
      throw new ParseException(MISSING_FIELD, col + ": missing");
    }
    return Values.parseTimestamp(col, v);
  }

  private static long optionalTime(ColumnSource c, String col) throws ParseException {
    String v = c.text(col);
    return v == null ? -1 : Values.parseTimestamp(col, v);
  }

  private static double optionalNumber(ColumnSource c, String col) throws ParseException {
    String v = c.text(col);
    return v == null ? Double.NaN : Values.parseNumber(col, v);
  }
}
