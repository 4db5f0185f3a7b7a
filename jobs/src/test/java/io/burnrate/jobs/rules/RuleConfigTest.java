package io.burnrate.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Rule settings: defaults, overrides by scope, validation naming the field. */
class RuleConfigTest {
  private static RuleConfig parse(String json) throws Exception {
    return RuleConfig.fromJson(new ObjectMapper().readTree(json), 100);
  }

  @Test
  void defaultsMatchTheDocumentedRules() {
    RuleConfig c = RuleConfig.defaults(100);
    RuleSpec idle = c.spec(RuleConfig.IDLE_GPU, "prod", "ml", "ml");
    assertThat(idle.threshold()).isEqualTo(0.10);
    assertThat(idle.forMillis()).isEqualTo(30 * 60_000L);
    assertThat(c.spec(RuleConfig.UNDER_UTILIZATION, "c", "t", "n").threshold()).isEqualTo(0.60);
    assertThat(c.spec(RuleConfig.MEMORY_PRESSURE, "c", "t", "n").above()).isTrue();
    assertThat(c.spec(RuleConfig.MEMORY_PRESSURE, "c", "t", "n").forMillis()).isEqualTo(300_000L);
    assertThat(c.spec(RuleConfig.HOURLY_SPEND, "c", "t", "n").threshold()).isEqualTo(100);
    assertThat(RuleConfig.defaults(0).spec(RuleConfig.HOURLY_SPEND, "c", "t", "n").enabled())
        .isFalse();
  }

  @Test
  void overridesApplyFromClusterToTeamToNamespace() throws Exception {
    RuleConfig c =
        parse(
            """
            {"rules": {"idle_gpu": {"for": "20m"}},
             "overrides": [
               {"scope": "cluster=lab", "rules": {"idle_gpu": {"threshold": 0.05, "severity": "info"}}},
               {"scope": "team=research", "rules": {"idle_gpu": {"for": "1h"}}},
               {"scope": "namespace=batch", "rules": {"idle_gpu": {"enabled": false}}}]}
            """);
    assertThat(c.spec(RuleConfig.IDLE_GPU, "prod", "ml", "ml").forMillis()).isEqualTo(1_200_000L);
    RuleSpec lab = c.spec(RuleConfig.IDLE_GPU, "lab", "ml", "ml");
    assertThat(lab.threshold()).isEqualTo(0.05);
    assertThat(lab.resolveThreshold()).isCloseTo(0.075, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(lab.severity()).isEqualTo("info");
    RuleSpec both = c.spec(RuleConfig.IDLE_GPU, "lab", "research", "ml");
    assertThat(both.threshold()).isEqualTo(0.05);
    assertThat(both.forMillis()).isEqualTo(3_600_000L);
    assertThat(c.spec(RuleConfig.IDLE_GPU, "prod", "research", "batch").enabled()).isFalse();
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(() -> parse("{\"rules\": {\"idle\": {}}}"))
        .hasMessageContaining("rules.idle: unknown rule");
    assertThatThrownBy(() -> parse("{\"rules\": {\"idle_gpu\": {\"for\": \"soon\"}}}"))
        .hasMessageContaining("rules.idle_gpu.for: not a duration");
    assertThatThrownBy(
            () -> parse("{\"rules\": {\"memory_pressure\": {\"resolve_threshold\": 0.99}}}"))
        .hasMessageContaining("rules.memory_pressure.resolve_threshold: must be <= threshold");
    assertThatThrownBy(() -> parse("{\"overrides\": [{\"scope\": \"pod=x\", \"rules\": {}}]}"))
        .hasMessageContaining("overrides[0].scope");
    assertThatThrownBy(() -> parse("{\"rules\": {\"idle_gpu\": {\"severity\": \"page\"}}}"))
        .hasMessageContaining("rules.idle_gpu.severity");
    assertThatThrownBy(() -> parse("{\"rules\": {\"idle_gpu\": {\"treshold\": 1}}}"))
        .hasMessageContaining("rules.idle_gpu.treshold: unknown field");
  }
}
