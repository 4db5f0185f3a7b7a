package io.burnrate.jobs.metrics;

import org.apache.flink.configuration.Configuration;

/** Turns the Prometheus reporter on in a Flink configuration (docs/metrics.md). */
public final class PrometheusMetrics {
  /** The reporter's name in {@code metrics.reporter.<name>.*}. */
  public static final String REPORTER = "burnrate_prometheus";

  private PrometheusMetrics() {}

  /**
   * Adds the reporter to {@code flink}, serving on 127.0.0.1 at {@code port} (a port, a range
   * {@code 9250-9260}, or 0 for any free port).
   */
  public static Configuration enable(Configuration flink, String port) {
    PrometheusReporter.portRange(port); // fail fast, naming the option
    String prefix = "metrics.reporter." + REPORTER + ".";
    flink.setString(prefix + "factory.class", PrometheusReporterFactory.class.getName());
    flink.setString(prefix + "port", port);
    flink.setString(prefix + "host", "127.0.0.1");
    return flink;
  }
}
