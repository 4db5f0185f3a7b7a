package io.burnrate.jobs.onprem;

import io.burnrate.jobs.pricing.PriceHistory;
import io.burnrate.jobs.pricing.PriceUpdate;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Scheduling advice for deferrable work: when is it cheapest to run? For owned GPUs, the site's
 * time-of-use tariff over the next 24 hours; for cloud GPUs on spot, the spot prices observed for
 * the instance type (published on {@code burnrate.config.pricing}) over the last week, by hour of
 * day. Pure functions.
 */
public final class Scheduling {
  private Scheduling() {}

  private static final long HOUR = 3_600_000L;

  /**
   * Advice: start at {@code at}, paying {@code cheapPrice} per unit instead of {@code nowPrice}.
   */
  public record Advice(long at, double nowPrice, double cheapPrice) {
    /** The share of the price saved by waiting. */
    public double saving() {
      return nowPrice <= 0 ? 0 : 1 - cheapPrice / nowPrice;
    }
  }

  /** The cheapest hour of the next day at a site, or null when now is already as cheap. */
  public static Advice ownedSite(Site site, long now) {
    double p0 = site.tariff().pricePerKwh(now);
    long best = now;
    double bestPrice = p0;
    long hourStart = Math.floorDiv(now, HOUR) * HOUR;
    for (long t = hourStart + HOUR; t < now + 24 * HOUR; t += HOUR) {
      double p = site.tariff().pricePerKwh(t);
      if (p < bestPrice) {
        bestPrice = p;
        best = t;
      }
    }
    return best == now ? null : new Advice(best, p0, bestPrice);
  }

  /**
   * The cheapest hour of day (UTC) of the spot prices published for an instance type over the week
   * before {@code now}, or null when fewer than 24 distinct hours were observed or now is cheapest.
   */
  public static Advice spot(PriceHistory history, long now) {
    if (history == null) {
      return null;
    }
    double[] sum = new double[24];
    int[] n = new int[24];
    int observed = 0;
    java.util.List<PriceUpdate> v = history.versions;
    for (int i = 0; i < v.size(); i++) {
      long from = Math.max(v.get(i).validFrom, now - 7 * 24 * HOUR);
      long to = i + 1 < v.size() ? Math.min(v.get(i + 1).validFrom, now) : now;
      for (long t = Math.floorDiv(from, HOUR) * HOUR; t < to; t += HOUR) {
        if (t < from && t + HOUR <= from) {
          continue;
        }
        int h = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).getHour();
        sum[h] += v.get(i).pricePerHour;
        n[h]++;
        observed++;
      }
    }
    int hasHours = 0;
    for (int c : n) {
      hasHours += c > 0 ? 1 : 0;
    }
    if (hasHours < 24 || observed < 24) {
      return null;
    }
    int nowHour = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).getHour();
    double p0 = sum[nowHour] / n[nowHour];
    int bestHour = nowHour;
    double best = p0;
    for (int h = 0; h < 24; h++) {
      double p = sum[h] / n[h];
      if (p < best) {
        best = p;
        bestHour = h;
      }
    }
    if (bestHour == nowHour) {
      return null;
    }
    long hourStart = Math.floorDiv(now, HOUR) * HOUR;
    long at = hourStart + Math.floorMod(bestHour - nowHour, 24) * HOUR;
    return new Advice(at, p0, best);
  }
}
