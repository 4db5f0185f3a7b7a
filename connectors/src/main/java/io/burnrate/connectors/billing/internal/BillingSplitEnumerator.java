package io.burnrate.connectors.billing.internal;

import io.burnrate.connectors.billing.BillingObject;
import io.burnrate.connectors.billing.Delivery;
import io.burnrate.connectors.billing.DeliveryPlanner;
import io.burnrate.connectors.billing.ObjectStore;
import io.burnrate.connectors.billing.S3Settings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the bucket or folder (once, or every discovery interval), groups new objects into
 * deliveries with {@link DeliveryPlanner}, and hands each data file to a reader as a split. The set
 * of ingested manifests and files is checkpointed, so an object is ingested once across restarts.
 */
public final class BillingSplitEnumerator
    implements SplitEnumerator<BillingObjectSplit, BillingEnumState> {
  private static final Logger LOG = LoggerFactory.getLogger(BillingSplitEnumerator.class);

  private final SplitEnumeratorContext<BillingObjectSplit> context;
  private final String location;
  private final S3Settings s3;
  private final long intervalMillis;
  private final boolean bounded;
  private final Set<String> ingested;
  private final Deque<BillingObjectSplit> pending;
  private final Set<Integer> waiting = new TreeSet<>();
  private boolean discoveredOnce;

  public BillingSplitEnumerator(
      SplitEnumeratorContext<BillingObjectSplit> context,
      String location,
      S3Settings s3,
      long intervalMillis,
      boolean bounded,
      BillingEnumState state) {
    this.context = context;
    this.location = location;
    this.s3 = s3;
    this.intervalMillis = intervalMillis;
    this.bounded = bounded;
    this.ingested = new LinkedHashSet<>(state.ingested());
    this.pending = new ArrayDeque<>(state.pending());
  }

  @Override
  public void start() {
    if (bounded) {
      context.callAsync(this::discover, this::discovered);
    } else {
      context.callAsync(this::discover, this::discovered, 0, intervalMillis);
    }
  }

  /** Runs in a worker thread: no enumerator state is touched here. */
  private Discovery discover() throws Exception {
    Set<String> known;
    synchronized (ingested) {
      known = new LinkedHashSet<>(ingested);
    }
    try (ObjectStore store = ObjectStore.of(location, s3)) {
      List<BillingObject> listing = store.list();
      return new Discovery(DeliveryPlanner.plan(store, listing, known));
    }
  }

  private record Discovery(DeliveryPlanner.Plan plan) {}

  private void discovered(Discovery d, Throwable error) {
    if (error != null) {
      LOG.warn("listing {} failed; next try in {} ms", location, intervalMillis, error);
    } else {
      for (Delivery delivery : d.plan().deliveries()) {
        List<String> keys = delivery.ingestionKeys();
        synchronized (ingested) {
          if (ingested.containsAll(keys)) {
            continue;
          }
          ingested.addAll(keys);
        }
        for (BillingObject o : delivery.dataFiles()) {
          pending.add(new BillingObjectSplit(o, delivery.id(), delivery.deliveredAt(), 0));
        }
        LOG.info(
            "billing delivery {}: {} objects from {}",
            delivery.id(),
            delivery.dataFiles().size(),
            delivery.source());
      }
    }
    discoveredOnce = true;
    assignWaiting();
  }

  private void assignWaiting() {
    for (Integer reader : new ArrayList<>(waiting)) {
      if (!context.registeredReaders().containsKey(reader)) {
        waiting.remove(reader);
        continue;
      }
      BillingObjectSplit next = pending.poll();
      if (next != null) {
        context.assignSplit(next, reader);
        waiting.remove(reader);
      } else if (bounded && discoveredOnce) {
        context.signalNoMoreSplits(reader);
        waiting.remove(reader);
      }
    }
  }

  @Override
  public void handleSplitRequest(int subtaskId, String requesterHostname) {
    waiting.add(subtaskId);
    assignWaiting();
  }

  @Override
  public void addSplitsBack(List<BillingObjectSplit> splits, int subtaskId) {
    splits.forEach(pending::addFirst);
    assignWaiting();
  }

  @Override
  public void addReader(int subtaskId) {
    // readers ask for splits themselves
  }

  @Override
  public BillingEnumState snapshotState(long checkpointId) {
    synchronized (ingested) {
      return new BillingEnumState(new LinkedHashSet<>(ingested), new ArrayList<>(pending));
    }
  }

  @Override
  public void close() {}
}
