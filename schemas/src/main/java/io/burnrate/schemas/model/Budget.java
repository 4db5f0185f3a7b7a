package io.burnrate.schemas.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A budget definition from {@code burnrate.config.budgets} (keyed by {@link #id}) or the bootstrap
 * file: how much a scope may spend per calendar period, which percentages alert and which
 * escalation each percentage triggers. JSON contract: {@code burnrate.config.budgets.schema.json}.
 */
public class Budget {
  public static final String SCOPE_GLOBAL = "global";
  public static final String SCOPE_TEAM = "team";
  public static final String SCOPE_PROJECT = "project";
  public static final String SCOPE_NAMESPACE = "namespace";
  public static final String SCOPE_COST_CENTER = "cost-center";
  public static final String SCOPE_CLUSTER = "cluster";
  public static final String SCOPE_LABEL = "label";

  public static final String DAY = "day";
  public static final String WEEK = "week";
  public static final String MONTH = "month";

  public static final String SWITCH_TO_SPOT = "switch_to_spot";
  public static final String REDUCE_BATCH_SIZE = "reduce_batch_size";
  public static final String STOP_NON_CRITICAL = "stop_non_critical";

  /** One escalation: at {@link #atPercent} of the amount, ask for {@link #action}. */
  public static class Escalation {
    public double atPercent;
    public String action;

    public Escalation() {}

    public Escalation(double atPercent, String action) {
      this.atPercent = atPercent;
      this.action = action;
    }
  }

  public String id;

  /** One of the {@code SCOPE_*} constants. */
  public String scopeKind;

  /** The label key when {@link #scopeKind} is {@code label}; else null. */
  public String scopeLabel;

  /** The team, project, ... the budget covers; null for {@code global}. */
  public String scopeValue;

  /** {@code day}, {@code week} (ISO, from Monday) or {@code month}. */
  public String period;

  /** Time zone of the period boundaries (IANA id). */
  public String timeZone;

  public double amount;
  public String currency;

  /** Alerting percentages of {@link #amount}, ascending. */
  public List<Double> thresholds = new ArrayList<>();

  public List<Escalation> escalations = new ArrayList<>();

  public Budget() {}

  /** The scope as one string: {@code global}, {@code team=ml}, {@code label:env=prod}. */
  public String scopeKey() {
    if (SCOPE_GLOBAL.equals(scopeKind)) {
      return SCOPE_GLOBAL;
    }
    if (SCOPE_LABEL.equals(scopeKind)) {
      return "label:" + scopeLabel + "=" + scopeValue;
    }
    return scopeKind + "=" + scopeValue;
  }

  @Override
  public String toString() {
    return "Budget{" + id + " " + scopeKey() + " " + amount + " " + currency + "/" + period + "}";
  }
}
