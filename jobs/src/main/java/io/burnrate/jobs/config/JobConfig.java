package io.burnrate.jobs.config;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.kafka.KafkaOptions;
import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.jobs.budgets.BudgetParser;
import io.burnrate.jobs.budgets.ForecastSettings;
import io.burnrate.jobs.pricing.RateCard;
import io.burnrate.jobs.rules.RuleConfig;
import io.burnrate.schemas.model.Budget;
import io.burnrate.schemas.parse.Plausibility;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * The validated configuration of the analytics job. Built once at start-up from a Flink {@link
 * Configuration} (file and flags merged); every problem is reported with the key at fault.
 */
public final class JobConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public final KafkaOptions kafka;
  public final String groupId;
  public final String transactionalIdPrefix;
  public final Duration transactionTimeout;

  /** Key groups of the keyed steps ({@code job.max-parallelism}). */
  public final int maxParallelism;

  /** Alerts and actions sent at once (at-least-once, idempotent ids) instead of transactionally. */
  public final boolean alertsAtLeastOnce;

  public final String cluster;
  public final List<String> labelKeys;
  public final Duration outOfOrderness;
  public final Duration sourceIdleness;
  public final Duration nodeStaleness;
  public final Duration nodeRetention;
  public final Duration podGhostTimeout;
  public final String rateCardPath;
  public final Duration checkpointInterval;
  public final CatalogConfig iceberg;

  /** What the job does ({@code job.mode}). */
  public enum Mode {
    /** Kafka outputs and every Iceberg table in one job. */
    ALL,
    /** The alerting path: Kafka outputs; of the lake only billing_line_items. */
    ANALYTICS,
    /** Output topics into Iceberg, with table maintenance. */
    HISTORY
  }

  public final Mode mode;

  /** How alerts and actions reach Kafka ({@code alerts.delivery}). */
  public enum AlertsDelivery {
    /** In the checkpoint's transaction, with everything else. */
    EXACTLY_ONCE,
    /** At once, possibly twice after a failure (consumers deduplicate by id). */
    AT_LEAST_ONCE
  }

  public final AlertsDelivery alertsDelivery;

  /** Whether idle GPU cost is part of cost per sample ({@code cost.idle-share}). */
  public enum IdleShare {
    NONE,
    PROPORTIONAL
  }

  public final IdleShare idleShare;

  /** The history job's table maintenance, or null ({@code lake.maintenance: false}). */
  public final io.burnrate.connectors.iceberg.LakeMaintenance lakeMaintenance;

  public final int dlqMaxPayloadBytes;
  public final int maxRecordBytes;

  /** Plausibility bounds of money, rates and dates ({@code bounds.*}). */
  public final Plausibility bounds;

  /** Limits of input records ({@code input.*}). */
  public final io.burnrate.jobs.parse.InputLimits inputLimits;

  public final DetectorConfig anomalyDetector;
  public final io.burnrate.jobs.reconcile.Reconciliation.AllocateBy allocateBy;
  public final Duration unbilledGrace;
  public final Duration reconciliationRetention;
  public final boolean idleInCostPerSample;
  public final String billingFiles;
  public final io.burnrate.jobs.onprem.Sites sites;
  public final Duration billingFilesInterval;
  public final io.burnrate.connectors.billing.S3Settings billingS3;
  public final RuleConfig rules;
  public final Duration seriesTimeout;
  public final String budgetTimeZone;

  /** {@code budgets.forecast.*} and {@code budgets.scope-history}. */
  public final ForecastSettings budgetForecast;

  public final List<Budget> bootstrapBudgets;

  /** The sizing advice's settings ({@code actions.*}). */
  public final io.burnrate.jobs.actions.SizingConfig sizing;

  /** The training signals' settings ({@code training.*}). */
  public final io.burnrate.jobs.training.TrainingConfig training;

  private JobConfig(Configuration c, Map<String, String> kafkaClientProps) {
    String bootstrap = c.get(BurnrateOptions.KAFKA_BOOTSTRAP);
    require(
        bootstrap != null && !bootstrap.isBlank(),
        BurnrateOptions.KAFKA_BOOTSTRAP.key(),
        "is required (host:port)");
    this.kafka = new KafkaOptions(bootstrap, kafkaClientProps);
    this.groupId = nonBlank(c.get(BurnrateOptions.KAFKA_GROUP), BurnrateOptions.KAFKA_GROUP.key());
    this.transactionalIdPrefix =
        nonBlank(c.get(BurnrateOptions.KAFKA_TXN_PREFIX), BurnrateOptions.KAFKA_TXN_PREFIX.key());
    this.transactionTimeout = c.get(BurnrateOptions.KAFKA_TXN_TIMEOUT);
    this.maxParallelism = c.get(BurnrateOptions.MAX_PARALLELISM);
    require(
        maxParallelism >= 1 && maxParallelism <= 32768,
        BurnrateOptions.MAX_PARALLELISM.key(),
        "must be between 1 and 32768, got " + maxParallelism);
    this.alertsDelivery = choice(c, BurnrateOptions.ALERTS_DELIVERY, AlertsDelivery.class);
    this.alertsAtLeastOnce = alertsDelivery == AlertsDelivery.AT_LEAST_ONCE;
    this.cluster = nonBlank(c.get(BurnrateOptions.CLUSTER), BurnrateOptions.CLUSTER.key());
    this.labelKeys = List.copyOf(c.get(BurnrateOptions.LABEL_KEYS));
    this.outOfOrderness = c.get(BurnrateOptions.OUT_OF_ORDERNESS);
    require(!outOfOrderness.isNegative(), BurnrateOptions.OUT_OF_ORDERNESS.key(), "must be >= 0");
    this.sourceIdleness = c.get(BurnrateOptions.SOURCE_IDLENESS);
    require(sourceIdleness.toMillis() > 0, BurnrateOptions.SOURCE_IDLENESS.key(), "must be > 0");
    this.nodeStaleness = c.get(BurnrateOptions.NODE_STALENESS);
    require(
        nodeStaleness.toMinutes() >= 2,
        BurnrateOptions.NODE_STALENESS.key(),
        "must be at least 2 minutes");
    this.nodeRetention = c.get(BurnrateOptions.NODE_RETENTION);
    require(
        nodeRetention.compareTo(nodeStaleness) >= 0,
        BurnrateOptions.NODE_RETENTION.key(),
        "must be at least cost.node-staleness (" + nodeStaleness + ")");
    this.podGhostTimeout = c.get(BurnrateOptions.POD_GHOST_TIMEOUT);
    require(
        podGhostTimeout.isZero() || podGhostTimeout.toMinutes() >= 2,
        BurnrateOptions.POD_GHOST_TIMEOUT.key(),
        "must be 0 (off) or at least 2 minutes");
    this.rateCardPath = c.get(BurnrateOptions.RATE_CARD);
    if (rateCardPath != null) {
      require(
          Files.isReadable(Path.of(rateCardPath)),
          BurnrateOptions.RATE_CARD.key(),
          "file not readable: " + rateCardPath);
    }
    this.checkpointInterval = c.get(BurnrateOptions.CHECKPOINT_INTERVAL);
    require(
        checkpointInterval.toMillis() >= 100,
        BurnrateOptions.CHECKPOINT_INTERVAL.key(),
        "must be at least 100ms");
    require(
        transactionTimeout.compareTo(checkpointInterval) > 0,
        BurnrateOptions.KAFKA_TXN_TIMEOUT.key(),
        "must be longer than checkpoint.interval");
    this.iceberg = CatalogOptions.from(c);
    this.mode = choice(c, BurnrateOptions.JOB_MODE, Mode.class);
    require(
        this.mode != Mode.HISTORY || iceberg != null,
        BurnrateOptions.JOB_MODE.key(),
        "'history' lands the topics in Iceberg: iceberg.warehouse (or a catalog) is required");
    int compactEvery = c.get(BurnrateOptions.LAKE_COMPACT_EVERY_COMMITS);
    require(compactEvery >= 1, BurnrateOptions.LAKE_COMPACT_EVERY_COMMITS.key(), "must be >= 1");
    int minFiles = c.get(BurnrateOptions.LAKE_COMPACT_MIN_FILES);
    require(minFiles >= 2, BurnrateOptions.LAKE_COMPACT_MIN_FILES.key(), "must be >= 2");
    int retainLast = c.get(BurnrateOptions.LAKE_SNAPSHOTS_RETAIN_LAST);
    require(retainLast >= 1, BurnrateOptions.LAKE_SNAPSHOTS_RETAIN_LAST.key(), "must be >= 1");
    Duration orphanMinAge = c.get(BurnrateOptions.LAKE_ORPHAN_MIN_AGE);
    require(
        orphanMinAge.toMinutes() >= 60,
        BurnrateOptions.LAKE_ORPHAN_MIN_AGE.key(),
        "must be at least 1 hour (a younger file may belong to a commit in progress)");
    Duration orphanInterval = c.get(BurnrateOptions.LAKE_ORPHAN_INTERVAL);
    require(
        orphanInterval.toSeconds() >= 1,
        BurnrateOptions.LAKE_ORPHAN_INTERVAL.key(),
        "must be >= 1s");
    require(
        c.get(BurnrateOptions.LAKE_MAINTENANCE_MIN_INTERVAL).toSeconds() >= 1,
        BurnrateOptions.LAKE_MAINTENANCE_MIN_INTERVAL.key(),
        "must be >= 1s");
    Duration snapshotMaxAge = c.get(BurnrateOptions.LAKE_SNAPSHOT_MAX_AGE);
    require(
        !snapshotMaxAge.isNegative(), BurnrateOptions.LAKE_SNAPSHOT_MAX_AGE.key(), "must be >= 0");
    this.lakeMaintenance =
        c.get(BurnrateOptions.LAKE_MAINTENANCE)
            ? new io.burnrate.connectors.iceberg.LakeMaintenance(
                compactEvery,
                minFiles,
                snapshotMaxAge,
                retainLast,
                orphanMinAge,
                orphanInterval,
                c.get(BurnrateOptions.LAKE_MAINTENANCE_MIN_INTERVAL))
            : null;
    this.dlqMaxPayloadBytes = c.get(BurnrateOptions.DLQ_MAX_PAYLOAD);
    require(dlqMaxPayloadBytes >= 256, BurnrateOptions.DLQ_MAX_PAYLOAD.key(), "must be >= 256");
    this.maxRecordBytes = c.get(BurnrateOptions.MAX_RECORD_BYTES);
    int maxStringBytes = c.get(BurnrateOptions.MAX_STRING_BYTES);
    require(maxStringBytes >= 256, BurnrateOptions.MAX_STRING_BYTES.key(), "must be >= 256");
    int maxTags = c.get(BurnrateOptions.MAX_TAGS);
    require(maxTags >= 1, BurnrateOptions.MAX_TAGS.key(), "must be >= 1");
    long minEventTime;
    try {
      minEventTime = java.time.Instant.parse(c.get(BurnrateOptions.MIN_EVENT_TIME)).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          BurnrateOptions.MIN_EVENT_TIME.key()
              + ": not an ISO-8601 instant (e.g. 2000-01-01T00:00:00Z): '"
              + c.get(BurnrateOptions.MIN_EVENT_TIME)
              + "'");
    }
    java.time.Duration skew = c.get(BurnrateOptions.MAX_FUTURE_SKEW);
    require(!skew.isNegative(), BurnrateOptions.MAX_FUTURE_SKEW.key(), "must not be negative");
    this.bounds = bounds(c);
    if (rateCardPath != null) {
      // the operator's prices meet the same bound as published ones (bounds.max-gpu-hour-price)
      for (var e : RateCard.bundledWithOverride(Path.of(rateCardPath)).rows().entrySet()) {
        try {
          bounds.checkPrice(e.getKey(), e.getValue().pricePerHour(), e.getValue().gpuCount());
        } catch (io.burnrate.schemas.parse.ParseException bad) {
          throw new IllegalArgumentException(
              BurnrateOptions.RATE_CARD.key() + ": " + rateCardPath + ": " + bad.getMessage(), bad);
        }
      }
    }
    this.inputLimits =
        new io.burnrate.jobs.parse.InputLimits(
            maxRecordBytes, maxStringBytes, maxTags, minEventTime, skew.toMillis(), bounds);
    double threshold = c.get(BurnrateOptions.ANOMALY_THRESHOLD);
    require(
        threshold > 0 && threshold < 1,
        BurnrateOptions.ANOMALY_THRESHOLD.key(),
        "must be in (0, 1), got " + threshold);
    String zone = c.get(BurnrateOptions.DETECTION_TIME_ZONE);
    try {
      java.time.ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException(
          BurnrateOptions.DETECTION_TIME_ZONE.key() + ": not a time zone: '" + zone + "'");
    }
    this.anomalyDetector = DetectorConfig.defaults().withAlertThreshold(threshold).withZone(zone);
    require(maxRecordBytes >= 1024, BurnrateOptions.MAX_RECORD_BYTES.key(), "must be >= 1024");
    this.allocateBy =
        choice(
            c,
            BurnrateOptions.RECONCILE_ALLOCATE_BY,
            io.burnrate.jobs.reconcile.Reconciliation.AllocateBy.class);
    this.unbilledGrace = c.get(BurnrateOptions.RECONCILE_GRACE);
    require(
        unbilledGrace.toMinutes() >= 1, BurnrateOptions.RECONCILE_GRACE.key(), "must be >= 1 min");
    this.idleShare = choice(c, BurnrateOptions.IDLE_SHARE, IdleShare.class);
    this.idleInCostPerSample = idleShare == IdleShare.PROPORTIONAL;
    String sitesFile = c.get(BurnrateOptions.SITES_FILE);
    if (sitesFile == null) {
      this.sites = io.burnrate.jobs.onprem.Sites.none();
    } else {
      require(
          Files.isReadable(Path.of(sitesFile)),
          BurnrateOptions.SITES_FILE.key(),
          "file not readable: " + sitesFile);
      try {
        this.sites = io.burnrate.jobs.onprem.Sites.fromFile(Path.of(sitesFile));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            BurnrateOptions.SITES_FILE.key() + ": " + e.getMessage(), e);
      }
    }
    this.billingFiles = c.get(BurnrateOptions.BILLING_FILES);
    if (billingFiles != null) {
      require(
          billingFiles.startsWith("s3://") || Files.isDirectory(Path.of(billingFiles)),
          BurnrateOptions.BILLING_FILES.key(),
          "not an s3://bucket/prefix nor a folder: " + billingFiles);
    }
    this.billingFilesInterval = c.get(BurnrateOptions.BILLING_FILES_INTERVAL);
    require(
        billingFilesInterval.toSeconds() >= 1,
        BurnrateOptions.BILLING_FILES_INTERVAL.key(),
        "must be >= 1 s");
    String endpoint = c.get(BurnrateOptions.BILLING_FILES_S3_ENDPOINT);
    String s3KeyId = c.get(BurnrateOptions.BILLING_FILES_S3_ACCESS_KEY_ID);
    String s3Secret = c.get(BurnrateOptions.BILLING_FILES_S3_SECRET_ACCESS_KEY);
    require(
        (s3KeyId == null) == (s3Secret == null),
        BurnrateOptions.BILLING_FILES_S3_SECRET_ACCESS_KEY.key(),
        "set both billing.files.s3-access-key-id and billing.files.s3-secret-access-key, or"
            + " neither (the AWS SDK's default chain)");
    this.billingS3 =
        new io.burnrate.connectors.billing.S3Settings(
            endpoint,
            c.get(BurnrateOptions.BILLING_FILES_S3_REGION),
            endpoint != null,
            s3KeyId,
            s3Secret);
    this.reconciliationRetention = c.get(BurnrateOptions.RECONCILE_RETENTION);
    require(
        reconciliationRetention.compareTo(unbilledGrace) >= 0,
        BurnrateOptions.RECONCILE_RETENTION.key(),
        "must be >= " + BurnrateOptions.RECONCILE_GRACE.key());
    double limit = c.get(BurnrateOptions.HOURLY_SPEND_LIMIT);
    require(
        limit >= 0 && !Double.isInfinite(limit),
        BurnrateOptions.HOURLY_SPEND_LIMIT.key(),
        "must be >= 0 (0 disables the rule)");
    String rulesFile = c.get(BurnrateOptions.RULES_FILE);
    if (rulesFile != null) {
      require(
          Files.isReadable(Path.of(rulesFile)),
          BurnrateOptions.RULES_FILE.key(),
          "file not readable: " + rulesFile);
      try {
        this.rules = RuleConfig.fromFile(Path.of(rulesFile), limit);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            BurnrateOptions.RULES_FILE.key() + ": " + e.getMessage(), e);
      }
    } else {
      this.rules = RuleConfig.defaults(limit);
    }
    this.seriesTimeout = c.get(BurnrateOptions.SERIES_TIMEOUT);
    require(
        seriesTimeout.toMinutes() >= 2,
        BurnrateOptions.SERIES_TIMEOUT.key(),
        "must be at least 2 minutes");
    this.budgetTimeZone = c.get(BurnrateOptions.BUDGETS_TIME_ZONE);
    try {
      java.time.ZoneId.of(budgetTimeZone);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException(
          BurnrateOptions.BUDGETS_TIME_ZONE.key() + ": not a time zone: '" + budgetTimeZone + "'");
    }
    this.sizing = sizing(c);
    double remaining = c.get(BurnrateOptions.TRAINING_ASSUMED_REMAINING_HOURS);
    require(
        remaining > 0 && remaining <= 730,
        BurnrateOptions.TRAINING_ASSUMED_REMAINING_HOURS.key(),
        "must be > 0 and at most 730 (a month), got " + remaining);
    this.training =
        io.burnrate.jobs.training.TrainingConfig.defaults().withAssumedRemainingHours(remaining);
    double margin = c.get(BurnrateOptions.BUDGETS_FORECAST_RESOLVE_MARGIN);
    require(
        margin >= 0 && margin < 1,
        BurnrateOptions.BUDGETS_FORECAST_RESOLVE_MARGIN.key(),
        "must be in [0, 1), got " + margin);
    this.budgetForecast =
        new ForecastSettings(
            margin,
            c.get(BurnrateOptions.BUDGETS_FORECAST_RESOLVE_AFTER).toMillis(),
            ForecastSettings.RESOLVE_EVALUATIONS,
            c.get(BurnrateOptions.BUDGETS_SCOPE_HISTORY).toMillis());
    String budgetsFile = c.get(BurnrateOptions.BUDGETS_FILE);
    if (budgetsFile != null) {
      require(
          Files.isReadable(Path.of(budgetsFile)),
          BurnrateOptions.BUDGETS_FILE.key(),
          "file not readable: " + budgetsFile);
      try {
        this.bootstrapBudgets =
            List.copyOf(new BudgetParser(budgetTimeZone).parseFile(Path.of(budgetsFile)));
        for (Budget b : bootstrapBudgets) {
          try {
            bounds.checkBudget("budget " + b.id + ".amount", b.amount);
          } catch (io.burnrate.schemas.parse.ParseException e) {
            throw new IllegalArgumentException(e.detail(), e);
          }
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            BurnrateOptions.BUDGETS_FILE.key() + ": " + e.getMessage(), e);
      }
    } else {
      this.bootstrapBudgets = List.of();
    }
  }

  /** The settings of the detection steps (rules, budgets, actions) with this rate card. */
  public DetectionSettings detection(RateCard rateCard) {
    return new DetectionSettings(
        rules,
        bootstrapBudgets,
        budgetTimeZone,
        rateCard,
        seriesTimeout,
        dlqMaxPayloadBytes,
        bounds,
        sizing,
        training,
        budgetForecast);
  }

  /** {@code actions.sizing.*}, {@code actions.share-gpu.*}, ..., validated. */
  private static io.burnrate.jobs.actions.SizingConfig sizing(Configuration c) {
    Duration observe = c.get(BurnrateOptions.SIZING_OBSERVE_FOR);
    require(
        observe.compareTo(io.burnrate.jobs.actions.SizingConfig.MIN_OBSERVE) >= 0
            && observe.compareTo(io.burnrate.jobs.actions.SizingConfig.MAX_OBSERVE) <= 0
            && observe.toMillis() % 60_000 == 0,
        BurnrateOptions.SIZING_OBSERVE_FOR.key(),
        "must be whole minutes from 10 min to 24 h, got " + observe);
    double target = c.get(BurnrateOptions.SIZING_TARGET_UTILIZATION);
    require(
        target > 0 && target <= 1,
        BurnrateOptions.SIZING_TARGET_UTILIZATION.key(),
        "must be in (0, 1], got " + target);
    double headroom = c.get(BurnrateOptions.SIZING_MEMORY_HEADROOM);
    require(
        headroom >= 0 && headroom <= 1,
        BurnrateOptions.SIZING_MEMORY_HEADROOM.key(),
        "must be in [0, 1], got " + headroom);
    int perGpu = c.get(BurnrateOptions.SHARE_GPU_MAX_PER_GPU);
    require(
        perGpu >= 2 && perGpu <= 48,
        BurnrateOptions.SHARE_GPU_MAX_PER_GPU.key(),
        "must be from 2 to 48 (MPS's most clients), got " + perGpu);
    double minSaving = c.get(BurnrateOptions.SMALLER_GPU_MIN_SAVING);
    require(
        minSaving > 0 && minSaving < 1,
        BurnrateOptions.SMALLER_GPU_MIN_SAVING.key(),
        "must be in (0, 1), got " + minSaving);
    int minReplicas = c.get(BurnrateOptions.SCALE_TO_LOAD_MIN_REPLICAS);
    require(
        minReplicas >= 1,
        BurnrateOptions.SCALE_TO_LOAD_MIN_REPLICAS.key(),
        "must be >= 1, got " + minReplicas);
    return new io.burnrate.jobs.actions.SizingConfig(
        (int) observe.toMinutes(), target, headroom, perGpu, minSaving, minReplicas);
  }

  /** {@code bounds.*}, validated: positive finite amounts, min below max, ISO dates. */
  private static Plausibility bounds(Configuration c) {
    double price = c.get(BurnrateOptions.MAX_GPU_HOUR_PRICE);
    require(
        price > 0 && Double.isFinite(price),
        BurnrateOptions.MAX_GPU_HOUR_PRICE.key(),
        "must be > 0 and finite, got " + price);
    double billing = c.get(BurnrateOptions.MAX_BILLING_AMOUNT);
    require(
        billing > 0 && billing <= Plausibility.MAX_BILLING_AMOUNT_LIMIT,
        BurnrateOptions.MAX_BILLING_AMOUNT.key(),
        "must be > 0 and at most "
            + Plausibility.MAX_BILLING_AMOUNT_LIMIT
            + " (what billing_line_items' decimal(38,12) holds), got "
            + billing);
    double minBudget = c.get(BurnrateOptions.MIN_BUDGET);
    require(minBudget > 0, BurnrateOptions.MIN_BUDGET.key(), "must be > 0, got " + minBudget);
    double maxBudget = c.get(BurnrateOptions.MAX_BUDGET);
    require(
        maxBudget >= minBudget && Double.isFinite(maxBudget),
        BurnrateOptions.MAX_BUDGET.key(),
        "must be finite and at least " + BurnrateOptions.MIN_BUDGET.key() + ", got " + maxBudget);
    long minDate = date(c, BurnrateOptions.MIN_DATE);
    long maxDate = date(c, BurnrateOptions.MAX_DATE);
    require(
        minDate < maxDate,
        BurnrateOptions.MAX_DATE.key(),
        "must be after " + BurnrateOptions.MIN_DATE.key());
    return new Plausibility(price, billing, minBudget, maxBudget, minDate, maxDate);
  }

  private static long date(Configuration c, org.apache.flink.configuration.ConfigOption<String> o) {
    try {
      return java.time.LocalDate.parse(c.get(o))
          .atStartOfDay(java.time.ZoneOffset.UTC)
          .toInstant()
          .toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          o.key() + ": not an ISO-8601 date (e.g. 2000-01-01): '" + c.get(o) + "'");
    }
  }

  /**
   * Validates and builds the configuration. Keys under {@code kafka.properties.} are passed to the
   * Kafka clients unchanged (e.g. {@code kafka.properties.security.protocol}).
   *
   * @throws IllegalArgumentException naming the key at fault
   */
  public static JobConfig from(Configuration c) {
    Map<String, String> props = new HashMap<>();
    String prefix = "kafka.properties.";
    for (Map.Entry<String, String> e : c.toMap().entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        props.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    try {
      return new JobConfig(c, props);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
    }
  }

  /**
   * A choice among an enum's constants, written in lower case with dashes ({@code at-least-once}
   * for {@code AT_LEAST_ONCE}); anything else fails naming the option and the choices.
   */
  public static <E extends Enum<E>> E choice(
      org.apache.flink.configuration.ReadableConfig c,
      org.apache.flink.configuration.ConfigOption<String> option,
      Class<E> type) {
    String value = c.get(option).trim().toLowerCase(Locale.ROOT);
    List<String> names = new java.util.ArrayList<>();
    for (E e : type.getEnumConstants()) {
      String name = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (name.equals(value)) {
        return e;
      }
      names.add("'" + name + "'");
    }
    String choices =
        names.size() == 1
            ? names.get(0)
            : String.join(", ", names.subList(0, names.size() - 1))
                + " or "
                + names.get(names.size() - 1);
    throw new IllegalArgumentException(
        option.key() + ": must be " + choices + ", got '" + value + "'");
  }

  private static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": " + message);
    }
  }

  private static String nonBlank(String v, String key) {
    require(v != null && !v.isBlank(), key, "must not be blank");
    return v;
  }
}
