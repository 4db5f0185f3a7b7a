package io.burnrate.jobs.rules;

/**
 * The rule state machine, pure (no Flink): one step per window of a series.
 *
 * <pre>
 *  INACTIVE --breach--> PENDING --breach held for `for`--> FIRING   (emit firing)
 *  PENDING  --no breach--> INACTIVE
 *  FIRING   --clear (past the resolve threshold) held for keep_firing_for--> INACTIVE (emit resolved)
 *  FIRING   --not clear--> FIRING (the clear timer restarts)
 * </pre>
 *
 * Durations are event time: {@code for} is measured from the start of the first breaching window to
 * the end of the current one, so with 1-minute windows and {@code for: 30m} the 30th breaching
 * window fires. A {@code for} of 0 fires on the first breaching window.
 */
public final class RuleEvaluator {
  private RuleEvaluator() {}

  /** What a step did. */
  public enum Transition {
    NONE,
    FIRED,
    RESOLVED
  }

  public static Transition step(
      RuleSpec spec, RuleState s, long windowStart, long windowEnd, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Transition.NONE;
    }
    s.lastValue = value;
    switch (s.phase) {
      case RuleState.FIRING -> {
        if (!spec.clears(value)) {
          s.clearSince = -1;
          return Transition.NONE;
        }
        if (s.clearSince < 0) {
          s.clearSince = windowStart;
        }
        if (windowEnd - s.clearSince >= spec.keepFiringForMillis()) {
          reset(s);
          return Transition.RESOLVED;
        }
        return Transition.NONE;
      }
      case RuleState.PENDING -> {
        if (!spec.breaches(value)) {
          reset(s);
          return Transition.NONE;
        }
        return fireIfHeld(spec, s, windowEnd);
      }
      default -> {
        if (!spec.enabled() || !spec.breaches(value)) {
          return Transition.NONE;
        }
        s.phase = RuleState.PENDING;
        s.pendingSince = windowStart;
        return fireIfHeld(spec, s, windowEnd);
      }
    }
  }

  private static Transition fireIfHeld(RuleSpec spec, RuleState s, long windowEnd) {
    if (windowEnd - s.pendingSince < spec.forMillis()) {
      return Transition.NONE;
    }
    s.phase = RuleState.FIRING;
    s.firingSince = windowEnd;
    s.clearSince = -1;
    return Transition.FIRED;
  }

  private static void reset(RuleState s) {
    s.phase = RuleState.INACTIVE;
    s.pendingSince = -1;
    s.firingSince = -1;
    s.clearSince = -1;
  }
}
