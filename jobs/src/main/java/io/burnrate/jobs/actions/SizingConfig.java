package io.burnrate.jobs.actions;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the sizing advice ({@code share_gpu}, {@code smaller_gpu_type}, {@code
 * scale_to_load}); {@code actions.*} in docs/configuration.md.
 *
 * @param observeForMinutes one-minute windows of evidence (utilisation and memory) before any
 *     advice, and the sliding span its percentiles are taken over
 * @param targetUtilization utilisation (0-1) the advised configuration may reach at the observed
 *     p95
 * @param memoryHeadroom share of the observed peak memory kept free (0.2: peak x 1.2 must fit)
 * @param maxSharePerGpu most workloads time-slicing/MPS puts on one GPU
 * @param minSaving least saving per GPU-hour (share of today's price) a cheaper type must bring
 * @param minReplicas fewest replicas scaling to load leaves
 */
public record SizingConfig(
    int observeForMinutes,
    double targetUtilization,
    double memoryHeadroom,
    int maxSharePerGpu,
    double minSaving,
    int minReplicas)
    implements Serializable {

  public static final Duration MIN_OBSERVE = Duration.ofMinutes(10);
  public static final Duration MAX_OBSERVE = Duration.ofHours(24);

  public static SizingConfig defaults() {
    return new SizingConfig(60, 0.7, 0.2, 4, 0.15, 2);
  }
}
