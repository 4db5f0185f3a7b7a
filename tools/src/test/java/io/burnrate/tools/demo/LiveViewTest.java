package io.burnrate.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LiveViewTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void alertsAndActionsPrintOneReadableLineEach() throws Exception {
    String alert =
        LiveView.alertLine(
            MAPPER.readTree(
                "{\"status\":\"firing\",\"alertname\":\"IdleGpu\","
                    + "\"annotations\":{\"summary\":\"GPUs of a/Job/b are idle\","
                    + "\"description\":\"idle_gpu: 1% since ...\"}}"));
    assertThat(alert).isEqualTo("  ALERT  firing   IdleGpu: GPUs of a/Job/b are idle");
    String action =
        LiveView.actionLine(
            MAPPER.readTree(
                "{\"status\":\"open\",\"kind\":\"move_to_spot\",\"operation\":\"switch_to_spot\","
                    + "\"reason\":\"a/Deployment/b is spot-tolerant: move it to spot\","
                    + "\"estimated_monthly_savings\":1234.5,\"currency\":\"USD\"}"));
    assertThat(action)
        .isEqualTo(
            "  ACTION open     move_to_spot: a/Deployment/b is spot-tolerant: move it to spot"
                + " (saves 1,234.50 USD/month)")
        .doesNotContain("\n");
    String escalation =
        LiveView.actionLine(
            MAPPER.readTree(
                "{\"status\":\"resolved\",\"kind\":\"budget_escalation\","
                    + "\"operation\":\"stop_non_critical\",\"reason\":\"budget x reached 98%\"}"));
    assertThat(escalation).isEqualTo("  ACTION resolved stop_non_critical: budget x reached 98%");
  }
}
