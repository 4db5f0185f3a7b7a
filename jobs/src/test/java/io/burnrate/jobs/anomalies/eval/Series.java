package io.burnrate.jobs.anomalies.eval;

import java.util.List;

/**
 * A labelled series for the evaluation: timestamps (epoch millis), values, anomaly windows [start,
 * end] in millis, and the end of the probation period (alerts and windows before it are not
 * counted, as in NAB: 15% of the series).
 */
record Series(String dataset, String name, long[] ts, double[] v, List<long[]> windows) {

  long probationEnd() {
    int i = (int) Math.floor(ts.length * 0.15);
    return ts[Math.min(i, ts.length - 1)];
  }
}
