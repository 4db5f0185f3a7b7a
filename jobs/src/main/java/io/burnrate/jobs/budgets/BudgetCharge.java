package io.burnrate.jobs.budgets;

/** A window's cost charged to one budget scope ({@link #scopeKey}, e.g. {@code team=ml}). */
public class BudgetCharge {
  public String scopeKey;
  public long windowStart;
  public long windowEnd;
  public double cost;
  public String currency;

  public BudgetCharge() {}

  public BudgetCharge(
      String scopeKey, long windowStart, long windowEnd, double cost, String currency) {
    this.scopeKey = scopeKey;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.cost = cost;
    this.currency = currency;
  }
}
