package io.burnrate.connectors.billing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.burnrate.schemas.model.BillingLineItem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Billing rows as JSON: a parsed {@link BillingLineItem} with the FOCUS column names and the {@code
 * x_} columns (what {@code burnrate.billing.focus} carries and {@code BillingRowParser.parseJson}
 * reads back), and a raw file row as an object of its own columns (dead-letter payloads, and the
 * value of the records the file source emits).
 */
public final class BillingJson {
  private static final JsonFactory JSON = new JsonFactory();

  private BillingJson() {}

  public static byte[] item(BillingLineItem b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      time(g, "BillingPeriodStart", b.billingPeriodStart);
      time(g, "BillingPeriodEnd", b.billingPeriodEnd);
      time(g, "ChargePeriodStart", b.chargePeriodStart);
      time(g, "ChargePeriodEnd", b.chargePeriodEnd);
      num(g, "BilledCost", b.billedCost);
      num(g, "EffectiveCost", b.effectiveCost);
      num(g, "ListCost", b.listCost);
      num(g, "ContractedCost", b.contractedCost);
      str(g, "BillingCurrency", b.billingCurrency);
      str(g, "BillingAccountId", b.billingAccountId);
      str(g, "BillingAccountName", b.billingAccountName);
      str(g, "SubAccountId", b.subAccountId);
      str(g, "SubAccountName", b.subAccountName);
      str(g, "ChargeCategory", b.chargeCategory);
      str(g, "ChargeClass", b.chargeClass);
      str(g, "ChargeFrequency", b.chargeFrequency);
      str(g, "ChargeDescription", b.chargeDescription);
      str(g, "PricingCategory", b.pricingCategory);
      str(g, "ProviderName", b.providerName);
      str(g, "InvoiceId", b.invoiceId);
      str(g, "ResourceId", b.resourceId);
      str(g, "ResourceName", b.resourceName);
      str(g, "ResourceType", b.resourceType);
      str(g, "ServiceName", b.serviceName);
      str(g, "ServiceCategory", b.serviceCategory);
      str(g, "SkuId", b.skuId);
      str(g, "SkuPriceId", b.skuPriceId);
      str(g, "RegionId", b.regionId);
      str(g, "RegionName", b.regionName);
      str(g, "AvailabilityZone", b.availabilityZone);
      num(g, "ConsumedQuantity", b.consumedQuantity);
      str(g, "ConsumedUnit", b.consumedUnit);
      num(g, "PricingQuantity", b.pricingQuantity);
      str(g, "PricingUnit", b.pricingUnit);
      str(g, "CommitmentDiscountId", b.commitmentDiscountId);
      str(g, "CommitmentDiscountCategory", b.commitmentDiscountCategory);
      str(g, "CommitmentDiscountStatus", b.commitmentDiscountStatus);
      str(g, "CommitmentDiscountType", b.commitmentDiscountType);
      g.writeObjectFieldStart("Tags");
      for (Map.Entry<String, String> e : b.tags.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      str(g, "x_SourceFormat", b.sourceFormat);
      str(g, "x_DeliveryId", b.deliveryId);
      time(g, "x_DeliveredAt", b.deliveredAt);
      str(g, "x_SourceObject", b.sourceObject);
      if (b.sourceRow >= 0) {
        g.writeNumberField("x_SourceRow", b.sourceRow);
      }
      str(g, "x_BillingAccountSlice", b.billingAccountSlice);
      str(g, "x_InstanceType", b.instanceType);
      str(g, "x_UsageType", b.usageType);
      str(g, "x_LineItemType", b.lineItemType);
      str(g, "x_ChargeKind", b.chargeKind);
      str(g, "x_RowId", b.identity());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A file row as a JSON object of its columns; typed values keep their JSON types. */
  public static byte[] row(List<String> columns, Object[] values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (int i = 0; i < columns.size() && i < values.length; i++) {
        g.writeFieldName(columns.get(i));
        value(g, values[i]);
      }
      for (int i = columns.size(); i < values.length; i++) {
        g.writeFieldName("_extra_" + (i - columns.size() + 1));
        value(g, values[i]);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      g.writeString(d.toString());
    } else if (v instanceof Number n) {
      g.writeNumber(n.toString());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      g.writeString(v.toString());
    }
  }

  private static void str(JsonGenerator g, String name, String v) throws IOException {
    if (v != null) {
      g.writeStringField(name, v);
    }
  }

  private static void num(JsonGenerator g, String name, double v) throws IOException {
    if (!Double.isNaN(v) && !Double.isInfinite(v)) {
      g.writeFieldName(name);
      g.writeNumber(BigDecimal.valueOf(v).toPlainString());
    }
  }

  private static void time(JsonGenerator g, String name, long epochMillis) throws IOException {
    if (epochMillis >= 0) {
      g.writeStringField(name, Instant.ofEpochMilli(epochMillis).toString());
    }
  }
}
