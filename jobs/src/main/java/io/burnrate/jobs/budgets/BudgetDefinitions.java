package io.burnrate.jobs.budgets;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by budget id: remembers which scope each budget lives in and where its definition came
 * from, and routes changes to the trackers keyed by scope. A redefinition that moves a budget to
 * another scope deletes it from the old scope's tracker first. The topic wins over the bootstrap
 * file: a file definition applies only while the budget has none from the topic (so a restart that
 * replays the file does not undo a change made on the topic). A tombstone deletes and releases the
 * state.
 */
public final class BudgetDefinitions
    extends KeyedProcessFunction<String, BudgetControl, BudgetControl> {
  private static final long serialVersionUID = 1L;

  private transient ValueState<String> scope;
  private transient ValueState<String> source;

  @Override
  public void open(OpenContext ctx) {
    scope = getRuntimeContext().getState(new ValueStateDescriptor<>("scope", String.class));
    source = getRuntimeContext().getState(new ValueStateDescriptor<>("source", String.class));
  }

  @Override
  public void processElement(BudgetControl c, Context ctx, Collector<BudgetControl> out)
      throws Exception {
    String current = scope.value();
    if (BudgetControl.DELETE.equals(c.op)) {
      if (current != null) {
        out.collect(BudgetControl.delete(c.budgetId, c.source, current));
      }
      scope.clear();
      source.clear();
      return;
    }
    if (BudgetControl.FROM_FILE.equals(c.source)
        && BudgetControl.FROM_TOPIC.equals(source.value())) {
      return;
    }
    if (current != null && !current.equals(c.scopeKey)) {
      out.collect(BudgetControl.delete(c.budgetId, c.source, current));
    }
    scope.update(c.scopeKey);
    source.update(c.source);
    out.collect(c);
  }
}
