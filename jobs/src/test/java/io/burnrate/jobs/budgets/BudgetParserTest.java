package io.burnrate.jobs.budgets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.schemas.model.Budget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budget definitions: defaults, scopes, validation naming the field. */
class BudgetParserTest {
  private final BudgetParser parser = new BudgetParser("Europe/Berlin");

  private Budget parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), "budget");
  }

  @Test
  void defaultsThresholdsEscalationsCurrencyAndZone() {
    Budget b =
        parse(
            "{\"id\":\"ml\",\"scope\":{\"kind\":\"team\",\"value\":\"ml\"},\"period\":\"month\",\"amount\":1000}");
    assertThat(b.scopeKey()).isEqualTo("team=ml");
    assertThat(b.thresholds).containsExactly(50.0, 80.0, 90.0, 100.0);
    assertThat(b.escalations)
        .extracting(e -> e.action)
        .containsExactly(Budget.SWITCH_TO_SPOT, Budget.REDUCE_BATCH_SIZE, Budget.STOP_NON_CRITICAL);
    assertThat(b.currency).isEqualTo("USD");
    assertThat(b.timeZone).isEqualTo("Europe/Berlin");
  }

  @Test
  void labelAndGlobalScopes() {
    Budget l =
        parse(
            "{\"id\":\"p\",\"scope\":{\"kind\":\"label\",\"key\":\"env\",\"value\":\"prod\"},"
                + "\"period\":\"week\",\"amount\":5,\"thresholds\":[100,75],\"actions\":[],"
                + "\"time_zone\":\"UTC\",\"currency\":\"eur\"}");
    assertThat(l.scopeKey()).isEqualTo("label:env=prod");
    assertThat(l.thresholds).containsExactly(75.0, 100.0);
    assertThat(l.escalations).isEmpty();
    assertThat(l.currency).isEqualTo("EUR");
    Budget g =
        parse("{\"id\":\"all\",\"scope\":{\"kind\":\"global\"},\"period\":\"day\",\"amount\":5}");
    assertThat(g.scopeKey()).isEqualTo("global");
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"id\":\"x\",\"scope\":{\"kind\":\"team\",\"value\":\"a\"},\"period\":\"month\",\"amount\":0}"))
        .hasMessage("budget.amount: must be > 0");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"id\":\"x\",\"scope\":{\"kind\":\"team\"},\"period\":\"month\",\"amount\":1}"))
        .hasMessage("budget.scope.value: is required");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"id\":\"x\",\"scope\":{\"kind\":\"pod\",\"value\":\"a\"},\"period\":\"month\",\"amount\":1}"))
        .hasMessageStartingWith("budget.scope.kind: must be one of");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"id\":\"x\",\"scope\":{\"kind\":\"global\"},\"period\":\"year\",\"amount\":1}"))
        .hasMessage("budget.period: must be day, week or month");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"id\":\"x\",\"scope\":{\"kind\":\"global\"},\"period\":\"day\",\"amount\":1,\"time_zone\":\"Mars/Olympus\"}"))
        .hasMessageStartingWith("budget.time_zone: not a time zone");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"id\":\"x\",\"scope\":{\"kind\":\"global\"},\"period\":\"day\",\"amount\":1,\"actions\":[{\"at\":90,\"action\":\"panic\"}]}"))
        .hasMessageStartingWith("budget.actions[0].action: must be one of");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"id\":\"x\",\"scope\":{\"kind\":\"global\"},\"period\":\"day\",\"amount\":1,\"limit\":3}"))
        .hasMessageStartingWith("budget.limit: unknown field");
  }

  @Test
  void theBootstrapFileHasUniqueIds(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("budgets.json");
    String one = "{\"id\":\"a\",\"scope\":{\"kind\":\"global\"},\"period\":\"day\",\"amount\":1}";
    Files.writeString(f, "{\"budgets\": [" + one + "]}");
    assertThat(parser.parseFile(f)).hasSize(1);
    Files.writeString(f, "[" + one + "," + one + "]");
    assertThatThrownBy(() -> parser.parseFile(f))
        .hasMessageContaining("budgets[1].id: duplicate id");
  }
}
