package io.burnrate.jobs.training;

import io.burnrate.schemas.model.CostWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * The training-aware signals of one workload, as a pure state machine over its 1-minute windows:
 *
 * <ul>
 *   <li><b>Plateau</b>: {@code val_loss} has not improved by {@code minDelta} for {@code patience}
 *       evaluations: stop early, saving what the rest of the run would burn at its current rate.
 *       Resolves when it improves again.
 *   <li><b>Diverged</b>: the loss became NaN or infinite, or stayed above {@code divergeFactor} x
 *       the run's lowest loss for {@code divergeFor} windows: stop the run. Resolves when the loss
 *       is back under the factor for as many windows.
 *   <li><b>Throughput collapse after a restart</b>: the step counter went back (the job restarted
 *       from a checkpoint or from scratch) and samples/s stayed under {@code collapseRatio} of the
 *       run's own pre-restart baseline for {@code collapseFor} minutes. Resolves after as many
 *       minutes at or above it.
 * </ul>
 */
public final class TrainingSignals {
  public static final String PLATEAU = "TrainingPlateau";
  public static final String DIVERGED = "TrainingDiverged";
  public static final String COLLAPSE = "ThroughputCollapseAfterRestart";

  /** A state change: which signal, whether it opened or resolved, and the evidence. */
  public record Change(String signal, boolean open, String evidence, double observed) {}

  /** How long a run would go on if nobody stopped it, and on what that rests, in words. */
  public record Remaining(double hours, String basis) {}

  /** The least span of step readings a step rate is taken from. */
  static final long MIN_RATE_MILLIS = 5 * 60_000L;

  private final TrainingConfig cfg;

  public TrainingSignals(TrainingConfig cfg) {
    this.cfg = cfg;
  }

  public List<Change> update(TrainingState s, CostWindow w) {
    List<Change> out = new ArrayList<>(1);
    s.lastWindowEnd = w.windowEnd;
    if (w.cost != null) {
      double perHour = w.cost * 60;
      s.costPerHour = Double.isNaN(s.costPerHour) ? perHour : 0.8 * s.costPerHour + 0.2 * perHour;
      s.currency = w.currency;
    }
    progress(s, w);
    plateau(s, w, out);
    diverged(s, w, out);
    collapse(s, w, out);
    return out;
  }

  /** The step rate since the first reading or the last restart, and the planned steps. */
  private static void progress(TrainingState s, CostWindow w) {
    if (w.step != null) {
      if (Double.isNaN(s.latestStep) || w.step < s.latestStep) {
        s.rateFromStep = w.step; // first reading, or a restart: the rate starts again
        s.rateFromAt = w.windowEnd;
      }
      s.latestStep = w.step;
      s.latestStepAt = w.windowEnd;
    }
    if (w.totalSteps != null) {
      s.totalSteps = w.totalSteps;
    }
  }

  /** Optimizer steps per hour since the first reading or the last restart; NaN before 5 min. */
  static double stepsPerHour(TrainingState s) {
    long span = s.latestStepAt - s.rateFromAt;
    if (Double.isNaN(s.latestStep) || span < MIN_RATE_MILLIS) {
      return Double.NaN;
    }
    return (s.latestStep - s.rateFromStep) / (span / 3_600_000.0);
  }

  /**
   * The hours the run would go on: the steps left ({@code total_steps - step}) at its own step rate
   * when it reports {@code total_steps}; otherwise the configured assumption, said so.
   */
  public Remaining remaining(TrainingState s) {
    double rate = stepsPerHour(s);
    if (!Double.isNaN(s.totalSteps) && !Double.isNaN(s.latestStep) && rate > 0) {
      double left = Math.max(0, s.totalSteps - s.latestStep);
      double hours = left / rate;
      return new Remaining(
          hours,
          String.format(
              java.util.Locale.ROOT,
              "%.0f of its %.0f planned steps left (total_steps) at its %.1f steps/h = %.2f h",
              left,
              s.totalSteps,
              rate,
              hours));
    }
    return new Remaining(
        cfg.assumedRemainingHours(),
        String.format(
            java.util.Locale.ROOT,
            "assumes the run would go on for %.1f h more (training.assumed-remaining-hours): %s",
            cfg.assumedRemainingHours(),
            Double.isNaN(s.totalSteps)
                ? "it reports no total_steps"
                : "no step rate yet (step readings over 5 min are needed)"));
  }

