package io.burnrate.jobs.onprem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The owned sites, from the JSON file {@code onprem.sites-file} (docs/onprem.md):
 *
 * <pre>{"sites": [{"name": "lab-berlin", "currency": "EUR", "time_zone": "Europe/Berlin",
 *   "tariff": {"flat": 0.24, "bands": [{"from": "07:00", "to": "22:00", "days": ["MON", "TUE",
 *   "WED", "THU", "FRI"], "price": 0.36}]},
 *   "hardware": {"node_price": 240000, "lifetime_years": 4, "purchased": "2025-01-01",
 *   "overhead": 1.35}}]}</pre>
 *
 * Validated when read: a bad file stops the job at start-up with the field at fault named.
 */
public final class Sites implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HashMap<String, Site> byName;

  public Sites(Map<String, Site> byName) {
    this.byName = new HashMap<>(byName);
  }

  public static Sites none() {
    return new Sites(Map.of());
  }

  /** The site of a {@code burnrate.io/site} label value, or null. */
  public Site get(String name) {
    return name == null ? null : byName.get(name);
  }

  public int size() {
    return byName.size();
  }

  public Map<String, Site> all() {
    return java.util.Collections.unmodifiableMap(byName);
  }

  public static Sites fromFile(Path file) {
    try {
      return parse(MAPPER.readTree(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static Sites parse(JsonNode root) {
    JsonNode list = root == null ? null : root.get("sites");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException("sites: a JSON array is required");
    }
    Map<String, Site> out = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "sites[" + i + "]";
      Site s = site(list.get(i), at);
      if (out.put(s.name(), s) != null) {
        throw new IllegalArgumentException(at + ".name: duplicate site '" + s.name() + "'");
      }
    }
    return new Sites(out);
  }

  private static Site site(JsonNode n, String at) {
    String name = text(n, "name", at);
    String currency = n.path("currency").asText("USD").toUpperCase(Locale.ROOT);
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException(at + ".currency: not ISO 4217: " + currency);
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(n.path("time_zone").asText("UTC"));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(at + ".time_zone: " + e.getMessage(), e);
    }
    JsonNode t = n.path("tariff");
    double flat = number(t, "flat", at + ".tariff", 0, 100);
    List<Tariff.Band> bands = new ArrayList<>();
    JsonNode bs = t.path("bands");
    for (int i = 0; i < bs.size(); i++) {
      String bat = at + ".tariff.bands[" + i + "]";
      JsonNode b = bs.get(i);
      bands.add(
          new Tariff.Band(
              time(b, "from", bat),
              time(b, "to", bat),
              days(b, bat),
              number(b, "price", bat, 0, 100)));
    }
    JsonNode h = n.path("hardware");
    String hat = at + ".hardware";
    double price = number(h, "node_price", hat, 0, 1e9);
    double lifetime = number(h, "lifetime_years", hat, 0.1, 50);
    double overhead = h.has("overhead") ? number(h, "overhead", hat, 1, 5) : 1.0;
    long purchased;
    try {
      purchased =
          LocalDate.parse(text(h, "purchased", hat)).atStartOfDay(zone).toInstant().toEpochMilli();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(hat + ".purchased: not a date (yyyy-MM-dd)", e);
    }
    return new Site(
        name, currency, new Tariff(flat, bands, zone), price, lifetime, overhead, purchased);
  }

  private static String text(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(at + "." + field + ": required text");
    }
    return v.asText().trim();
  }

  private static double number(JsonNode n, String field, String at, double min, double max) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(at + "." + field + ": required number");
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException(
          at + "." + field + ": " + d + " is outside [" + min + ", " + max + "]");
    }
    return d;
  }

  private static LocalTime time(JsonNode n, String field, String at) {
    try {
      return LocalTime.parse(text(n, field, at));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(at + "." + field + ": not a time (HH:mm)", e);
    }
  }

  private static Set<DayOfWeek> days(JsonNode n, String at) {
    JsonNode d = n.get("days");
    if (d == null) {
      return Tariff.everyDay();
    }
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (JsonNode v : d) {
      String s = v.asText().toUpperCase(Locale.ROOT);
      DayOfWeek found = null;
      for (DayOfWeek w : DayOfWeek.values()) {
        if (w.name().startsWith(s) && s.length() >= 3) {
          found = w;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(at + ".days: not a day of the week: " + v);
      }
      out.add(found);
    }
    return out;
  }

  /** For messages: when the site's hardware was bought. */
  public static String iso(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}
