package io.burnrate.jobs.reconcile;

import io.burnrate.schemas.model.CostAllocation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * What reconciliation keeps for one resource-hour: the estimate's allocation rows (pods, then the
 * idle row, which completes them) and the billed amounts last published for it. The charges
 * themselves are held once per resource ({@link ChargeBook}). A Flink POJO.
 */
public class ReconHour {
  public long hourStart;

  /** The estimate as settled (version 0): pod rows, then the idle row. */
  public List<CostAllocation> estimate = new ArrayList<>();

  /** True once the idle row (the last of an hour) arrived. */
  public boolean complete;

  /** Version of the last correction published for this hour (0: none yet). */
  public int version;

  /** Billed amount of the last correction (null: none published). */
  public BigDecimal publishedBilled;

  /** Effective amount of the last correction. */
  public BigDecimal publishedEffective;

  public ReconHour() {}

  /** The hour's weight when a multi-hour charge is put on the hours the node ran. */
  public double presence() {
    if (estimate.isEmpty()) {
      return 0;
    }
    double gpuSeconds = estimate.get(0).nodeGpuSeconds;
    return gpuSeconds > 0 ? gpuSeconds : 1.0;
  }
}
