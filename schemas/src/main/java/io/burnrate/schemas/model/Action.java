package io.burnrate.schemas.model;

/**
 * One state change of an optimisation action on {@code burnrate.actions}: {@code open} when a
 * condition that money can be saved on starts, {@code resolved} when it ends (acted on or gone).
 * One condition yields one action until it resolves. {@link #id} is deterministic ({@code
 * fingerprint/openedAt/status}), so a consumer that acts on an action (a scheduler, an autoscaler)
 * can deduplicate redeliveries; the Kafka key is {@link #fingerprint}.
 */
public class Action {
  public static final String OPEN = "open";
  public static final String RESOLVED = "resolved";

  /** Release (or scale down) a GPU node whose GPUs nobody holds. Target: node. */
  public static final String RELEASE_IDLE_NODE = "release_idle_node";

  /** Run a multi-GPU workload on fewer GPUs: it leaves some unused. Target: workload. */
  public static final String RIGHT_SIZE = "right_size";

  /** Move a spot-tolerant workload from on-demand to spot capacity. Target: workload. */
  public static final String MOVE_TO_SPOT = "move_to_spot";

  /** Run the workload on another GPU type where its cost per sample was lower. Target: workload. */
  public static final String CHANGE_GPU_TYPE = "change_gpu_type";

  /**
   * Share a GPU a workload uses a small part of: a MIG profile that fits its observed peak memory
   * and utilisation, or time-slicing/MPS. Target: workload.
   */
  public static final String SHARE_GPU = "share_gpu";

  /**
   * Run a workload on a cheaper GPU type whose memory and compute fit its observed peak. Target:
   * workload.
   */
  public static final String SMALLER_GPU_TYPE = "smaller_gpu_type";

  /** Run a replicated (inference) workload on fewer replicas that carry its observed load. */
  public static final String SCALE_TO_LOAD = "scale_to_load";

  /** A budget threshold was crossed: the budget's escalation step. Target: the budget's scope. */
  public static final String BUDGET_ESCALATION = "budget_escalation";

  /** Stop a training run early: its validation loss stopped improving. Target: workload. */
  public static final String EARLY_STOP = "early_stop";

  /** Stop a training run that diverged (loss NaN or rising). Target: workload. */
  public static final String STOP_DIVERGED = "stop_diverged";

  /** A run restarted and runs far slower than before: check it (data loader, node). */
  public static final String CHECK_RESTART = "check_restart";

  /** Run a deferrable workload in cheaper hours (time-of-use tariff, spot price history). */
  public static final String RESCHEDULE = "reschedule";

  public static final String TARGET_CLUSTER = "cluster";
  public static final String TARGET_NAMESPACE = "namespace";
  public static final String TARGET_WORKLOAD = "workload";
  public static final String TARGET_NODE = "node";
  public static final String TARGET_SCOPE = "scope";

  /** {@code fingerprint/openedAt/status}. */
  public String id;

  /** Hex hash of the kind and the target: one per condition. */
  public String fingerprint;

  /** {@code open} or {@code resolved}. */
  public String status;

  public String kind;

  /**
   * What to do, in one word a controller can switch on: {@code release_node}, {@code reduce_gpus},
   * {@code switch_to_spot}, {@code change_gpu_type}, {@code share_gpu}, {@code scale_replicas},
   * {@code reduce_batch_size}, {@code stop_non_critical}, {@code stop_training}, {@code
   * investigate}, {@code defer}.
   */
  public String operation;

  /** {@code cluster}, {@code namespace}, {@code workload}, {@code node} or {@code scope}. */
  public String targetKind;

  public String cluster;
  public String namespace;

  /** {@code namespace/OwnerKind/name} for workload targets. */
  public String workload;

  public String node;
  public String team;

  /** For budget escalations: the budget id and its scope ({@code team=ml}, {@code global}). */
  public String budgetId;

  public String scope;

  /** One line a person reads first. */
  public String reason;

  /** The numbers behind it, in words. */
  public String evidence;

  /**
   * Expected savings per month (730 h) at rate-card or observed prices; null when unknown. For the
   * training actions: what stopping saves over the hours the run has left, at most a month; the
   * evidence says how the hours were counted.
   */
  public Double estimatedMonthlySavings;

  public String currency;

  /** 0-1: how sure the recommendation is (length of the evidence, telemetry coverage). */
  public double confidence;

  /** Event time the condition was established (epoch ms). */
  public long openedAt;

  /** Event time it ended (epoch ms); -1 while open. */
  public long resolvedAt = -1;

  /** The window whose data triggered this change (epoch ms). */
  public long windowStart;

  public long windowEnd;

  public Action() {}

  @Override
  public String toString() {
    return "Action{" + status + " " + kind + " " + operation + " " + reason + "}";
  }
}
