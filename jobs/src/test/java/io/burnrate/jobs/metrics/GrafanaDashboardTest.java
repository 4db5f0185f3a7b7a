package io.burnrate.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard parses, every panel has a PromQL expression, and every expression uses
 * {@code burnrate_*} metrics only. That each of those names is really exported is checked against a
 * real scrape in {@code PrometheusScrapeITCase}.
 */
class GrafanaDashboardTest {
  static final Path DASHBOARD = Path.of("..", "docker", "grafana", "dashboards", "burnrate.json");

  @Test
  void everyPanelQueriesBurnrateMetrics() throws Exception {
    JsonNode d = GrafanaDashboard.load(DASHBOARD);
    assertThat(d.path("uid").asText()).isEqualTo("burnrate");
    List<String> exprs = GrafanaDashboard.expressions(d);
    assertThat(exprs).hasSize(d.path("panels").size());
    for (String e : exprs) {
      assertThat(e).as("expression %s names a burnrate_ metric", e).containsPattern("burnrate_");
    }
    assertThat(GrafanaDashboard.metricNames(d))
        .contains(
            MetricNames.metric("costPerHour"),
            MetricNames.metric("idleCostPerHour"),
            MetricNames.metric("budgetUsedPercent"),
            MetricNames.metric("deadLetters"),
            MetricNames.metric("conservationResidualMax"));
  }

  @Test
  void namesAreSnakeCaseWithThePrefix() {
    assertThat(MetricNames.metric("numRecordsInPerSecond"))
        .isEqualTo("burnrate_num_records_in_per_second");
    assertThat(MetricNames.metric("records-lag-max")).isEqualTo("burnrate_records_lag_max");
    assertThat(MetricNames.metric("lastCheckpointDurationMs"))
        .isEqualTo("burnrate_last_checkpoint_duration_ms");
    assertThat(MetricNames.label("<task_name>")).isEqualTo("task_name");
    assertThat(MetricNames.metric("KafkaSourceReader.commitsSucceeded"))
        .isEqualTo("burnrate_kafka_source_reader_commits_succeeded");
  }
}
