package io.burnrate.jobs.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.alerting.Windows;
import io.burnrate.schemas.model.Budget;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Routing definitions to scopes: topic over file, scope moves, tombstones. */
class BudgetDefinitionsTest {
  private static Budget team(String team, double amount) {
    Budget b = new Budget();
    b.id = "b1";
    b.scopeKind = Budget.SCOPE_TEAM;
    b.scopeValue = team;
    b.period = Budget.MONTH;
    b.timeZone = "UTC";
    b.amount = amount;
    b.currency = "USD";
    return b;
  }

  @Test
  void topicWinsOverFileScopeMovesDeleteTheOldAndTombstonesDrain() throws Exception {
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<String, BudgetControl, BudgetControl>(
            new KeyedProcessOperator<>(new BudgetDefinitions()), c -> c.budgetId, Types.STRING)) {
      h.open();
      h.processElement(BudgetControl.define(team("ml", 10), BudgetControl.FROM_FILE), 0);
      h.processElement(BudgetControl.define(team("ml", 20), BudgetControl.FROM_TOPIC), 0);
      h.processElement(BudgetControl.define(team("ml", 30), BudgetControl.FROM_FILE), 0);
      List<BudgetControl> out = Windows.drain(h.getOutput(), BudgetControl.class);
      assertThat(out).extracting(c -> c.budget.amount).containsExactly(10.0, 20.0);

      h.processElement(BudgetControl.define(team("vision", 20), BudgetControl.FROM_TOPIC), 0);
      out = Windows.drain(h.getOutput(), BudgetControl.class);
      assertThat(out)
          .extracting(c -> c.op + "@" + c.scopeKey)
          .containsExactly("delete@team=ml", "define@team=vision");

      h.processElement(BudgetControl.delete("b1", BudgetControl.FROM_TOPIC, null), 0);
      out = Windows.drain(h.getOutput(), BudgetControl.class);
      assertThat(out)
          .extracting(c -> c.op + "@" + c.scopeKey)
          .containsExactly("delete@team=vision");
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }
}
