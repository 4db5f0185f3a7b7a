package io.burnrate.jobs.alerting;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The {@code alertLatencyMillis} histogram of an alert-producing function: for each alert, wall
 * clock at emission minus the event-time end of the window that triggered it. It measures how far
 * behind real time the alerting path runs (watermark delay, window firing, processing), which is
 * what a person waiting for a page feels. Replays of old data show large values by design.
 */
public final class AlertLatency {
  public static final String METRIC = "alertLatencyMillis";

  /** Samples kept for the percentiles. */
  private static final int WINDOW = 1000;

  private final Histogram histogram;

  private AlertLatency(Histogram histogram) {
    this.histogram = histogram;
  }

  public static AlertLatency register(MetricGroup group) {
    return new AlertLatency(group.histogram(METRIC, new DescriptiveStatisticsHistogram(WINDOW)));
  }

  /** Records one alert triggered by the window ending at {@code windowEnd} (epoch ms). */
  public void record(long windowEnd) {
    histogram.update(Math.max(0, System.currentTimeMillis() - windowEnd));
  }

  public long count() {
    return histogram.getCount();
  }
}
