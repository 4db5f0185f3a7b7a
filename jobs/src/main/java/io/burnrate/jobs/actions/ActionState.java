package io.burnrate.jobs.actions;

import io.burnrate.schemas.model.Action;
import java.util.HashMap;
import java.util.Map;

/**
 * What the action finder remembers about one workload or node: since when each condition has held
 * without a break, its running evidence, the actions open by kind, and the observed cost per sample
 * per GPU type. A Flink POJO in keyed state.
 */
public class ActionState {
  /** Condition (action kind) -> start of the unbroken run of windows where it holds. */
  public Map<String, Long> since = new HashMap<>();

  /** Condition -> smallest spare quantity seen over the run (GPUs that could go). */
  public Map<String, Double> minSpare = new HashMap<>();

  /** Condition -> cost counted over the run, and minutes counted (for a cost rate). */
  public Map<String, Double> runCost = new HashMap<>();

  public Map<String, Double> runMinutes = new HashMap<>();

  public Map<String, Action> open = new HashMap<>();

  /** Instance type -> cost and samples seen there (for the cheaper-GPU-type action). */
  public Map<String, Double> typeCost = new HashMap<>();

  public Map<String, Double> typeSamples = new HashMap<>();
  public Map<String, Integer> typeWindows = new HashMap<>();

  /** The sizing advice's recent utilisation and memory readings; null before the first. */
  public UsageWindow usage;

  /** Open sizing kind -> what it advised (MIG profile, instance type, replicas). */
  public Map<String, String> advised = new HashMap<>();

  public long lastWindowEnd = -1;

  public ActionState() {}

  /** Extends the run of {@code kind} with a window, or starts it. */
  void hold(String kind, long windowStart, double spare, Double cost) {
    since.putIfAbsent(kind, windowStart);
    minSpare.merge(kind, spare, Math::min);
    if (cost != null) {
      runCost.merge(kind, cost, Double::sum);
      runMinutes.merge(kind, 1.0, Double::sum);
    }
  }

  /** Ends the run of {@code kind}. */
  void drop(String kind) {
    since.remove(kind);
    minSpare.remove(kind);
    runCost.remove(kind);
    runMinutes.remove(kind);
  }

  /** Cost per hour over the run, or NaN. */
  double runCostPerHour(String kind) {
    Double c = runCost.get(kind);
    Double m = runMinutes.get(kind);
    return c == null || m == null || m == 0 ? Double.NaN : c / m * 60;
  }
}
