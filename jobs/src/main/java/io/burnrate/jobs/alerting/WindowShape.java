package io.burnrate.jobs.alerting;

import io.burnrate.schemas.model.CostWindow;

/** Facts about a cost window's shape that several detectors read. */
public final class WindowShape {
  private WindowShape() {}

  /** GPUs held on average over the window (GPU-seconds / window seconds). */
  public static double gpus(CostWindow w) {
    return w.gpuSeconds / ((w.windowEnd - w.windowStart) / 1000.0);
  }

  /**
   * True when some GPU was held for part of the window only (a pod started or ended in it): its
   * rates are not comparable with those of full windows.
   */
  public static boolean partial(CostWindow w) {
    double g = gpus(w);
    return Math.abs(g - Math.rint(g)) > 1e-6;
  }
}
