package io.burnrate.connectors.billing.internal;

import java.util.List;
import java.util.Set;

/**
 * The file source's checkpointed enumerator state.
 *
 * @param ingested {@code uri@identity} of every manifest and loose file already turned into splits
 * @param pending splits discovered but not yet assigned to a reader
 */
public record BillingEnumState(Set<String> ingested, List<BillingObjectSplit> pending) {}
