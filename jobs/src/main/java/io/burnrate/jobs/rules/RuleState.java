package io.burnrate.jobs.rules;

/**
 * Where one rule stands for one series: inactive, pending (condition met since {@link
 * #pendingSince}) or firing (since {@link #firingSince}; {@link #clearSince} is when the value went
 * back past the resolve threshold, -1 while it is not). A Flink POJO kept in keyed state.
 */
public class RuleState {
  public static final int INACTIVE = 0;
  public static final int PENDING = 1;
  public static final int FIRING = 2;

  public int phase = INACTIVE;
  public long pendingSince = -1;
  public long firingSince = -1;
  public long clearSince = -1;

  /** The value of the last window evaluated. */
  public double lastValue = Double.NaN;

  public RuleState() {}

  public boolean firing() {
    return phase == FIRING;
  }
}
