package io.burnrate.jobs.pricing;

import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_JSON;
import static io.burnrate.schemas.model.DeadLetter.Reasons.INVALID_VALUE;
import static io.burnrate.schemas.model.DeadLetter.Reasons.MISSING_FIELD;
import static io.burnrate.schemas.model.DeadLetter.Reasons.UNKNOWN_ENUM;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.parse.ParseException;
import io.burnrate.schemas.parse.Values;
import java.io.IOException;
import java.util.Locale;

/**
 * Parses one price from {@code burnrate.config.pricing} (JSON, see {@code
 * schemas/burnrate.config.pricing.schema.json}): {@code instance_type} and {@code price_per_hour}
 * required; {@code capacity_type} ({@code on-demand}|{@code spot}, default on-demand), {@code
 * region} (default {@code *}), {@code currency} (default USD), {@code valid_from} (ISO-8601,
 * default the epoch: always), {@code gpu_count} optional.
 */
public final class PriceUpdateParser {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  public PriceUpdate parse(byte[] json) throws ParseException {
    if (json == null || json.length == 0) {
      throw new ParseException(
          io.burnrate.schemas.model.DeadLetter.Reasons.EMPTY, "empty price record");
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ParseException(INVALID_JSON, "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ParseException(INVALID_JSON, "invalid JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new ParseException(INVALID_JSON, "price record is not a JSON object");
    }
    PriceUpdate u = new PriceUpdate();
    u.instanceType = text(n, "instance_type");
    if (u.instanceType == null) {
      throw new ParseException(MISSING_FIELD, "instance_type: missing");
    }
    String cap = text(n, "capacity_type");
    u.capacityType = cap == null ? "on-demand" : cap.toLowerCase(Locale.ROOT);
    if (!u.capacityType.equals("on-demand") && !u.capacityType.equals("spot")) {
      throw new ParseException(
          UNKNOWN_ENUM, "capacity_type: '" + cap + "' is not on-demand or spot");
    }
    String region = text(n, "region");
    u.region = region == null ? "*" : region;
    JsonNode price = n.get("price_per_hour");
    if (price == null || price.isNull()) {
      throw new ParseException(MISSING_FIELD, "price_per_hour: missing");
    }
    double p =
        price.isNumber() ? price.asDouble() : Values.parseNumber("price_per_hour", price.asText());
    Values.requireNonNegative("price_per_hour", Values.requireFinite("price_per_hour", p));
    u.pricePerHour = p;
    String currency = text(n, "currency");
    u.currency = currency == null ? "USD" : currency.toUpperCase(Locale.ROOT);
    if (!u.currency.matches("[A-Z]{3}")) {
      throw new ParseException(INVALID_VALUE, "currency: '" + currency + "' is not ISO 4217");
    }
    String from = text(n, "valid_from");
    u.validFrom = from == null ? 0 : Values.parseTimestamp("valid_from", from);
    JsonNode gpus = n.get("gpu_count");
    if (gpus != null && !gpus.isNull()) {
      if (!gpus.canConvertToInt() || gpus.asInt() < 0 || gpus.asInt() > 1024) {
        throw new ParseException(INVALID_VALUE, "gpu_count: not a GPU count: " + gpus);
      }
      u.gpuCount = gpus.asInt();
    }
    return u;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText().trim();
    return s.isEmpty() || Values.isNullish(s) ? null : s;
  }
}
