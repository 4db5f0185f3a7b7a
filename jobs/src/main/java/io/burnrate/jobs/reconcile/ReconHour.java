package io.burnrate.jobs.reconcile;

import io.burnrate.schemas.model.CostAllocation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What reconciliation keeps for one resource-hour: the estimate's allocation rows (pods, then the
 * idle row, which completes them) and the billed usage charges of the current delivery. A Flink
 * POJO.
 */
public class ReconHour {
  public long hourStart;

  /** The estimate as settled (version 0): pod rows, then the idle row. */
  public List<CostAllocation> estimate = new ArrayList<>();

  /** True once the idle row (the last of an hour) arrived. */
  public boolean complete;

  /** Billed and effective cost by charge key, of the current delivery. */
  public Map<String, Amounts> charges = new HashMap<>();

  /** The delivery the charges belong to (null: rows without delivery, latest row wins). */
  public String delivery;

  public long deliveredAt = Long.MIN_VALUE;

  public String currency;

  /** Version of the last correction published for this hour (0: none yet). */
  public int version;

  /** Whether the charges changed since the last correction. */
  public boolean dirty;

  public ReconHour() {}

  public boolean billed() {
    return !charges.isEmpty();
  }

  /** Billed and effective amounts of one charge. */
  public static class Amounts {
    public BigDecimal billed = BigDecimal.ZERO;
    public BigDecimal effective = BigDecimal.ZERO;

    public Amounts() {}
  }
}
