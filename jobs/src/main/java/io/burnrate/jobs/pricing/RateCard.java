package io.burnrate.jobs.pricing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Hourly prices of GPU instance types by capacity type and region, from a CSV rate card (see {@code
 * docs/rate-card.md}). The bundled card holds dated public list prices; an operator's file
 * overrides it row by row. Lookup: exact region, then the {@code *} row; otherwise the instance
 * type is unpriced ({@link #lookup} returns null) and the caller must report it, never cost it at
 * $0.
 */
public final class RateCard implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String BUNDLED = "/ratecard/gpu-ratecard.csv";

  /** One priced row. */
  public record Price(
      String provider,
      String region,
      String instanceType,
      String capacityType,
      String gpuModel,
      int gpuCount,
      double pricePerHour,
      String currency,
      String asOf,
      String source)
      implements Serializable {}

  private final HashMap<String, Price> prices;

  private RateCard(Map<String, Price> prices) {
    this.prices = new HashMap<>(prices);
  }

  /** The bundled rate card. */
  public static RateCard bundled() {
    try (InputStream in = RateCard.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("bundled rate card " + BUNDLED + " is missing");
      }
      return new RateCard(parse(new InputStreamReader(in, StandardCharsets.UTF_8), BUNDLED));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read bundled rate card: " + e.getMessage(), e);
    }
  }

  /** The bundled card with the rows of {@code override} replacing or adding to it. */
  public static RateCard bundledWithOverride(Path override) {
    Map<String, Price> all = new HashMap<>(bundled().prices);
    try (Reader r = Files.newBufferedReader(override, StandardCharsets.UTF_8)) {
      all.putAll(parse(r, override.toString()));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "pricing.rate-card: cannot read " + override + ": " + e.getMessage(), e);
    }
    return new RateCard(all);
  }

  /** Parses a rate card; a malformed row fails with its line number and the column at fault. */
  static Map<String, Price> parse(Reader reader, String name) throws IOException {
    Map<String, Price> out = new HashMap<>();
    BufferedReader br = new BufferedReader(reader);
    String line;
    int lineNo = 0;
    String[] header = null;
    while ((line = br.readLine()) != null) {
      lineNo++;
      String t = line.trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] cols = t.split(",", -1);
      if (header == null) {
        header = cols;
        String expected =
            "provider,region,instance_type,capacity_type,gpu_model,gpu_count,price_per_hour,currency,as_of,source";
        if (!String.join(",", cols).equals(expected)) {
          throw new IllegalArgumentException(
              name + ":" + lineNo + ": rate card header must be '" + expected + "'");
        }
        continue;
      }
      if (cols.length != header.length) {
        throw new IllegalArgumentException(
            name + ":" + lineNo + ": expected " + header.length + " columns, got " + cols.length);
      }
      String capacity = cols[3].trim().toLowerCase(Locale.ROOT);
      if (!capacity.equals("on-demand") && !capacity.equals("spot")) {
        throw new IllegalArgumentException(
            name
                + ":"
                + lineNo
                + ": capacity_type must be on-demand or spot, got '"
                + cols[3]
                + "'");
      }
      double price;
      int gpus;
      try {
        price = Double.parseDouble(cols[6].trim());
        gpus = Integer.parseInt(cols[5].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + ":" + lineNo + ": price_per_hour/gpu_count must be numbers");
      }
      if (!(price > 0) || Double.isInfinite(price)) {
        throw new IllegalArgumentException(
            name + ":" + lineNo + ": price_per_hour must be > 0, got " + cols[6]);
      }
      if (gpus < 0) {
        throw new IllegalArgumentException(name + ":" + lineNo + ": gpu_count must be >= 0");
      }
      Price p =
          new Price(
              cols[0].trim(),
              cols[1].trim(),
              cols[2].trim(),
              capacity,
              cols[4].trim(),
              gpus,
              price,
              cols[7].trim().toUpperCase(Locale.ROOT),
              cols[8].trim(),
              cols[9].trim());
      out.put(key(p.instanceType(), p.capacityType(), p.region()), p);
    }
    if (header == null) {
      throw new IllegalArgumentException(name + ": rate card is empty");
    }
    return out;
  }

  private static String key(String instanceType, String capacityType, String region) {
    return instanceType + "|" + capacityType + "|" + region;
  }

  /**
   * The price of one instance-hour, or null when the instance type is not in the card.
   *
   * @param capacityType {@code on-demand} or {@code spot}; null means on-demand
   * @param region may be null (then the {@code *} row)
   */
  public Price lookup(String instanceType, String capacityType, String region) {
    if (instanceType == null) {
      return null;
    }
    String cap = capacityType == null ? "on-demand" : capacityType;
    Price p = region == null ? null : prices.get(key(instanceType, cap, region));
    if (p == null) {
      p = prices.get(key(instanceType, cap, "*"));
    }
    return p;
  }

  /**
   * The cheapest cloud instance with the same GPU model, by price per GPU-hour (the "closest cloud
   * GPU type" an owned GPU is compared with), or null when the card has none. GPU model names are
   * compared without case, spaces or punctuation ({@code NVIDIA-A100-SXM4-40GB} as GPU feature
   * discovery writes it equals dcgm's {@code NVIDIA A100-SXM4-40GB}).
   *
   * @param capacityType {@code on-demand} or {@code spot}
   */
  public Price closestCloud(String gpuModel, String capacityType) {
    if (gpuModel == null) {
      return null;
    }
    String want = modelKey(gpuModel);
    Price best = null;
    for (Price p : prices.values()) {
      if (p.gpuModel() == null || p.gpuCount() <= 0 || !capacityType.equals(p.capacityType())) {
        continue;
      }
      if (!modelKey(p.gpuModel()).equals(want)) {
        continue;
      }
      if (best == null
          || p.pricePerHour() / p.gpuCount() < best.pricePerHour() / best.gpuCount()
          || (p.pricePerHour() / p.gpuCount() == best.pricePerHour() / best.gpuCount()
              && (p.instanceType() + p.region()).compareTo(best.instanceType() + best.region())
                  < 0)) {
        best = p;
      }
    }
    return best;
  }

  static String modelKey(String model) {
    return model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  public int size() {
    return prices.size();
  }

  public Map<String, Price> rows() {
    return Collections.unmodifiableMap(prices);
  }
}
