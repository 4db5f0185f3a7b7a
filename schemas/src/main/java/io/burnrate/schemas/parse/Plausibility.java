package io.burnrate.schemas.parse;

import static io.burnrate.schemas.model.DeadLetter.Reasons.VALUE_OUT_OF_RANGE;

import io.burnrate.schemas.model.BillingLineItem;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What money, rates and dates may be before a record is rejected as implausible (reason {@code
 * out_of_range}, the field and the bound named): a finite number can still be absurd, and one
 * absurd price or bill would become costs, alerts and actions of absurd size, or not fit the lake's
 * decimal columns. Each bound is a job option ({@code bounds.*}, docs/configuration.md).
 *
 * <pre>{@code
 * Plausibility p = Plausibility.DEFAULTS;
 * p.checkBilling(item);                       // billing amounts and dates
 * p.checkPrice("price_per_hour", 32.77, 8);   // a node-hour price of 8 GPUs
 * p.checkBudget("amount", 1000.0);
 * }</pre>
 *
 * @param maxGpuHourPrice the most one GPU-hour may cost (USD or the price's currency)
 * @param maxBillingAmount the most a billing line's amount may be, either sign ({@code |x|})
 * @param minBudget the smallest budget amount
 * @param maxBudget the largest budget amount
 * @param minDate the earliest date a billing row or price may carry (epoch ms, inclusive)
 * @param maxDate the latest date a billing row or price may carry (epoch ms, exclusive)
 */
public record Plausibility(
    double maxGpuHourPrice,
    double maxBillingAmount,
    double minBudget,
    double maxBudget,
    long minDate,
    long maxDate)
    implements Serializable {

  /** GPUs assumed for a price that does not say how many GPUs its instance has. */
  public static final int GPUS_WHEN_UNKNOWN = 16;

  /** 1,000/GPU-h, |billed| 1e9, budgets 0.01..1e12, dates 2000-01-01..2200-01-01. */
  public static final Plausibility DEFAULTS =
      new Plausibility(1_000, 1e9, 0.01, 1e12, epochMillis(2000), epochMillis(2200));

  /** The largest billing amount the lake's {@code decimal(38,12)} columns hold. */
  public static final double MAX_BILLING_AMOUNT_LIMIT = 1e25;

  public Plausibility {
    if (!(maxGpuHourPrice > 0) || Double.isInfinite(maxGpuHourPrice)) {
      throw new IllegalArgumentException("max GPU-hour price: must be > 0 and finite");
    }
    if (!(maxBillingAmount > 0) || maxBillingAmount > MAX_BILLING_AMOUNT_LIMIT) {
      throw new IllegalArgumentException(
          "max billing amount: must be > 0 and at most " + MAX_BILLING_AMOUNT_LIMIT);
    }
    if (!(minBudget > 0) || !(maxBudget >= minBudget) || Double.isInfinite(maxBudget)) {
      throw new IllegalArgumentException("budget bounds: need 0 < min <= max, finite");
    }
    if (minDate >= maxDate) {
      throw new IllegalArgumentException(
          "date bounds: the earliest date must be before the latest");
    }
  }

  /** Midnight UTC of 1 January of {@code year}, in epoch ms. */
  public static long epochMillis(int year) {
    return LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** A price of {@code gpus} GPUs per hour (0: not known, {@value #GPUS_WHEN_UNKNOWN} assumed). */
  public void checkPrice(String field, double perHour, int gpus) throws ParseException {
    int n = gpus > 0 ? gpus : GPUS_WHEN_UNKNOWN;
    double perGpu = perHour / n;
    if (!(perGpu <= maxGpuHourPrice)) {
      throw new ParseException(
          VALUE_OUT_OF_RANGE,
          field
              + ": "
              + perHour
              + " per hour is "
              + perGpu
              + " per GPU-hour ("
              + n
              + (gpus > 0 ? " GPUs" : " GPUs assumed")
              + "), over bounds.max-gpu-hour-price="
              + maxGpuHourPrice);
    }
  }

  /** A budget amount. */
  public void checkBudget(String field, double amount) throws ParseException {
    if (!(amount >= minBudget && amount <= maxBudget)) {
      throw new ParseException(
          VALUE_OUT_OF_RANGE,
          field
              + ": "
              + amount
              + " is outside [bounds.min-budget="
              + minBudget
              + ", bounds.max-budget="
              + maxBudget
              + "]");
    }
  }

  /** A date (epoch ms; negative means absent and passes). */
  public void checkDate(String field, long epochMillis) throws ParseException {
    if (epochMillis == -1) {
      return;
    }
    if (epochMillis < minDate || epochMillis >= maxDate) {
      throw new ParseException(
          VALUE_OUT_OF_RANGE,
          field
              + ": "
              + show(epochMillis)
              + " is outside [bounds.min-date="
              + Instant.ofEpochMilli(minDate)
              + ", bounds.max-date="
              + Instant.ofEpochMilli(maxDate)
              + ")");
    }
  }

  /** An amount of money of a billing line (NaN means absent and passes). */
  public void checkAmount(String field, double v) throws ParseException {
    if (Double.isNaN(v)) {
      return;
    }
    if (!(Math.abs(v) <= maxBillingAmount)) {
      throw new ParseException(
          VALUE_OUT_OF_RANGE,
          field + ": " + v + " is outside +-bounds.max-billing-amount=" + maxBillingAmount);
    }
  }

  /**
   * Every amount and date of a billing row (quantities are not money: they are only held to what
   * the lake's columns take, where the row is written).
   */
  public void checkBilling(BillingLineItem b) throws ParseException {
    checkAmount("BilledCost", b.billedCost);
    checkAmount("EffectiveCost", b.effectiveCost);
    checkAmount("ListCost", b.listCost);
    checkAmount("ContractedCost", b.contractedCost);
    checkDate("ChargePeriodStart", b.chargePeriodStart);
    checkDate("ChargePeriodEnd", b.chargePeriodEnd);
    checkDate("BillingPeriodStart", b.billingPeriodStart);
    checkDate("BillingPeriodEnd", b.billingPeriodEnd);
    checkDate("x_DeliveredAt", b.deliveredAt);
  }

  private static String show(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}
