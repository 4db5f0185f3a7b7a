package io.burnrate.jobs.onprem;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An electricity tariff: a flat price per kWh, or time-of-use bands (local times, optionally by day
 * of week) in the site's time zone. A band covers {@code [from, to)}; {@code to <= from} wraps
 * midnight. The first band that covers an instant applies; an instant no band covers pays the flat
 * (default) price. Local time is DST-correct ({@link ZonedDateTime}).
 */
public final class Tariff implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One time-of-use band. */
  public record Band(LocalTime from, LocalTime to, Set<DayOfWeek> days, double pricePerKwh)
      implements Serializable {
    boolean covers(ZonedDateTime t) {
      LocalTime lt = t.toLocalTime();
      DayOfWeek d = t.getDayOfWeek();
      if (from.isBefore(to)) {
        return days.contains(d) && !lt.isBefore(from) && lt.isBefore(to);
      }
      // wraps midnight: the evening belongs to the band's day, the early morning to the next day
      if (!lt.isBefore(from)) {
        return days.contains(d);
      }
      return lt.isBefore(to) && days.contains(d.minus(1));
    }
  }

  private final double flatPerKwh;
  private final List<Band> bands;
  private final ZoneId zone;

  public Tariff(double flatPerKwh, List<Band> bands, ZoneId zone) {
    this.flatPerKwh = flatPerKwh;
    this.bands = List.copyOf(bands);
    this.zone = zone;
  }

  public static Tariff flat(double pricePerKwh) {
    return new Tariff(pricePerKwh, List.of(), ZoneId.of("UTC"));
  }

  public static Set<DayOfWeek> everyDay() {
    return EnumSet.allOf(DayOfWeek.class);
  }

  /** The price of one kWh at an instant. */
  public double pricePerKwh(long epochMillis) {
    if (bands.isEmpty()) {
      return flatPerKwh;
    }
    ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(zone);
    for (Band b : bands) {
      if (b.covers(t)) {
        return b.pricePerKwh();
      }
    }
    return flatPerKwh;
  }

  public boolean timeOfUse() {
    return !bands.isEmpty();
  }

  public ZoneId zone() {
    return zone;
  }
}
