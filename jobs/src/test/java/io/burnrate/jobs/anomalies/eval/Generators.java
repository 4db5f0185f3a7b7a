package io.burnrate.jobs.anomalies.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Realistic labelled series for the evaluation, generated offline and deterministically (seeded):
 * GPU cost rates with daily and weekly rhythms, GPU utilisation bounded in [0, 1], training
 * throughput with slow degradations, and an irregularly sampled cost per sample. Anomalies are
 * injected after the first 20% of each series and labelled with a window from their onset to their
 * end (at least a tolerance after a short spike).
 */
final class Generators {

  static final long MIN = 60_000L;
  static final long HOUR = 60 * MIN;
  static final long DAY = 24 * HOUR;

  /** Monday 2024-01-01T00:00Z. */
  static final long T0 = 1_704_067_200_000L;

  private Generators() {}

  static List<Series> all(long seed) {
    List<Series> out = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      out.add(cost(new Random(seed * 1000 + i), "cost-" + i));
    }
    for (int i = 0; i < 8; i++) {
      out.add(utilisation(new Random(seed * 1000 + 100 + i), "util-" + i));
    }
    for (int i = 0; i < 8; i++) {
      out.add(throughput(new Random(seed * 1000 + 200 + i), "throughput-" + i));
    }
    for (int i = 0; i < 6; i++) {
      out.add(costPerSample(new Random(seed * 1000 + 300 + i), "cps-" + i));
    }
    return out;
  }

  /** Builder of a sampled series with multiplicative/additive effects. */
  private static final class Builder {
    final List<Long> ts = new ArrayList<>();
    final List<long[]> windows = new ArrayList<>();
    long[] t;
    double[] v;

    Builder(Random r, long start, long end, long step, double jitter, double dropRate) {
      long gapStart = start + (long) ((end - start) * (0.3 + 0.5 * r.nextDouble()));
      long gapEnd = gapStart + (long) (2 + 6 * r.nextDouble()) * HOUR; // missing data
      for (long x = start; x < end; x += step) {
        if (x >= gapStart && x < gapEnd) {
          continue;
        }
        if (r.nextDouble() < dropRate) {
          continue;
        }
        long j = (long) ((r.nextDouble() - 0.5) * jitter * step);
        ts.add(x + j);
      }
      t = ts.stream().mapToLong(Long::longValue).toArray();
      v = new double[t.length];
    }

    /** Labels [start, end + 30 min]: the return to normal belongs to the incident. */
    void label(long start, long end) {
      windows.add(new long[] {start, end + 30 * MIN});
    }

    int index(long time) {
      int lo = 0;
      int hi = t.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (t[mid] < time) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  /** Daily business-hours shape in [0, 1], smooth ramps. */
  static double businessHours(long t, double startHour, double endHour) {
    double h = ((t % DAY) + DAY) % DAY / (double) HOUR;
    double up = 1 / (1 + Math.exp(-(h - startHour) * 2));
    double down = 1 / (1 + Math.exp((h - endHour) * 2));
    return up * down;
  }

  static boolean weekend(long t) {
    long day = Math.floorDiv(t - T0, DAY);
    int dow = (int) Math.floorMod(day, 7L); // 0 = Monday
    return dow >= 5;
  }

  /**
   * Fleet/team/workload cost rate ($/h, 5-minute samples, 6 weeks): base scale log-uniform in
   * [1e-2, 1e4], a business-hours rhythm and quieter weekends, nightly batch jobs, GPU-count steps
   * (normal autoscaling), multiplicative noise, 2% dropped samples, one gap of hours, jitter.
   */
  static Series cost(Random r, String name) {
    long end = T0 + 42 * DAY;
    Builder b = new Builder(r, T0, end, 5 * MIN, 0.4, 0.02);
    double scale = Math.pow(10, -2 + 6 * r.nextDouble());
    double amp = 0.4 + 0.8 * r.nextDouble();
    double weekendFactor = 0.3 + 0.4 * r.nextDouble();
    double noise = 0.03 + 0.07 * r.nextDouble();
    double batchHour = 1 + r.nextInt(4);
    double batchAmp = r.nextBoolean() ? 0.3 + 0.5 * r.nextDouble() : 0;
    int gpus = 8 + r.nextInt(56);
    int current = gpus;
    double[] base = new double[b.t.length];
    for (int i = 0; i < b.t.length; i++) {
      long t = b.t[i];
      if (r.nextDouble() < 0.002) {
        current = Math.max(gpus / 2, Math.min(gpus * 3 / 2, current + (r.nextBoolean() ? 1 : -1)));
      }
      double h = ((t % DAY) + DAY) % DAY / (double) HOUR;
      double batch = (h >= batchHour && h < batchHour + 2) ? batchAmp : 0;
      double season = 1 + amp * businessHours(t, 8.5, 18.5) * (weekend(t) ? weekendFactor : 1);
      base[i] = scale * (current / (double) gpus) * (season + batch);
    }
    for (int i = 0; i < b.t.length; i++) {
      b.v[i] = base[i] * Math.exp(noise * r.nextGaussian());
    }
    injectCostAnomalies(r, b, base, noise);
    return new Series("gen-cost", name, b.t, b.v, b.windows);
  }

  private static void injectCostAnomalies(Random r, Builder b, double[] base, double noise) {
    long start = b.t[0];
    long span = b.t[b.t.length - 1] - start;
    long t = start + (long) (span * 0.2);
    String[] kinds = {"spike", "shift", "runaway", "idle", "wronghour", "drift", "dip"};
    while (true) {
      t += (long) ((2 + 3 * r.nextDouble()) * DAY);
      if (t > start + span - 2 * DAY) {
        break;
      }
      String kind = kinds[r.nextInt(kinds.length)];
      int i0 = b.index(t);
      switch (kind) {
        case "spike" -> {
          int len = 1 + r.nextInt(3);
          double f = 2 + 3 * r.nextDouble();
          for (int i = i0; i < Math.min(b.v.length, i0 + len); i++) {
            b.v[i] *= f;
          }
          b.label(b.t[i0], b.t[i0] + HOUR);
        }
        case "shift" -> {
          double f = r.nextBoolean() ? 1.5 + r.nextDouble() : 0.35 + 0.25 * r.nextDouble();
          for (int i = i0; i < b.v.length; i++) {
            b.v[i] *= f;
          }
          b.label(b.t[i0], b.t[i0] + 3 * HOUR);
        }
        case "runaway" -> {
          long len = (long) ((2 + 6 * r.nextDouble()) * HOUR);
          double f = 1.8 + 1.5 * r.nextDouble();
          int i1 = b.index(t + len);
          for (int i = i0; i < i1; i++) {
            b.v[i] *= f;
          }
          b.label(b.t[i0], t + len);
        }
        case "idle" -> {
          long len = (long) ((1 + 3 * r.nextDouble()) * HOUR);
          int i1 = b.index(t + len);
          for (int i = i0; i < i1; i++) {
            b.v[i] = base[i] * 0.02 * Math.exp(noise * r.nextGaussian());
          }
          b.label(b.t[i0], t + len);
        }
        case "wronghour" -> {
          // daytime-like load at 03:00 local
          long night = Math.floorDiv(t, DAY) * DAY + 3 * HOUR;
          int a = b.index(night);
          int c = b.index(night + 2 * HOUR);
          double peak = 0;
          for (int i = Math.max(0, a - 300); i < a; i++) {
            peak = Math.max(peak, base[i]);
          }
          for (int i = a; i < c; i++) {
            b.v[i] = Math.max(b.v[i], peak * Math.exp(noise * r.nextGaussian()));
          }
          b.label(b.t[a], night + 2 * HOUR);
          t = night;
        }
        case "drift" -> {
          long len = (long) ((1 + 2 * r.nextDouble()) * DAY);
          int i1 = b.index(t + len);
          for (int i = i0; i < b.v.length; i++) {
            double frac = Math.min(1.0, (b.t[i] - b.t[i0]) / (double) len);
            b.v[i] *= 1 + 0.8 * frac;
          }
          b.label(b.t[i0], b.t[i1]);
        }
        default -> { // dip: partial outage, half the cost for 1-4 h
          long len = (long) ((1 + 3 * r.nextDouble()) * HOUR);
          int i1 = b.index(t + len);
          for (int i = i0; i < i1; i++) {
            b.v[i] *= 0.45;
          }
          b.label(b.t[i0], t + len);
        }
      }
    }
  }

  /**
   * GPU utilisation in [0, 1] (1-minute samples, 10 days): a job-specific mean, AR(1) wander,
   * periodic evaluation dips every few hours (normal), clipping; anomalies: stuck at ~0 (idle, hung
   * job), input-bound plateau, erratic phase.
   */
  static Series utilisation(Random r, String name) {
    long end = T0 + 10 * DAY;
    Builder b = new Builder(r, T0, end, MIN, 0.1, 0.01);
    double mean = 0.55 + 0.4 * r.nextDouble();
    double ar = 0;
    double sd = 0.02 + 0.04 * r.nextDouble();
    long evalEvery = (long) ((2 + 4 * r.nextDouble()) * HOUR);
    for (int i = 0; i < b.t.length; i++) {
      ar = 0.9 * ar + sd * Math.sqrt(1 - 0.81) * r.nextGaussian() * 3;
      double x = mean + ar;
      if ((b.t[i] - T0) % evalEvery < 4 * MIN) {
        x = mean * 0.5 + ar;
      }
      b.v[i] = clip01(x);
    }
    long span = end - T0;
    long t = T0 + (long) (span * 0.2);
    while (true) {
      t += (long) ((1 + 1.5 * r.nextDouble()) * DAY);
      if (t > end - DAY / 2) {
        break;
      }
      int i0 = b.index(t);
      int kind = r.nextInt(3);
      long len = (long) ((0.5 + 2 * r.nextDouble()) * HOUR);
      int i1 = b.index(t + len);
      for (int i = i0; i < i1; i++) {
        double x =
            switch (kind) {
              case 0 -> 0.01 * r.nextDouble();
              case 1 -> mean * 0.45 + 0.01 * r.nextGaussian();
              default -> mean + 4 * sd * r.nextGaussian();
            };
        b.v[i] = clip01(x);
      }
      b.label(b.t[i0], t + len);
    }
    return new Series("gen-util", name, b.t, b.v, b.windows);
  }

  /**
   * Training throughput (samples/s, 1-minute samples, 10 days): a level per job, noise, restarts
   * (normal short zero-throughput periods are not included: they would be labelled); anomalies:
   * slow degradation to 60-75% over 6-24 h (labelled until it ends), sudden halving for an hour,
   * stall at 0 for 10-40 minutes.
   */
  static Series throughput(Random r, String name) {
    long end = T0 + 10 * DAY;
    Builder b = new Builder(r, T0, end, MIN, 0.1, 0.01);
    double level = Math.pow(10, 1 + 3 * r.nextDouble());
    double noise = 0.02 + 0.04 * r.nextDouble();
    double[] mult = new double[b.t.length];
    java.util.Arrays.fill(mult, 1.0);
    long span = end - T0;
    long t = T0 + (long) (span * 0.2);
    while (true) {
      t += (long) ((1 + 2 * r.nextDouble()) * DAY);
      if (t > end - DAY) {
        break;
      }
      int i0 = b.index(t);
      int kind = r.nextInt(3);
      if (kind == 0) {
        long len = (long) ((6 + 18 * r.nextDouble()) * HOUR);
        double to = 0.6 + 0.15 * r.nextDouble();
        for (int i = i0; i < b.t.length; i++) {
          double frac = Math.min(1.0, (b.t[i] - t) / (double) len);
          mult[i] *= 1 - (1 - to) * frac;
        }
        b.label(b.t[i0], t + len);
      } else if (kind == 1) {
        int i1 = b.index(t + HOUR);
        for (int i = i0; i < i1; i++) {
          mult[i] *= 0.5;
        }
        b.label(b.t[i0], t + HOUR);
      } else {
        long len = (long) ((10 + 30 * r.nextDouble()) * MIN);
        int i1 = b.index(t + len);
        for (int i = i0; i < i1; i++) {
          mult[i] = 0;
        }
        b.label(b.t[i0], t + Math.max(len, HOUR));
      }
    }
    for (int i = 0; i < b.t.length; i++) {
      b.v[i] = Math.max(0, level * mult[i] * (1 + noise * r.nextGaussian()));
    }
    return new Series("gen-throughput", name, b.t, b.v, b.windows);
  }

  /**
   * Cost per sample, irregular (exponential inter-arrival times, mean 2 minutes, 14 days),
   * heavy-tailed noise (a ratio of noisy quantities) and a mild daily rhythm; anomalies: spikes
   * (x3-x6) and level shifts (x1.6-x2.5).
   */
  static Series costPerSample(Random r, String name) {
    long end = T0 + 14 * DAY;
    List<Long> ts = new ArrayList<>();
    for (long x = T0; x < end; x += (long) (-Math.log(1 - r.nextDouble()) * 2 * MIN) + 1000) {
      ts.add(x);
    }
    long[] t = ts.stream().mapToLong(Long::longValue).toArray();
    double[] v = new double[t.length];
    double level = Math.pow(10, -4 + 2 * r.nextDouble());
    double f = 1;
    List<long[]> windows = new ArrayList<>();
    long span = end - T0;
    long next = T0 + (long) (span * 0.2) + (long) (r.nextDouble() * DAY);
    for (int i = 0; i < t.length; i++) {
      double mult = 1;
      if (t[i] >= next) {
        if (r.nextBoolean()) {
          mult = 3 + 3 * r.nextDouble();
          windows.add(new long[] {t[i], t[i] + HOUR + 30 * MIN});
        } else {
          f *= 1.6 + 0.9 * r.nextDouble();
          windows.add(new long[] {t[i], t[i] + 3 * HOUR + 30 * MIN});
        }
        next += (long) ((1.5 + 2 * r.nextDouble()) * DAY);
      }
      double daily = 1 + 0.2 * Math.sin(2 * Math.PI * ((t[i] - T0) % DAY) / DAY);
      double heavy = r.nextDouble() < 0.02 ? Math.exp(0.4 * r.nextGaussian()) : 1;
      v[i] = level * f * daily * mult * heavy * Math.exp(0.05 * r.nextGaussian());
    }
    return new Series("gen-cps", name, t, v, windows);
  }

  static double clip01(double x) {
    return Math.max(0, Math.min(1, x));
  }
}
