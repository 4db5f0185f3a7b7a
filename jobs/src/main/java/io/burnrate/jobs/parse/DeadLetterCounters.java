package io.burnrate.jobs.parse;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The {@code deadLetters} counter of a step, one per reason (metric variable {@code reason}),
 * registered on first use.
 */
public final class DeadLetterCounters {
  private final MetricGroup group;
  private final Map<String, Counter> byReason = new HashMap<>();

  public DeadLetterCounters(MetricGroup group) {
    this.group = group;
  }

  public void inc(String reason) {
    byReason.computeIfAbsent(reason, r -> group.addGroup("reason", r).counter("deadLetters")).inc();
  }
}
