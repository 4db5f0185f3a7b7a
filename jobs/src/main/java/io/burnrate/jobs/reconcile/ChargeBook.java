package io.burnrate.jobs.reconcile;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * The billed charges of one resource, as reconciliation holds them: the current rows by {@link
 * BillingCharge#bookKey} (a row of a delivery is held once however often it is delivered), the
 * unallocated lines published so far, and who the node is (from its estimates) so that an
 * unallocated line can name it. A Flink POJO.
 */
public class ChargeBook {
  /** Current charges by {@link BillingCharge#bookKey}. */
  public Map<String, BillingCharge> charges = new HashMap<>();

  /** Unallocated lines published, by {@link BillingCharge#bookKey}. */
  public Map<String, Unallocated> unallocated = new HashMap<>();

  /** The node's identity, from its latest estimate row; null while no estimate was seen. */
  public String cluster;

  public String node;
  public String providerInstanceId;
  public String instanceType;
  public String capacityType;
  public String region;

  public ChargeBook() {}

  /** True once the pipeline allocated an hour of this resource: it is a node of ours. */
  public boolean knownNode() {
    return node != null;
  }

  /** An unallocated line as last published. */
  public static class Unallocated {
    public int version;
    public BigDecimal billed = BigDecimal.ZERO;
    public BigDecimal effective = BigDecimal.ZERO;
    public long periodStart;
    public long periodEnd;
    public String reason;
    public String delivery;
    public String currency;

    public Unallocated() {}
  }
}
