package io.burnrate.schemas.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * One state change of an alert on {@code burnrate.alerts}: {@code firing} when a condition starts,
 * {@code resolved} when it ends. Shaped like an Alertmanager alert ({@link #labels}, summary and
 * description annotations, start and end) so that forwarding is a thin adapter. {@link #id} is
 * deterministic (fingerprint, start and status), so consumers can deduplicate redeliveries.
 */
public class Alert {
  public static final String FIRING = "firing";
  public static final String RESOLVED = "resolved";

  /** {@code fingerprint/startsAt/status}. */
  public String id;

  /** Hex hash of the alert name and its scope labels: one per condition and scope. */
  public String fingerprint;

  /** {@code firing} or {@code resolved}. */
  public String status;

  /** What fired, e.g. {@code CostRateAnomaly}. */
  public String alertname;

  /** {@code info}, {@code warning} or {@code critical}. */
  public String severity;

  /** Scope labels (cluster, namespace, workload, team, series, ...); written sorted by name. */
  public Map<String, String> labels = new TreeMap<>();

  /** One line a person reads first. */
  public String summary;

  /** The evidence in words: observed value, expected range, score. */
  public String description;

  /** Event time the condition started (epoch ms). */
  public long startsAt;

  /** Event time it ended (epoch ms); -1 while firing. */
  public long endsAt = -1;

  /** The observed value that triggered the change (NaN when not applicable). */
  public double observed = Double.NaN;

  public double expectedLow = Double.NaN;
  public double expectedHigh = Double.NaN;

  /** Anomaly score 0-1 (NaN for rules without a score). */
  public double score = Double.NaN;

  /** The threshold the value or score was compared with. */
  public double threshold = Double.NaN;

  /** The window whose value triggered the change (epoch ms). */
  public long windowStart;

  public long windowEnd;

  /** {@code estimated}, {@code billed}, {@code energy} or {@code unpriced}: what the money is. */
  public String costBasis;

  public Alert() {}

  @Override
  public String toString() {
    return "Alert{" + status + " " + alertname + " " + labels + " " + summary + "}";
  }
}
