package io.burnrate.jobs.anomalies.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Event-level scoring with tolerance windows: a labelled window is detected (a true positive) if an
 * alert point falls inside it; alert points outside every window form false-alarm events
 * (contiguous, gaps up to {@link #MERGE_GAP} points merged). Precision = detected / (detected +
 * false events), recall = detected / windows. Windows that end, and events that start, before the
 * probation end are ignored. Delay = points from window start to the first alert point inside it.
 */
final class Metrics {

  static final int MERGE_GAP = 5;

  private Metrics() {}

  /** Counts, additive over series. */
  record Counts(
      int windows, int detected, int events, int falseEvents, List<Integer> delays, long points) {
    static Counts zero() {
      return new Counts(0, 0, 0, 0, new ArrayList<>(), 0);
    }

    Counts plus(Counts o) {
      List<Integer> d = new ArrayList<>(delays);
      d.addAll(o.delays);
      return new Counts(
          windows + o.windows,
          detected + o.detected,
          events + o.events,
          falseEvents + o.falseEvents,
          d,
          points + o.points);
    }

    double precision() {
      return events == 0 ? (windows == 0 ? 1 : 0) : (events - falseEvents) / (double) events;
    }

    double recall() {
      return windows == 0 ? 1 : detected / (double) windows;
    }

    double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    double medianDelay() {
      if (delays.isEmpty()) {
        return Double.NaN;
      }
      List<Integer> s = new ArrayList<>(delays);
      s.sort(null);
      return s.get(s.size() / 2);
    }

    /** False events per 10,000 points. */
    double falseRate() {
      return points == 0 ? 0 : falseEvents * 10_000.0 / points;
    }
  }

  static Counts count(Series s, boolean[] alert) {
    long[] ts = s.ts();
    long probation = s.probationEnd();
    int windows = 0;
    int detected = 0;
    List<Integer> delays = new ArrayList<>();
    for (long[] w : s.windows()) {
      if (w[1] < probation) {
        continue;
      }
      windows++;
      int first = -1;
      int startIdx = -1;
      for (int i = 0; i < ts.length; i++) {
        if (ts[i] >= w[0] && ts[i] <= w[1]) {
          if (startIdx < 0) {
            startIdx = i;
          }
          if (alert[i]) {
            first = i;
            break;
          }
        }
      }
      if (first >= 0) {
        detected++;
        delays.add(first - startIdx);
      }
    }
    // false alarms: runs of alert points outside every window (gaps up to MERGE_GAP merged), so
    // one long run that covers several windows still pays for the time between them
    int falseEvents = 0;
    int lastFalse = Integer.MIN_VALUE / 2;
    for (int i = 0; i < ts.length; i++) {
      if (!alert[i] || ts[i] < probation || inWindow(s, ts[i])) {
        continue;
      }
      if (i - lastFalse > MERGE_GAP + 1) {
        falseEvents++;
      }
      lastFalse = i;
    }
    int events = detected + falseEvents;
    return new Counts(windows, detected, events, falseEvents, delays, ts.length);
  }

  private static boolean inWindow(Series s, long t) {
    for (long[] w : s.windows()) {
      if (t >= w[0] && t <= w[1]) {
        return true;
      }
    }
    return false;
  }
}
