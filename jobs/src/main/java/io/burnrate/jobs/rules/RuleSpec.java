package io.burnrate.jobs.rules;

import java.io.Serializable;

/**
 * One rule's settings for one scope: fire when the value is past {@link #threshold} (above it when
 * {@link #above}, else below) for {@link #forMillis} of event time; once firing, resolve only when
 * the value is back past {@link #resolveThreshold} (hysteresis) and has stayed there for {@link
 * #keepFiringForMillis}. A series that flaps inside those bounds fires once and resolves once.
 */
public record RuleSpec(
    boolean enabled,
    boolean above,
    double threshold,
    double resolveThreshold,
    long forMillis,
    long keepFiringForMillis,
    String severity)
    implements Serializable {

  /**
   * True when {@code v} meets the firing condition: strictly past the threshold, as the alert's
   * text says ("60% < 60%" never fires). A value within rounding error of the threshold (a mean of
   * exactly-60% readings summed in doubles is 0.5999999999999999) is at the threshold, not past it.
   */
  public boolean breaches(double v) {
    double eps = 1e-9 * Math.max(1.0, Math.abs(threshold));
    return above ? v > threshold + eps : v < threshold - eps;
  }

  /** True when {@code v} is back on the healthy side of the resolve threshold. */
  public boolean clears(double v) {
    return above ? v < resolveThreshold : v > resolveThreshold;
  }

  /** A copy with another threshold; the resolve threshold keeps its ratio to it. */
  RuleSpec withThreshold(double t, Double resolve) {
    double r = resolve != null ? resolve : resolveThreshold * (t / threshold);
    return new RuleSpec(enabled, above, t, r, forMillis, keepFiringForMillis, severity);
  }

  RuleSpec with(
      Boolean enabled, Double resolve, Long forMillis, Long keepFiringForMillis, String severity) {
    return new RuleSpec(
        enabled != null ? enabled : this.enabled,
        above,
        threshold,
        resolve != null ? resolve : resolveThreshold,
        forMillis != null ? forMillis : this.forMillis,
        keepFiringForMillis != null ? keepFiringForMillis : this.keepFiringForMillis,
        severity != null ? severity : this.severity);
  }
}
