package io.burnrate.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The reporter serves Prometheus text on loopback and reads metrics only when scraped. */
class PrometheusReporterTest {

  @Test
  void servesMetricsReadAtScrapeTime() throws Exception {
    PrometheusReporter r =
        (PrometheusReporter) new PrometheusReporterFactory().createMetricReporter(new Properties());
    MetricConfig cfg = new MetricConfig();
    cfg.setProperty("port", "0");
    r.open(cfg);
    try {
      SimpleCounter c = new SimpleCounter();
      double[] v = {1.5};
      Gauge<Double> g = () -> v[0];
      var group = new UnregisteredMetricsGroup();
      r.notifyOfAddedMetric(c, "deadLetters", group);
      r.notifyOfAddedMetric(g, "conservationResidualMax", group);
      c.inc(3); // after registration: the value is read when scraped, not pushed
      v[0] = 2.5;
      String text = scrape(r.port());
      assertThat(text)
          .contains("burnrate_dead_letters{scope=\"\",} 3.0")
          .contains("burnrate_conservation_residual_max{scope=\"\",} 2.5");
      r.notifyOfRemovedMetric(c, "deadLetters", group);
      assertThat(scrape(r.port())).doesNotContain("burnrate_dead_letters");
      assertThat(PrometheusReporter.boundPorts()).contains(r.port());
    } finally {
      r.close();
    }
  }

  @Test
  void portRangesAreValidated() {
    assertThat(PrometheusReporter.portRange("9250-9252")).containsExactly(9250, 9251, 9252);
    assertThat(PrometheusReporter.portRange("0")).containsExactly(0);
    assertThatThrownBy(() -> PrometheusReporter.portRange("nine"))
        .hasMessageContaining("metrics reporter port");
  }

  @Test
  void labelledGaugesAreBoundedAndScaledToAnHour() {
    LabelledGauges g =
        new LabelledGauges(
            new UnregisteredMetricsGroup(), "costPerHour", List.of("team", "cluster"), 3, 60_000L);
    for (int i = 0; i < 10; i++) {
      g.addToWindow(0, 1.0, "team-" + i, "c");
    }
    assertThat(g.series()).isEqualTo(4); // three teams and "other"
    assertThatThrownBy(() -> g.set(1, "only-one-label")).hasMessageContaining("[team, cluster]");
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> resp =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(200);
    return resp.body();
  }
}