  private void plateau(TrainingState s, CostWindow w, List<Change> out) {
    if (w.valLoss == null) {
      return;
    }
    double v = w.valLoss;
    s.evaluations++;
    if (Double.isNaN(s.bestValLoss) || v < s.bestValLoss * (1 - cfg.minDelta())) {
      s.bestValLoss = v;
      s.evaluationsSinceImprovement = 0;
      if (s.plateauOpen) {
        s.plateauOpen = false;
        out.add(new Change(PLATEAU, false, "val_loss improved to " + fmt(v), v));
      }
      return;
    }
    s.evaluationsSinceImprovement++;
    if (!s.plateauOpen && s.evaluationsSinceImprovement >= cfg.patience()) {
      s.plateauOpen = true;
      s.plateauSince = w.windowEnd;
      out.add(
          new Change(
              PLATEAU,
              true,
              "val_loss has not improved by "
                  + fmt(cfg.minDelta() * 100)
                  + "% for "
                  + s.evaluationsSinceImprovement
                  + " evaluations (best "
                  + fmt(s.bestValLoss)
                  + ", last "
                  + fmt(v)
                  + ")",
              v));
    }
  }

  private void diverged(TrainingState s, CostWindow w, List<Change> out) {
    boolean nonFinite = w.lossNonFinite;
    if (w.loss == null && !nonFinite) {
      return;
    }
    boolean rising = nonFinite;
    if (!nonFinite) {
      double l = w.loss;
      s.lossReadings++;
      rising =
          !Double.isNaN(s.minLoss)
              && s.lossReadings > cfg.divergeFor()
              && l > cfg.divergeFactor() * s.minLoss;
      if (Double.isNaN(s.minLoss) || l < s.minLoss) {
        s.minLoss = l;
      }
    }
    if (rising) {
      s.risingReadings++;
      s.recoveredReadings = 0;
    } else {
      s.recoveredReadings++;
      s.risingReadings = 0;
    }
    if (!s.divergedOpen && (nonFinite || s.risingReadings >= cfg.divergeFor())) {
      s.divergedOpen = true;
      s.divergedSince = w.windowEnd;
      out.add(
          new Change(
              DIVERGED,
              true,
              nonFinite
                  ? "the loss became NaN or infinite"
                  : "the loss ("
                      + fmt(w.loss)
                      + ") stayed above "
                      + fmt(cfg.divergeFactor())
                      + "x the run's lowest ("
                      + fmt(s.minLoss)
                      + ") for "
                      + s.risingReadings
                      + " minutes",
              w.loss == null ? Double.NaN : w.loss));
    } else if (s.divergedOpen && s.recoveredReadings >= cfg.divergeFor()) {
      s.divergedOpen = false;
      out.add(new Change(DIVERGED, false, "the loss is back near its lowest", w.loss));
    }
  }

  private void collapse(TrainingState s, CostWindow w, List<Change> out) {
    if (w.step != null) {
      if (!Double.isNaN(s.lastStep) && w.step < s.lastStep) {
        s.restartedAt = w.windowEnd; // the step counter went back: a restart
        s.slowMinutes = 0;
        s.fastMinutes = 0;
      }
      s.lastStep = w.step;
    }
    if (w.samples == null || w.gpuSeconds <= 0) {
      return;
    }
    double rate = w.samples / ((w.windowEnd - w.windowStart) / 1000.0);
    boolean afterRestart = s.restartedAt != Long.MIN_VALUE;
    if (!afterRestart) {
      // learn the run's own throughput before any restart
      s.baselineMinutes++;
      s.baselineRate =
          Double.isNaN(s.baselineRate)
              ? rate
              : s.baselineRate + (rate - s.baselineRate) / Math.min(s.baselineMinutes, 60);
      return;
    }
    if (Double.isNaN(s.baselineRate) || s.baselineMinutes < 5 || s.baselineRate <= 0) {
      return;
    }
    if (rate < cfg.collapseRatio() * s.baselineRate) {
      s.slowMinutes++;
      s.fastMinutes = 0;
    } else {
      s.fastMinutes++;
      s.slowMinutes = 0;
    }
    if (!s.collapseOpen && s.slowMinutes >= cfg.collapseFor()) {
      s.collapseOpen = true;
      s.collapseSince = w.windowEnd;
      out.add(
          new Change(
              COLLAPSE,
              true,
              "since the restart, "
                  + fmt(rate)
                  + " samples/s for "
                  + s.slowMinutes
                  + " minutes, under "
                  + fmt(cfg.collapseRatio() * 100)
                  + "% of its own "
                  + fmt(s.baselineRate)
                  + " samples/s before",
              rate));
    } else if (s.collapseOpen && s.fastMinutes >= cfg.collapseFor()) {
      s.collapseOpen = false;
      out.add(
          new Change(COLLAPSE, false, "throughput is back to " + fmt(rate) + " samples/s", rate));
    }
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    return Math.abs(v) >= 100
        ? String.format(java.util.Locale.ROOT, "%.0f", v)
        : String.format(java.util.Locale.ROOT, "%.4g", v);
  }
}
