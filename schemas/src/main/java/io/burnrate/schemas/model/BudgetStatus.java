package io.burnrate.schemas.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a budget stands in its current period: spend to date, the forecast for the whole period,
 * the thresholds crossed (actually and by forecast) and the projected time of breach. Published
 * when it changes; the Kafka key is {@link #budgetId} (compacted: the latest status per budget),
 * the Iceberg table keeps the history.
 */
public class BudgetStatus {
  public static final String OK = "ok";

  /** The forecast for the period reaches 100% of the amount. */
  public static final String AT_RISK = "at_risk";

  /** Spend to date reached 100% of the amount. */
  public static final String EXCEEDED = "exceeded";

  /** {@code budgetId/periodStart/asOf}. */
  public String id;

  public String budgetId;

  /** {@code global}, {@code team=ml}, {@code label:env=prod}, ... */
  public String scope;

  /** {@code day}, {@code week} or {@code month}. */
  public String period;

  public String timeZone;

  /** Period bounds (epoch ms), [start, end), local midnights in {@link #timeZone}. */
  public long periodStart;

  public long periodEnd;

  /** Event time of this status (the end of the last window counted). */
  public long asOf;

  public double amount;
  public String currency;
  public double spend;

  /** Spend to date plus the projected spend to the end of the period (the point forecast). */
  public double forecast;

  /**
   * The forecast's 80% interval (p10, p90): spend to date plus the 10th and 90th percentile of the
   * spend still to come. Wide with little history, narrowing as the forecaster proves itself.
   */
  public double forecastLow;

  public double forecastHigh;

  /**
   * The forecaster's recent accuracy: the smoothed mean absolute percentage error of its forecasts
   * of the next 24 hours' spend, compared 24 hours later (about the last few days); NaN (JSON null)
   * before one could be compared.
   */
  public double forecastErrorPercent = Double.NaN;

  /** Complete hours of spend the forecaster has learned from (its history depth). */
  public int forecastHistoryHours;

  /** {@code spend / amount x 100}. */
  public double percent;

  public double forecastPercent;

  /** Threshold percentages crossed by actual spend this period, ascending. */
  public List<Double> thresholdsCrossed = new ArrayList<>();

  /**
   * Threshold percentages whose forecast alert is open (the forecast reached them and has not
   * fallen back below them for long enough), ascending.
   */
  public List<Double> forecastThresholdsCrossed = new ArrayList<>();

  /** When the forecast reaches 100% (epoch ms), or -1 when it does not this period. */
  public long projectedBreachAt = -1;

  /** {@code ok}, {@code at_risk} or {@code exceeded}. */
  public String status;

  public BudgetStatus() {}

  @Override
  public String toString() {
    return "BudgetStatus{"
        + budgetId
        + " "
        + status
        + " "
        + percent
        + "% forecast "
        + forecastPercent
        + "%}";
  }
}
