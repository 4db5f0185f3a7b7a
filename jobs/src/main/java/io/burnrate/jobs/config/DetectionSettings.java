package io.burnrate.jobs.config;

import io.burnrate.jobs.actions.SizingConfig;
import io.burnrate.jobs.budgets.ForecastSettings;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.jobs.rules.RuleConfig;
import io.burnrate.jobs.training.TrainingConfig;
import io.burnrate.schemas.model.Budget;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * What the detection steps need: the rules' settings, the bootstrap budgets (already validated),
 * the default time zone of budgets, the rate card (for savings), how long a silent series is kept,
 * the dead-letter payload limit, the plausibility bounds, the sizing advice's and the training
 * signals' settings, and the budgets' forecast alerting and kept scope history.
 */
public record DetectionSettings(
    RuleConfig rules,
    List<Budget> bootstrapBudgets,
    String budgetTimeZone,
    RateCard rateCard,
    Duration seriesTimeout,
    int dlqMaxPayloadBytes,
    io.burnrate.schemas.parse.Plausibility bounds,
    SizingConfig sizing,
    TrainingConfig training,
    ForecastSettings budgetForecast)
    implements Serializable {

  /** Built-in rules, no bootstrap budgets, UTC, the bundled rate card. */
  public static DetectionSettings defaults() {
    return new DetectionSettings(
        RuleConfig.defaults(100.0),
        List.of(),
        "UTC",
        RateCard.bundled(),
        Duration.ofMinutes(15),
        16 * 1024,
        io.burnrate.schemas.parse.Plausibility.DEFAULTS,
        SizingConfig.defaults(),
        TrainingConfig.defaults(),
        ForecastSettings.defaults());
  }
}
