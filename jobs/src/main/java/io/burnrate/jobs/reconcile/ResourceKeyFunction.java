package io.burnrate.jobs.reconcile;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@link ResourceIds#instanceKey} as a SQL function, {@code resource_key(id)}, so that SQL over the
 * warehouse matches billing {@code ResourceId}s (ARNs, GCP resource names, Azure ARM ids in any
 * case) with allocations' {@code provider_instance_id} the way reconciliation does.
 */
public final class ResourceKeyFunction extends ScalarFunction {
  /** The name {@code ./burnrate sql} registers it under. */
  public static final String NAME = "resource_key";

  public String eval(String resourceId) {
    return ResourceIds.instanceKey(resourceId);
  }
}
