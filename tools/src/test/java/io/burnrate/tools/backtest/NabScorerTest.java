package io.burnrate.tools.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NAB's scoring on series small enough to score by hand: the expected values below are worked out
 * from the definition in Lavin and Ahmad (2015), not from the scorer's code. The scorer is also
 * checked against NAB's published results (docs/anomaly-detection.md), which needs a NAB checkout.
 */
class NabScorerTest {

  private static final long T0 = 1_400_000_000_000L;
  private static final long STEP = 300_000L;

  /** 100 rows (15 probationary), one window over rows 40-49. */
  private static NabScorer.Scored series(double[] scores) {
    long[] ts = new long[100];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = T0 + i * STEP;
    }
    return new NabScorer.Scored("cat/a.csv", ts, scores, List.of(new long[] {ts[40], ts[49]}));
  }

  /** S(p) = 2 / (1 + e^(5p)) - 1, by hand for the positions used below. */
  private static double s(double p) {
    return 2.0 / (1.0 + Math.exp(5.0 * p)) - 1.0;
  }

  @Test
  void earliestDetectionInTheWindowAndPositionWeightedFalsePositives() {
    double[] sc = new double[100];
    sc[5] = 0.9; // probationary: never counts
    sc[20] = 0.9; // before any window: a full false positive
    sc[45] = 0.9; // in the window, 5 rows before its right edge: p = -(49 - 45 + 1) / 10 = -0.5
    sc[47] = 0.9; // later in the same window: the earlier detection is what counts
    sc[70] = 0.9; // after the window: d = (70 - 49) / (10 - 1)
    NabScorer.Result r = NabScorer.scoreAt(List.of(series(sc)), NabScorer.Profile.STANDARD, 0.5);
    double tp = s(-0.5) / s(-1.0);
    double fpAfter = 0.11 * s(21.0 / 9.0);
    double expectedRaw = tp - 0.11 + fpAfter;
    assertThat(r.raw()).isCloseTo(expectedRaw, within(1e-12));
    assertThat(r.detectedWindows()).isEqualTo(1);
    assertThat(r.falsePositives()).isEqualTo(2);
    // null = -1 (one window missed), perfect = +1
    assertThat(r.normalised()).isCloseTo(100 * (expectedRaw + 1) / 2, within(1e-9));
  }

  @Test
  void theOptimiserKeepsTheThresholdThatLeavesOutCostlyFalsePositives() {
    double[] sc = new double[100];
    sc[42] = 0.6; // detection early in the window: p = -(49 - 42 + 1) / 10 = -0.8
    for (int i = 60; i < 70; i += 2) {
      sc[i] = 0.7; // 5 false positives scoring above the true detection
    }
    NabScorer.Result best = NabScorer.score(List.of(series(sc)), NabScorer.Profile.STANDARD);
    // at 0.6 the window is worth s(-0.8)/s(-1) ~ 0.99 and 5 false positives cost ~ 5 * 0.11;
    // at 0.7 the window is missed (-1) with the same false positives; detecting nothing gives -1
    double at06 = s(-0.8) / s(-1.0);
    for (int i = 60; i < 70; i += 2) {
      double d = (i - 49) / 9.0;
      at06 += 0.11 * (d > 3 ? -1.0 : s(d));
    }
    assertThat(at06).isGreaterThan(-1.0);
    assertThat(best.threshold()).isEqualTo(0.6);
    assertThat(best.raw()).isCloseTo(at06, within(1e-12));
    // the low-FN profile doubles the cost of a miss; low-FP doubles that of a false positive
    NabScorer.Result lowFp = NabScorer.score(List.of(series(sc)), NabScorer.Profile.LOW_FP);
    double at06LowFp = s(-0.8) / s(-1.0) + 2 * (at06 - s(-0.8) / s(-1.0));
    assertThat(lowFp.raw()).isCloseTo(Math.max(at06LowFp, -1.0), within(1e-12));
  }

  @Test
  void aWindowBoundaryThatIsNotARowIsAnError() {
    long[] ts = {T0, T0 + STEP, T0 + 2 * STEP};
    NabScorer.Scored bad =
        new NabScorer.Scored("cat/b.csv", ts, new double[3], List.of(new long[] {T0 + 1, ts[2]}));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> NabScorer.score(List.of(bad), NabScorer.Profile.STANDARD))
        .hasMessageContaining("cat/b.csv");
  }
}
