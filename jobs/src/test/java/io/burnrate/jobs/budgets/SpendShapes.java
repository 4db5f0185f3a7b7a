package io.burnrate.jobs.budgets;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;

/**
 * Seeded hourly spend of a scope with the rhythms a GPU fleet has: office hours or nightly batch
 * (hour of day, in local time), quieter weekends, a trend, hourly and daily noise and occasional
 * lasting steps (a job starts, a team moves off). Used to measure the budget forecast.
 */
final class SpendShapes {
  static final long HOUR = 3_600_000L;

  /**
   * @param base mean spend per hour at the start
   * @param amplitude day/night swing (0 flat, 0.6: busy hours 1.6x, quiet 0.4x)
   * @param peakHour local hour of the busiest hour
   * @param batchHours when above 0, spend only in the {@code batchHours} hours from {@code
   *     peakHour} (a nightly batch); {@code amplitude} is then ignored
   * @param weekend factor of Saturdays and Sundays
   * @param trendPerMonth relative growth per 730 hours (0.1 = +10% a month)
   * @param hourlyNoise sigma of the log-normal noise of each hour
   * @param dailyNoise sigma of the log-normal noise of each day (busy and quiet days)
   * @param stepPerDay chance per day of a lasting step of the level (x0.7 to x1.4)
   */
  record Shape(
      String name,
      double base,
      double amplitude,
      int peakHour,
      int batchHours,
      double weekend,
      double trendPerMonth,
      double hourlyNoise,
      double dailyNoise,
      double stepPerDay) {}

  static final List<Shape> SHAPES =
      List.of(
          new Shape("office hours", 40, 0.6, 14, 0, 0.35, 0.10, 0.20, 0.08, 0),
          new Shape("training fleet", 300, 0.1, 15, 0, 0.9, 0.25, 0.10, 0.05, 0.03),
          new Shape("nightly batch", 60, 0, 22, 8, 0.6, -0.10, 0.30, 0.10, 0),
          new Shape("bursty", 25, 0.4, 11, 0, 0.5, 0, 0.50, 0.20, 0.05));

  private SpendShapes() {}

  /** Spend of each hour from {@code start} for {@code hours} hours. */
  static double[] simulate(Shape s, long seed, ZoneId zone, long start, int hours) {
    Random r = new Random(seed * 7919 + s.name().hashCode());
    double[] out = new double[hours];
    double step = 1;
    double day = 1;
    int lastDay = -1;
    for (int i = 0; i < hours; i++) {
      ZonedDateTime t = Instant.ofEpochMilli(start + i * HOUR).atZone(zone);
      int dayOfYear = t.getDayOfYear();
      if (dayOfYear != lastDay) {
        lastDay = dayOfYear;
        day = Math.exp(s.dailyNoise() * r.nextGaussian() - s.dailyNoise() * s.dailyNoise() / 2);
        if (r.nextDouble() < s.stepPerDay()) {
          step *= 0.7 + 0.7 * r.nextDouble();
        }
      }
      int h = t.getHour();
      double diurnal;
      if (s.batchHours() > 0) {
        int since = Math.floorMod(h - s.peakHour(), 24);
        diurnal = since < s.batchHours() ? 24.0 / s.batchHours() : 0;
      } else {
        diurnal = 1 + s.amplitude() * Math.cos(2 * Math.PI * (h - s.peakHour()) / 24.0);
      }
      DayOfWeek dow = t.getDayOfWeek();
      double weekly = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY ? s.weekend() : 1.0;
      double trend = 1 + s.trendPerMonth() * i / 730.0;
      double noise =
          Math.exp(s.hourlyNoise() * r.nextGaussian() - s.hourlyNoise() * s.hourlyNoise() / 2);
      out[i] = Math.max(0, s.base() * diurnal * weekly * trend * step * day * noise);
    }
    return out;
  }
}
