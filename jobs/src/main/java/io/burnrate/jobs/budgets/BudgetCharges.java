package io.burnrate.jobs.budgets;

import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.model.CostWindow;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Charges each priced cost window to every scope a budget could have: {@code global}, its cluster,
 * and for workload windows its team, project, namespace, cost center and each of its labels. Idle
 * windows (no workload) count for the cluster and global scopes only: idle GPUs are the cluster's
 * cost. A scope with no budget drops its charges without keeping state.
 */
public final class BudgetCharges implements FlatMapFunction<CostWindow, BudgetCharge> {
  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(CostWindow w, Collector<BudgetCharge> out) {
    if (w.cost == null || w.cost.isNaN() || w.cost.isInfinite()) {
      return; // unpriced: nothing to charge (the node is reported by the cost step)
    }
    emit(Budget.SCOPE_GLOBAL, w, out);
    emit(key(Budget.SCOPE_CLUSTER, w.cluster), w, out);
    if (!CostWindow.KIND_WORKLOAD.equals(w.kind)) {
      return;
    }
    emit(key(Budget.SCOPE_TEAM, w.team), w, out);
    emit(key(Budget.SCOPE_PROJECT, w.project), w, out);
    emit(key(Budget.SCOPE_NAMESPACE, w.namespace), w, out);
    emit(key(Budget.SCOPE_COST_CENTER, w.costCenter), w, out);
    if (w.labels != null) {
      for (Map.Entry<String, String> l : w.labels.entrySet()) {
        if (l.getValue() != null) {
          emit("label:" + l.getKey() + "=" + l.getValue(), w, out);
        }
      }
    }
  }

  private static String key(String kind, String value) {
    return value == null ? null : kind + "=" + value;
  }

  private static void emit(String scopeKey, CostWindow w, Collector<BudgetCharge> out) {
    if (scopeKey != null) {
      out.collect(new BudgetCharge(scopeKey, w.windowStart, w.windowEnd, w.cost, w.currency));
    }
  }
}
