package io.burnrate.jobs.onprem;

import java.io.Serializable;

/**
 * An owned site: the electricity tariff, the currency, and the hardware of its nodes, amortised
 * straight-line over their lifetime. A node belongs to a site by its label {@code
 * burnrate.io/site}. A node-minute costs the GPUs' measured energy x the tariff in force x the
 * overhead factor (cooling, hosting: the site's PUE and more) plus the minute's share of the node's
 * purchase price.
 *
 * @param name the {@code burnrate.io/site} label value
 * @param currency ISO 4217
 * @param tariff price per kWh
 * @param nodePrice purchase price of one node (same currency)
 * @param lifetimeYears straight-line amortisation period
 * @param overhead factor on energy (1.0 = GPUs only; 1.4 = typical PUE with hosting)
 * @param purchasedAt epoch ms the hardware was bought (start of amortisation, payback)
 */
public record Site(
    String name,
    String currency,
    Tariff tariff,
    double nodePrice,
    double lifetimeYears,
    double overhead,
    long purchasedAt)
    implements Serializable {

  /** Milliseconds in a (Julian) year, the unit of lifetimes. */
  public static final double YEAR_MILLIS = 365.25 * 24 * 3_600_000.0;

  /** Amortisation of one node for {@code millis}. */
  public double amortisation(long millis) {
    return nodePrice * millis / (lifetimeYears * YEAR_MILLIS);
  }

  /** Energy cost of {@code joules} at {@code at} (tariff in force), with the overhead. */
  public double energyCost(double joules, long at) {
    return joules / 3.6e6 * tariff.pricePerKwh(at) * overhead;
  }
}
