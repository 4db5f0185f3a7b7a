package io.burnrate.jobs.budgets;

import io.burnrate.schemas.model.Budget;

/**
 * A change of a budget definition on its way to the trackers: define (or redefine) or delete,
 * addressed by budget id and, once routed by {@link BudgetDefinitions}, by the scope key whose
 * tracker holds the budget.
 */
public class BudgetControl {
  public static final String DEFINE = "define";
  public static final String DELETE = "delete";

  /** Where the definition came from: the bootstrap file or the config topic (which wins). */
  public static final String FROM_FILE = "file";

  public static final String FROM_TOPIC = "topic";

  public String op;
  public String budgetId;
  public String source;

  /** The scope key of the tracker this control is for (set by {@link BudgetDefinitions}). */
  public String scopeKey;

  /** The definition; null for deletes. */
  public Budget budget;

  public BudgetControl() {}

  public static BudgetControl define(Budget b, String source) {
    BudgetControl c = new BudgetControl();
    c.op = DEFINE;
    c.budgetId = b.id;
    c.source = source;
    c.scopeKey = b.scopeKey();
    c.budget = b;
    return c;
  }

  public static BudgetControl delete(String budgetId, String source, String scopeKey) {
    BudgetControl c = new BudgetControl();
    c.op = DELETE;
    c.budgetId = budgetId;
    c.source = source;
    c.scopeKey = scopeKey;
    return c;
  }

  @Override
  public String toString() {
    return "BudgetControl{" + op + " " + budgetId + " @" + scopeKey + " from " + source + "}";
  }
}
