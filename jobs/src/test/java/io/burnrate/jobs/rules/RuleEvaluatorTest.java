package io.burnrate.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.rules.RuleEvaluator.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure state machine: for, hold, hysteresis, keep_firing_for, flapping. */
class RuleEvaluatorTest {
  private static final long MIN = 60_000;
  private final RuleSpec idle =
      new RuleSpec(true, false, 0.10, 0.15, 30 * MIN, 10 * MIN, "warning");

  private List<Transition> run(RuleSpec spec, RuleState s, double... values) {
    List<Transition> out = new ArrayList<>();
    for (int m = 0; m < values.length; m++) {
      Transition t = RuleEvaluator.step(spec, s, m * MIN, (m + 1) * MIN, values[m]);
      if (t != Transition.NONE) {
        out.add(t);
      }
    }
    return out;
  }

  private static double[] repeat(double v, int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Test
  void firesAfterTheForDurationNotBefore() {
    RuleState s = new RuleState();
    assertThat(run(idle, s, repeat(0.02, 29))).isEmpty();
    assertThat(s.phase).isEqualTo(RuleState.PENDING);
    assertThat(RuleEvaluator.step(idle, s, 29 * MIN, 30 * MIN, 0.02)).isEqualTo(Transition.FIRED);
    assertThat(s.firingSince).isEqualTo(30 * MIN);
  }

  @Test
  void aBreakWhilePendingStartsOver() {
    RuleState s = new RuleState();
    double[] v = repeat(0.02, 60);
    v[20] = 0.5;
    v[45] = 0.5;
    assertThat(run(idle, s, v)).isEmpty();
  }

  @Test
  void holdsInsideTheHysteresisBandAndResolvesAfterKeepFiringFor() {
    RuleState s = new RuleState();
    List<Transition> t = new ArrayList<>(run(idle, s, repeat(0.02, 30)));
    assertThat(t).containsExactly(Transition.FIRED);
    // 0.12 is above the threshold but below the resolve threshold: still firing
    for (int m = 30; m < 60; m++) {
      assertThat(RuleEvaluator.step(idle, s, m * MIN, (m + 1) * MIN, 0.12))
          .isEqualTo(Transition.NONE);
    }
    assertThat(s.firing()).isTrue();
    for (int m = 60; m < 69; m++) {
      assertThat(RuleEvaluator.step(idle, s, m * MIN, (m + 1) * MIN, 0.5))
          .isEqualTo(Transition.NONE);
    }
    assertThat(RuleEvaluator.step(idle, s, 69 * MIN, 70 * MIN, 0.5)).isEqualTo(Transition.RESOLVED);
    assertThat(s.phase).isEqualTo(RuleState.INACTIVE);
  }

  @Test
  void aFlappingSeriesFiresOnceAndResolvesOnce() {
    RuleState s = new RuleState();
    double[] v = new double[200];
    for (int m = 0; m < v.length; m++) {
      if (m < 40) {
        v[m] = 0.02;
      } else if (m < 150) {
        v[m] = (m / 3) % 2 == 0 ? 0.02 : 0.6; // flaps every 3 minutes
      } else {
        v[m] = 0.6;
      }
    }
    assertThat(run(idle, s, v)).containsExactly(Transition.FIRED, Transition.RESOLVED);
  }

  @Test
  void aboveRulesAndAZeroForFireOnTheFirstWindow() {
    RuleSpec spend = new RuleSpec(true, true, 100, 90, 0, 0, "critical");
    RuleState s = new RuleState();
    assertThat(RuleEvaluator.step(spend, s, 0, MIN, 101)).isEqualTo(Transition.FIRED);
    assertThat(RuleEvaluator.step(spend, s, MIN, 2 * MIN, 95)).isEqualTo(Transition.NONE);
    assertThat(RuleEvaluator.step(spend, s, 2 * MIN, 3 * MIN, 80)).isEqualTo(Transition.RESOLVED);
  }

  @Test
  void missingValuesAndDisabledRulesChangeNothing() {
    RuleState s = new RuleState();
    assertThat(RuleEvaluator.step(idle, s, 0, MIN, Double.NaN)).isEqualTo(Transition.NONE);
    assertThat(s.phase).isEqualTo(RuleState.INACTIVE);
    RuleSpec off = new RuleSpec(false, false, 0.1, 0.15, 0, 0, "info");
    assertThat(RuleEvaluator.step(off, s, 0, MIN, 0.0)).isEqualTo(Transition.NONE);
  }

  @Test
  void firesOnlyStrictlyPastTheThresholdAsItsTextSays() {
    RuleSpec under = new RuleSpec(true, false, 0.60, 0.65, 0, 0, "info");
    // a mean of exactly-60% readings summed in doubles: "60% < 60%" must not fire
    double mean = (0.6 * 3 + 0.6 * 7) / 10; // 0.6 or a hair below it
    assertThat(under.breaches(0.6)).isFalse();
    assertThat(under.breaches(0.5999999999999999)).isFalse();
    assertThat(under.breaches(mean)).isFalse();
    assertThat(under.breaches(0.5999)).isTrue();
    RuleSpec over = new RuleSpec(true, true, 0.95, 0.90, 0, 0, "warning");
    assertThat(over.breaches(0.95)).isFalse();
    assertThat(over.breaches(0.9500000000000001)).isFalse();
    assertThat(over.breaches(0.9501)).isTrue();
    // a value just past the threshold is shown with the decimals that tell it apart
    assertThat(RuleFunction.shown(RuleConfig.UNDER_UTILIZATION, 0.5996, 0.60)).isEqualTo("59.96%");
    assertThat(RuleFunction.shown(RuleConfig.UNDER_UTILIZATION, 0.5951, 0.60)).isEqualTo("59.5%");
    assertThat(RuleFunction.shown(RuleConfig.UNDER_UTILIZATION, 0.42, 0.60)).isEqualTo("42%");
  }
}
