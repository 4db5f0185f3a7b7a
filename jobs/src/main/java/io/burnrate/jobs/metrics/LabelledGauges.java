package io.burnrate.jobs.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.MetricGroup;

/**
 * Business gauges with labels (team, cluster, budget) registered from an operator: one Flink gauge
 * per label set, read at scrape time. The operator only updates a number in a map on the path it
 * already takes (once per emitted window or status), so the reporter costs nothing per record.
 *
 * <p>Cardinality is bounded: after {@code maxSeries} distinct label sets in one subtask, further
 * ones are counted under the label value {@code other} (docs/metrics.md).
 */
public final class LabelledGauges {
  /** The label value of label sets beyond the bound. */
  public static final String OVERFLOW = "other";

  private final MetricGroup group;
  private final String name;
  private final List<String> keys;
  private final int maxSeries;
  private final long windowMillis;
  private final Map<List<String>, Cell> cells = new ConcurrentHashMap<>();

  /** The value of one label set: the sum over its latest window, or the last value set. */
  private static final class Cell {
    volatile long window = Long.MIN_VALUE;
    volatile double sum;
    volatile double value;
  }

  /**
   * @param windowMillis for {@link #addToWindow}: the window length; the gauge reports the latest
   *     window's sum scaled to one hour
   */
  public LabelledGauges(
      MetricGroup group, String name, List<String> keys, int maxSeries, long windowMillis) {
    this.group = group;
    this.name = name;
    this.keys = List.copyOf(keys);
    this.maxSeries = maxSeries;
    this.windowMillis = windowMillis;
  }

  /** Sets the gauge of {@code labels} to {@code value}. */
  public void set(double value, String... labels) {
    cell(labels).value = value;
  }

  /**
   * Adds {@code amount} to the window starting at {@code windowStart} of {@code labels}; a newer
   * window replaces the older one. The gauge reads the latest window's sum per hour.
   */
  public void addToWindow(long windowStart, double amount, String... labels) {
    Cell c = cell(labels);
    synchronized (c) {
      if (windowStart > c.window) {
        c.window = windowStart;
        c.sum = 0;
      }
      if (windowStart == c.window) {
        c.sum += amount;
        c.value = c.sum * 3_600_000.0 / windowMillis;
      }
    }
  }

  /** The number of label sets registered (at most {@code maxSeries + 1}). */
  public int series() {
    return cells.size();
  }

  private Cell cell(String... labels) {
    List<String> values = values(labels);
    Cell c = cells.get(values);
    if (c != null) {
      return c;
    }
    if (cells.size() >= maxSeries) {
      String[] other = new String[keys.size()];
      Arrays.fill(other, OVERFLOW);
      values = List.of(other);
      c = cells.get(values);
      if (c != null) {
        return c;
      }
    }
    Cell fresh = new Cell();
    Cell prior = cells.putIfAbsent(values, fresh);
    if (prior != null) {
      return prior;
    }
    MetricGroup g = group;
    for (int i = 0; i < keys.size(); i++) {
      g = g.addGroup(keys.get(i), values.get(i));
    }
    g.gauge(name, () -> fresh.value);
    return fresh;
  }

  private List<String> values(String... labels) {
    if (labels.length != keys.size()) {
      throw new IllegalArgumentException(name + ": expected labels " + keys);
    }
    String[] v = new String[labels.length];
    for (int i = 0; i < labels.length; i++) {
      v[i] = labels[i] == null || labels[i].isEmpty() ? "unknown" : labels[i];
    }
    return List.of(v);
  }
}
