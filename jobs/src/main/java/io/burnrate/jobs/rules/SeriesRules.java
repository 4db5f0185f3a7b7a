package io.burnrate.jobs.rules;

import io.burnrate.schemas.model.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the rules remember about one workload series, as one Flink POJO in keyed state: the
 * state machine of each rule, the throughput baseline, the last hour of cost for the rolling spend,
 * and the alerts that are firing (to resolve them with the same fingerprint and start).
 */
public class SeriesRules {
  public Map<String, RuleState> rules = new HashMap<>();

  /** Throughput (samples/s) of recent healthy full windows, oldest first; the baseline's input. */
  public List<Double> throughput = new ArrayList<>();

  /** Window starts and costs of the last 60 minutes, oldest first. */
  public List<Long> costStarts = new ArrayList<>();

  public List<Double> costs = new ArrayList<>();

  /** Open alerts by rule name. */
  public Map<String, Alert> open = new HashMap<>();

  /** End of the last window seen (event time). */
  public long lastWindowEnd = -1;

  public SeriesRules() {}

  public RuleState state(String rule) {
    return rules.computeIfAbsent(rule, r -> new RuleState());
  }

  /** Adds a window's cost and returns the sum over the 60 minutes ending at {@code windowEnd}. */
  public double rollingHourCost(long windowStart, long windowEnd, double cost) {
    costStarts.add(windowStart);
    costs.add(cost);
    long from = windowEnd - 3_600_000L;
    while (!costStarts.isEmpty() && costStarts.get(0) < from) {
      costStarts.remove(0);
      costs.remove(0);
    }
    double sum = 0;
    for (double c : costs) {
      sum += c;
    }
    return sum;
  }

  /**
   * The throughput baseline: the median of the kept history once it holds {@code warmup} points,
   * else NaN (still warming up). The median ignores the odd outlier on either side.
   */
  public double baseline(int warmup) {
    if (throughput.size() < warmup) {
      return Double.NaN;
    }
    double[] v = throughput.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Keeps a healthy throughput point, at most {@code size} of them. */
  public void learnThroughput(double samplesPerSecond, int size) {
    throughput.add(samplesPerSecond);
    while (throughput.size() > size) {
      throughput.remove(0);
    }
  }
}
