package io.burnrate.jobs.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates the {@link PrometheusReporter}; Flink finds it through {@code META-INF/services} when
 * {@code metrics.reporter.<name>.factory.class} names this class.
 */
public final class PrometheusReporterFactory implements MetricReporterFactory {
  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new PrometheusReporter();
  }
}
