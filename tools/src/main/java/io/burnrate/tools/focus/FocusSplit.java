package io.burnrate.tools.focus;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The split of one billed charge (a FOCUS origin charge) over the holders of the node-hours it paid
 * for, as pure functions: {@link #shares} weighs each pod by the GPU-seconds it held in the hours
 * of the charge period (each hour weighted by the part of it the charge covers, as reconciliation
 * puts a charge on its hours), the idle remainder by the GPU-seconds no pod held; {@link
 * #splitExact} divides an amount by those weights with the largest-remainder method, so that the
 * parts add up to the amount exactly, whatever its sign.
 *
 * <p>Method {@value #METHOD_ID}: reconciliation puts a charge on the hours of its period in which
 * the node ran, in proportion to the part of each hour it covers times the node's GPU-seconds in
 * it, and splits each hour over its pods by GPU-seconds (docs/reconciliation.md). Summed over the
 * hours, a pod's share of the charge is its covered GPU-seconds over the node's covered
 * GPU-seconds; that is the ratio used here, computed once per charge rather than per hour, so that
 * every FOCUS metric of the charge (BilledCost, EffectiveCost, ListCost, ContractedCost,
 * ConsumedQuantity, PricingQuantity) is split by the same ratios and adds up exactly.
 */
public final class FocusSplit {
  /** {@code AllocatedMethodId} of the rows this split produces. */
  public static final String METHOD_ID = "burnrate-gpu-seconds";

  /** {@code AllocatedMethodDetails.Elements[*].UsageUnit}. */
  public static final String USAGE_UNIT = "GPU-Seconds";

  /** Scale of {@code AllocatedRatio}: the ratios of a charge add up to exactly 1 at it. */
  public static final int RATIO_SCALE = 12;

  /** Smallest scale money is split at: the micro-unit, as in {@code cost_allocations}. */
  public static final int MONEY_SCALE = 6;

  private static final long HOUR = 3_600_000L;

  private FocusSplit() {}

  /**
   * One row of {@code cost_allocations_current} (a pod or the idle row of a node-hour).
   *
   * @param holderId {@code <cluster>/<namespace>/<pod>} for a pod, null for the idle row
   */
  public record HolderHour(
      long hourStart,
      String holderId,
      String cluster,
      String node,
      String namespace,
      String pod,
      String workload,
      String team,
      String project,
      String costCenter,
      double gpuSeconds,
      double nodeGpuSeconds) {
    public boolean idle() {
      return holderId == null;
    }
  }

  /**
   * A holder's part of a charge: the pod (or null for idle) as of its first hour, its covered
   * GPU-seconds ({@code usage}, reported as {@code UsageQuantity}) and its weight in the split.
   */
  public record Share(HolderHour holder, double usage, double weight) {
    public boolean idle() {
      return holder.idle();
    }
  }

  /**
   * The shares of a charge over {@code [chargeStart, chargeEnd)}: one per pod that held GPU-seconds
   * in the hours the charge covers (in order of first appearance), then the idle share (always
   * last, present when it weighs anything or when no pod does). An hour the charge covers a part of
   * counts for that part. An hour whose node offered no GPU-seconds counts as the node's presence
   * (weight 1 per covered hour) and goes to idle, as reconciliation weighs it. Empty when no hour
   * of {@code hours} overlaps the charge.
   */
  public static List<Share> shares(long chargeStart, long chargeEnd, List<HolderHour> hours) {
    Map<String, double[]> pods = new LinkedHashMap<>();
    Map<String, HolderHour> first = new LinkedHashMap<>();
    Map<Long, double[]> nodeHours = new LinkedHashMap<>(); // hour -> {node GS, held GS, covered}
    HolderHour anyIdle = null;
    for (HolderHour h : hours) {
      long overlap =
          Math.min(chargeEnd, h.hourStart() + HOUR) - Math.max(chargeStart, h.hourStart());
      if (overlap <= 0) {
        continue;
      }
      double covered = overlap / (double) HOUR;
      double[] n =
          nodeHours.computeIfAbsent(
              h.hourStart(), k -> new double[] {h.nodeGpuSeconds(), 0, covered});
      n[0] = Math.max(n[0], h.nodeGpuSeconds());
      if (h.idle()) {
        if (anyIdle == null) {
          anyIdle = h;
        }
        continue;
      }
      double gs = Math.max(0, h.gpuSeconds());
      n[1] += gs;
      first.putIfAbsent(h.holderId(), h);
      double[] acc = pods.computeIfAbsent(h.holderId(), k -> new double[2]);
      acc[0] += covered * gs; // usage and weight: covered GPU-seconds
    }
    List<Share> out = new ArrayList<>();
    if (nodeHours.isEmpty()) {
      return out;
    }
    double idleUsage = 0;
    double idleWeight = 0;
    for (double[] n : nodeHours.values()) {
      if (n[0] > 0) {
        double free = Math.max(0, n[0] - n[1]) * n[2];
        idleUsage += free;
        idleWeight += free;
      } else {
        idleWeight += n[2]; // presence without GPU-seconds: the hour is all idle
      }
    }
    double podWeight = 0;
    for (Map.Entry<String, double[]> e : pods.entrySet()) {
      double w = e.getValue()[0];
      if (w > 0) {
        out.add(new Share(first.get(e.getKey()), w, w));
        podWeight += w;
      }
    }
    if (idleWeight > 0 || podWeight <= 0) {
      HolderHour idle = anyIdle != null ? anyIdle : idleOf(hours.get(0));
      out.add(new Share(idle, idleUsage, podWeight <= 0 && idleWeight <= 0 ? 1 : idleWeight));
    }
    return out;
  }

  private static HolderHour idleOf(HolderHour h) {
    return new HolderHour(
        h.hourStart(),
        null,
        h.cluster(),
        h.node(),
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        h.nodeGpuSeconds());
  }

  /** The weights of {@code shares}, in order. */
  public static double[] weights(List<Share> shares) {
    double[] w = new double[shares.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = shares.get(i).weight();
    }
    return w;
  }

  /**
   * {@code amount} split by {@code weights} (largest-remainder, Hamilton's method): each part is
   * its exact quota rounded toward zero at {@code scale} (at least the amount's own scale, so that
   * the parts can add up to it), and the units left over go one each to the parts with the largest
   * remainders (ties: the heavier, then the earlier part). The parts add up to the amount exactly
   * and each is within one unit of its exact quota; a negative amount (a credit, a usage reversal)
   * is split as its absolute value and every part negated. Negative weights count as 0; when every
   * weight is 0 the last part (the idle share) takes the whole amount. Null amount: null parts.
   */
  public static BigDecimal[] splitExact(BigDecimal amount, double[] weights, int scale) {
    int n = weights.length;
    if (n == 0) {
      throw new IllegalArgumentException("weights: none");
    }
    BigDecimal[] parts = new BigDecimal[n];
    if (amount == null) {
      return parts;
    }
    int s = Math.max(scale, Math.max(0, amount.stripTrailingZeros().scale()));
    BigDecimal abs = amount.abs().setScale(s, RoundingMode.UNNECESSARY);
    BigDecimal[] w = new BigDecimal[n];
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      double wi = weights[i];
      w[i] = Double.isFinite(wi) && wi > 0 ? BigDecimal.valueOf(wi) : BigDecimal.ZERO;
      total = total.add(w[i]);
    }
    if (total.signum() == 0) {
      for (int i = 0; i < n; i++) {
        parts[i] = BigDecimal.ZERO.setScale(s);
      }
      parts[n - 1] = amount.setScale(s, RoundingMode.UNNECESSARY);
      return parts;
    }
    // quota_i = abs * w_i / total; floor_i exactly, remainder numerator abs*w_i - floor_i*total
    BigDecimal[] remainder = new BigDecimal[n];
    BigDecimal allocated = BigDecimal.ZERO.setScale(s);
    for (int i = 0; i < n; i++) {
      BigDecimal numerator = abs.multiply(w[i]);
      parts[i] = numerator.divide(total, s, RoundingMode.DOWN);
      remainder[i] = numerator.subtract(parts[i].multiply(total));
      allocated = allocated.add(parts[i]);
    }
    BigDecimal unit = BigDecimal.ONE.movePointLeft(s);
    int left = abs.subtract(allocated).divide(unit, 0, RoundingMode.UNNECESSARY).intValueExact();
    List<Integer> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparing((Integer i) -> remainder[i])
            .reversed()
            .thenComparing(Comparator.comparing((Integer i) -> w[i]).reversed())
            .thenComparing(i -> i));
    for (int k = 0; k < left; k++) {
      int i = order.get(k % n);
      parts[i] = parts[i].add(unit);
    }
    if (amount.signum() < 0) {
      for (int i = 0; i < n; i++) {
        parts[i] = parts[i].negate();
      }
    }
    return parts;
  }

  /** The scale an amount is split at: micro-units, or finer when the amount itself is. */
  public static int moneyScale(BigDecimal amount) {
    return amount == null
        ? MONEY_SCALE
        : Math.max(MONEY_SCALE, amount.stripTrailingZeros().scale());
  }
}
