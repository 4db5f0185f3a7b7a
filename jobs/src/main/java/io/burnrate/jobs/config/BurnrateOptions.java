package io.burnrate.jobs.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every Burnrate option, typed, with its default and documentation. Resolved in one order: command
 * line flag, then configuration file, then the default here; validated at start-up by {@link
 * JobConfig#from}. The reference in {@code docs/configuration.md} lists the same keys.
 */
public final class BurnrateOptions {
  private BurnrateOptions() {}

  public static final ConfigOption<String> KAFKA_BOOTSTRAP =
      key("kafka.bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription("Kafka bootstrap servers, host:port[,host:port...]. Required.");

  public static final ConfigOption<String> KAFKA_GROUP =
      key("kafka.group-id")
          .stringType()
          .defaultValue("burnrate-analytics")
          .withDescription("Consumer group of the analytics job.");

  public static final ConfigOption<String> KAFKA_TXN_PREFIX =
      key("kafka.transactional-id-prefix")
          .stringType()
          .defaultValue("burnrate-analytics")
          .withDescription("Prefix of the exactly-once sinks' transactional ids; unique per job.");

  public static final ConfigOption<Duration> KAFKA_TXN_TIMEOUT =
      key("kafka.transaction-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "Producer transaction timeout; must be below the broker's"
                  + " transaction.max.timeout.ms (15 min by default) and above the checkpoint interval.");

  public static final ConfigOption<Integer> MAX_PARALLELISM =
      key("job.max-parallelism")
          .intType()
          .defaultValue(720)
          .withDescription(
              "Key groups of every keyed step: the most parallel the job can ever run from a"
                  + " savepoint. Fixed for the life of the job's state (a savepoint restores only"
                  + " with the same value); 720 divides evenly by 1-6, 8, 9, 10, 12, 15, 16, ...");

  public static final ConfigOption<String> ALERTS_DELIVERY =
      key("alerts.delivery")
          .stringType()
          .defaultValue("exactly-once")
          .withDescription(
              "How alerts and actions reach their topics: 'exactly-once' (transactional, visible to"
                  + " read_committed consumers when the checkpoint completes, so up to one"
                  + " checkpoint interval later) or 'at-least-once' (sent at once; after a failure"
                  + " a restored job may send an alert again with the same id, which consumers"
                  + " deduplicate). History in Iceberg is exactly-once either way.");

  public static final ConfigOption<String> CLUSTER =
      key("cluster.default-name")
          .stringType()
          .defaultValue("default")
          .withDescription(
              "Cluster name for records that carry none (Kubernetes watch events, telemetry without"
                  + " a cluster label).");

  public static final ConfigOption<List<String>> LABEL_KEYS =
      key("attribution.label-keys")
          .stringType()
          .asList()
          .defaultValues("team", "project", "cost-center")
          .withDescription("Pod and Job labels kept for cost attribution.");

  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      key("time.max-out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(20))
          .withDescription(
              "How far behind the newest event time a record may arrive and still count. Later"
                  + " records go to the dead-letter topic with reason 'late'.");

  public static final ConfigOption<Duration> SOURCE_IDLENESS =
      key("time.source-idleness")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "A source partition silent for this long (wall clock) stops holding back event time.");

  public static final ConfigOption<Duration> NODE_STALENESS =
      key("cost.node-staleness")
          .durationType()
          .defaultValue(Duration.ofMinutes(15))
          .withDescription(
              "Minutes of a node that has had no telemetry and no Kubernetes event for longer"
                  + " than this (event time) are not costed; its pods are kept, it is costed"
                  + " again from the first minute in which it is heard of, and each hour is"
                  + " allocated once.");

  public static final ConfigOption<Duration> NODE_RETENTION =
      key("cost.node-retention")
          .durationType()
          .defaultValue(Duration.ofHours(24))
          .withDescription(
              "How long (event time) a silent node's state (its pods, its price) is kept after"
                  + " it was last heard of; then it is released, and a node heard of again"
                  + " starts afresh. At least cost.node-staleness.");

  public static final ConfigOption<Duration> POD_GHOST_TIMEOUT =
      key("cost.pod-ghost-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(15))
          .withDescription(
              "Resync from telemetry for a missed pod DELETE: on a node whose dcgm-exporter"
                  + " labels GPUs with their pods, a running pod that no GPU sample has named"
                  + " for this long (event time), while the exporter names other pods or"
                  + " none, is ended (its GPUs become idle). 0 turns the resync off.");

  public static final ConfigOption<String> RATE_CARD =
      key("pricing.rate-card")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A CSV rate card whose rows replace or add to the bundled one (docs/rate-card.md).");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      key("checkpoint.interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Checkpoint interval: outputs (Kafka transactions, Iceberg commits) become visible at"
                  + " each completed checkpoint.");

  public static final ConfigOption<String> ICEBERG_CATALOG_TYPE =
      key("iceberg.catalog-type")
          .stringType()
          .defaultValue("hadoop")
          .withDescription(
              "Iceberg catalog: 'hadoop' (a folder), 'jdbc' (SQLite, PostgreSQL) or 'rest'.");

  public static final ConfigOption<String> ICEBERG_WAREHOUSE =
      key("iceberg.warehouse")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Warehouse folder, file: URI or s3://bucket/prefix (S3FileIO; jdbc and rest"
                  + " catalogs). Without it, nothing is written to Iceberg.");

  public static final ConfigOption<String> ICEBERG_URI =
      key("iceberg.uri")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Catalog URI: jdbc:sqlite:FILE or jdbc:postgresql://... for 'jdbc', http(s)://... for"
                  + " 'rest'.");

  public static final ConfigOption<String> ICEBERG_S3_ENDPOINT =
      key("iceberg.s3.endpoint")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "S3 endpoint override for an s3:// warehouse on an S3-compatible store (MinIO, Ceph,"
                  + " S3Proxy); default: AWS.");

  public static final ConfigOption<Boolean> ICEBERG_S3_PATH_STYLE =
      key("iceberg.s3.path-style-access")
          .booleanType()
          .noDefaultValue()
          .withDescription(
              "Bucket in the path instead of the host name; default: true with an endpoint"
                  + " override, false on AWS.");

  public static final ConfigOption<String> ICEBERG_S3_REGION =
      key("iceberg.s3.region")
          .stringType()
          .noDefaultValue()
          .withDescription("S3 region; default: the AWS SDK's chain (AWS_REGION, profile).");

  public static final ConfigOption<String> ICEBERG_S3_ACCESS_KEY_ID =
      key("iceberg.s3.access-key-id")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "S3 access key id; with iceberg.s3.secret-access-key replaces the AWS SDK's default"
                  + " chain. Give ${env:VAR} or ${file:PATH} rather than the value.");

  public static final ConfigOption<String> ICEBERG_S3_SECRET_ACCESS_KEY =
      key("iceberg.s3.secret-access-key")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "S3 secret access key, e.g. ${env:AWS_SECRET_ACCESS_KEY}; never printed.");

  public static final ConfigOption<String> ICEBERG_CATALOG_NAME =
      key("iceberg.catalog-name")
          .stringType()
          .defaultValue("burnrate")
          .withDescription("Catalog name; every engine reading the tables must use the same one.");

  public static final ConfigOption<Double> ANOMALY_THRESHOLD =
      key("detection.anomaly-threshold")
          .doubleType()
          .defaultValue(0.75)
          .withDescription(
              "Anomaly score (0-1) at which a series' alert fires (docs/anomaly-detection.md).");

  public static final ConfigOption<String> DETECTION_TIME_ZONE =
      key("detection.time-zone")
          .stringType()
          .defaultValue("UTC")
          .withDescription(
              "Time zone of the daily and weekly rhythms the anomaly detector learns.");

  public static final ConfigOption<Integer> DLQ_MAX_PAYLOAD =
      key("dlq.max-payload-bytes")
          .intType()
          .defaultValue(16 * 1024)
          .withDescription("Bytes of the original payload kept in a dead letter.");

  public static final ConfigOption<Integer> MAX_RECORD_BYTES =
      key("input.max-record-bytes")
          .intType()
          .defaultValue(1024 * 1024)
          .withDescription("Larger input records are not parsed: they go to the DLQ as too_large.");

  public static final ConfigOption<Integer> MAX_STRING_BYTES =
      key("input.max-string-bytes")
          .intType()
          .defaultValue(256 * 1024)
          .withDescription(
              "Records with a JSON string longer than this (in bytes) go to the DLQ as too_large:"
                  + " a name or label value of that size is an error, and it would become a state"
                  + " key and a lake column. The default leaves room for Kubernetes'"
                  + " last-applied-configuration annotation (at most 256 KiB).");

  public static final ConfigOption<Integer> MAX_TAGS =
      key("input.max-tags")
          .intType()
          .defaultValue(500)
          .withDescription(
              "Billing rows with more tags (FOCUS Tags, CUR resource_tags) go to the DLQ as"
                  + " too_large.");

  public static final ConfigOption<String> MIN_EVENT_TIME =
      key("input.min-event-time")
          .stringType()
          .defaultValue("2000-01-01T00:00:00Z")
          .withDescription(
              "Records whose event time is earlier go to the DLQ as timestamp_out_of_range (a"
                  + " zero or seconds-for-milliseconds timestamp).");

  public static final ConfigOption<Double> MAX_GPU_HOUR_PRICE =
      key("bounds.max-gpu-hour-price")
          .doubleType()
          .defaultValue(1_000.0)
          .withDescription(
              "The most one GPU-hour may cost: a published price (price_per_hour / gpu_count, 16"
                  + " GPUs assumed without gpu_count) over it goes to the DLQ as out_of_range; a row of pricing.rate-card over it stops the start.");

  public static final ConfigOption<Double> MAX_BILLING_AMOUNT =
      key("bounds.max-billing-amount")
          .doubleType()
          .defaultValue(1e9)
          .withDescription(
              "The largest amount (either sign) of a billing line's BilledCost, EffectiveCost,"
                  + " ListCost, ContractedCost; a row over it goes to the DLQ as out_of_range.");

  public static final ConfigOption<Double> MIN_BUDGET =
      key("bounds.min-budget")
          .doubleType()
          .defaultValue(0.01)
          .withDescription("The smallest budget amount; below it: out_of_range.");

  public static final ConfigOption<Double> MAX_BUDGET =
      key("bounds.max-budget")
          .doubleType()
          .defaultValue(1e12)
          .withDescription("The largest budget amount; above it: out_of_range.");

  public static final ConfigOption<String> MIN_DATE =
      key("bounds.min-date")
          .stringType()
          .defaultValue("2000-01-01")
          .withDescription(
              "The earliest date of a billing row's periods and delivery and a price's"
                  + " valid_from; earlier: out_of_range.");

  public static final ConfigOption<String> MAX_DATE =
      key("bounds.max-date")
          .stringType()
          .defaultValue("2200-01-01")
          .withDescription("Dates on or after it are out_of_range (exclusive bound).");

  public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
      key("input.max-future-skew")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "Records whose event time is further ahead of the wall clock go to the DLQ as"
                  + " timestamp_out_of_range: one record from the future would otherwise move"
                  + " event time ahead and make every other record late.");

  public static final ConfigOption<String> RECONCILE_ALLOCATE_BY =
      key("reconciliation.allocate-by")
          .stringType()
          .defaultValue("effective")
          .withDescription(
              "Which billed amount is split over the pods of a node-hour: 'effective' (FOCUS"
                  + " EffectiveCost, commitments amortised) or 'billed' (BilledCost). Both are"
                  + " reported on every billed allocation row.");

  public static final ConfigOption<Duration> RECONCILE_GRACE =
      key("reconciliation.unbilled-grace")
          .durationType()
          .defaultValue(Duration.ofHours(48))
          .withDescription(
              "Event time after the end of an allocated hour without billing for its instance"
                  + " before a BillingMissing alert is raised (once per instance).");

  public static final ConfigOption<Duration> RECONCILE_RETENTION =
      key("reconciliation.retention")
          .durationType()
          .defaultValue(Duration.ofDays(35))
          .withDescription(
              "How long an allocated hour is kept for reconciliation; billing restated after"
                  + " that still lands in billing_line_items but no longer corrects allocations.");
  public static final ConfigOption<String> RULES_FILE =
      key("detection.rules-file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A JSON file of rule settings and per-scope overrides (docs/detection.md); without"
                  + " it the built-in defaults apply.");

  public static final ConfigOption<Double> HOURLY_SPEND_LIMIT =
      key("detection.hourly-spend-limit")
          .doubleType()
          .defaultValue(100.0)
          .withDescription(
              "Default limit of a workload's rolling 60-minute cost for the hourly-spend rule; 0"
                  + " disables the rule.");

  public static final ConfigOption<Duration> SERIES_TIMEOUT =
      key("detection.series-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(15))
          .withDescription(
              "A workload or node with no window for this long (event time) has ended: its open"
                  + " rule, training and scheduling alerts and actions resolve and its state is released.");

  public static final ConfigOption<Duration> SIZING_OBSERVE_FOR =
      key("actions.sizing.observe-for")
          .durationType()
          .defaultValue(Duration.ofMinutes(60))
          .withDescription(
              "Minutes of a workload's utilisation and peak GPU memory (one-minute windows) before"
                  + " any sizing advice (share_gpu, smaller_gpu_type, scale_to_load), and the"
                  + " sliding span its percentiles are taken over. 10 min to 24 h.");

  public static final ConfigOption<Double> SIZING_TARGET_UTILIZATION =
      key("actions.sizing.target-utilization")
          .doubleType()
          .defaultValue(0.7)
          .withDescription(
              "Utilisation (0-1) the advised GPU share, GPU type or replica count may reach at the"
                  + " observed p95.");

  public static final ConfigOption<Double> SIZING_MEMORY_HEADROOM =
      key("actions.sizing.memory-headroom")
          .doubleType()
          .defaultValue(0.2)
          .withDescription(
              "Share of the observed peak GPU memory kept free by a sizing advice: 0.2 means the"
                  + " peak x 1.2 must fit the MIG profile, the shared GPU or the other type.");

  public static final ConfigOption<Integer> SHARE_GPU_MAX_PER_GPU =
      key("actions.share-gpu.max-per-gpu")
          .intType()
          .defaultValue(4)
          .withDescription(
              "Most workloads share_gpu puts on one GPU by time-slicing or MPS (MIG profiles have"
                  + " their own limits). 2 to 48.");

  public static final ConfigOption<Double> SMALLER_GPU_MIN_SAVING =
      key("actions.smaller-gpu-type.min-saving")
          .doubleType()
          .defaultValue(0.15)
          .withDescription(
              "Least saving per GPU-hour, as a share of today's rate-card price, for which"
                  + " smaller_gpu_type advises another GPU type.");

  public static final ConfigOption<Integer> SCALE_TO_LOAD_MIN_REPLICAS =
      key("actions.scale-to-load.min-replicas")
          .intType()
          .defaultValue(2)
          .withDescription("Fewest replicas scale_to_load leaves a replicated workload.");

  public static final ConfigOption<Double> TRAINING_ASSUMED_REMAINING_HOURS =
      key("training.assumed-remaining-hours")
          .doubleType()
          .defaultValue(io.burnrate.jobs.training.TrainingConfig.DEFAULT_ASSUMED_REMAINING_HOURS)
          .withDescription(
              "How much longer a training run is assumed to go on when it reports no total_steps:"
                  + " the hours the savings of early_stop, stop_diverged and check_restart count"
                  + " (said in each action's evidence).");

  public static final ConfigOption<String> BUDGETS_FILE =
      key("budgets.file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A JSON file of bootstrap budgets; definitions on burnrate.config.budgets win over"
                  + " it.");

  public static final ConfigOption<String> BUDGETS_TIME_ZONE =
      key("budgets.time-zone")
          .stringType()
          .defaultValue("UTC")
          .withDescription("Time zone of the period boundaries of budgets that name none.");

  public static final ConfigOption<Double> BUDGETS_FORECAST_RESOLVE_MARGIN =
      key("budgets.forecast.resolve-margin")
          .doubleType()
          .defaultValue(0.05)
          .withDescription(
              "A budget's forecast alert resolves when the forecast falls below its threshold by"
                  + " this fraction of the threshold (0.05: below 95 of a 100 threshold) for"
                  + " budgets.forecast.resolve-after and three evaluations in a row. In [0, 1).");

  public static final ConfigOption<Duration> BUDGETS_FORECAST_RESOLVE_AFTER =
      key("budgets.forecast.resolve-after")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "How long (event time) the forecast must stay below the margin before a forecast"
                  + " alert resolves inside its period.");

  public static final ConfigOption<Duration> BUDGETS_SCOPE_HISTORY =
      key("budgets.scope-history")
          .durationType()
          .defaultValue(Duration.ofDays(32))
          .withDescription(
              "How long each budget scope's spend is kept per hour, budget or not, so that a"
                  + " budget defined mid-period counts the period's spend already seen (and its"
                  + " forecast learns from it). 32 days covers a month in any time zone; 0 keeps"
                  + " nothing (a budget counts from its definition on).");

  public static final ConfigOption<String> IDLE_SHARE =
      key("cost.idle-share")
          .stringType()
          .defaultValue("none")
          .withDescription(
              "Whether allocation-based cost per sample includes the workload's share of its nodes'"
                  + " idle cost (by GPU-seconds): 'none' or 'proportional'. idle_share_cost is"
                  + " reported either way.");

  public static final ConfigOption<String> BILLING_FILES =
      key("billing.files.location")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A folder or s3://bucket/prefix where the cloud delivers billing exports (FOCUS or"
                  + " CUR 2.0; Parquet, CSV, CSV.gz). Listed every discovery interval; each object"
                  + " is ingested once (checkpointed). Without it, billing comes from the topic"
                  + " only.");

  public static final ConfigOption<Duration> BILLING_FILES_INTERVAL =
      key("billing.files.discovery-interval")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription("How often billing.files.location is listed for new objects.");

  public static final ConfigOption<String> BILLING_FILES_S3_ENDPOINT =
      key("billing.files.s3-endpoint")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "S3 endpoint override for S3-compatible stores (path-style access); credentials come"
                  + " from the AWS SDK's default chain (environment, profile, instance role).");

  public static final ConfigOption<String> BILLING_FILES_S3_REGION =
      key("billing.files.s3-region")
          .stringType()
          .noDefaultValue()
          .withDescription("S3 region; default: the AWS SDK's chain, else us-east-1.");

  public static final ConfigOption<String> BILLING_FILES_S3_ACCESS_KEY_ID =
      key("billing.files.s3-access-key-id")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "S3 access key id; with billing.files.s3-secret-access-key replaces the AWS SDK's"
                  + " default chain. Use ${env:VAR} or ${file:PATH} rather than the value.");

  public static final ConfigOption<String> BILLING_FILES_S3_SECRET_ACCESS_KEY =
      key("billing.files.s3-secret-access-key")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "S3 secret access key, e.g. ${env:AWS_SECRET_ACCESS_KEY} or ${file:/run/secrets/s3};"
                  + " never printed.");

  public static final ConfigOption<String> SITES_FILE =
      key("onprem.sites-file")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "JSON file of owned sites (tariff, currency, hardware price, lifetime, overhead);"
                  + " nodes labelled burnrate.io/site=<name> are priced by measured energy plus"
                  + " amortisation (docs/onprem.md).");

  public static final ConfigOption<String> METRICS_PROMETHEUS_PORT =
      key("metrics.prometheus.port")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Serve Flink and Burnrate metrics in Prometheus format on"
                  + " http://127.0.0.1:<port>/metrics (a port, a range such as 9250-9260, or 0 for"
                  + " any free port) when the job runs on its own MiniCluster (./burnrate run,"
                  + " demo); off without it (docs/metrics.md).");

  public static final ConfigOption<String> JOB_MODE =
      key("job.mode")
          .stringType()
          .defaultValue("all")
          .withDescription(
              "What this job does (docs/deployment.md, Two speeds): 'all' (one job: Kafka outputs"
                  + " and every Iceberg table, committed at each checkpoint: the demo, small"
                  + " fleets), 'analytics' (the alerting path: Kafka outputs on short checkpoints;"
                  + " of the lake only billing_line_items) or 'history' (lands the output topics"
                  + " in Iceberg exactly-once on its own, long checkpoint interval, with Iceberg's"
                  + " table maintenance).");

  public static final ConfigOption<Boolean> LAKE_MAINTENANCE =
      key("lake.maintenance")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "In the history job: Iceberg's Flink table maintenance after commits (compaction,"
                  + " snapshot expiry, orphan-file clean-up), configured by the lake.* keys.");

  public static final ConfigOption<Integer> LAKE_COMPACT_EVERY_COMMITS =
      key("lake.compact-every-commits")
          .intType()
          .defaultValue(12)
          .withDescription(
              "Rewrite (compact) the small data files of a table after this many commits (12 at"
                  + " a 5 min interval: hourly).");

  public static final ConfigOption<Integer> LAKE_COMPACT_MIN_FILES =
      key("lake.compact-min-files")
          .intType()
          .defaultValue(5)
          .withDescription(
              "Compact a partition when it has at least this many small data files (Iceberg's"
                  + " min-input-files).");

  public static final ConfigOption<Duration> LAKE_MAINTENANCE_MIN_INTERVAL =
      key("lake.maintenance-min-interval")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "At most one maintenance run per table in this interval (Iceberg's rate limit),"
                  + " whatever the commit count.");

  public static final ConfigOption<Duration> LAKE_SNAPSHOT_MAX_AGE =
      key("lake.snapshot-max-age")
          .durationType()
          .defaultValue(Duration.ofDays(7))
          .withDescription(
              "Expire snapshots older than this (time travel reaches back this far); checked"
                  + " after every lake.compact-every-commits commits.");

  public static final ConfigOption<Integer> LAKE_SNAPSHOTS_RETAIN_LAST =
      key("lake.snapshots-retain-last")
          .intType()
          .defaultValue(10)
          .withDescription("Keep at least this many snapshots of each table, however old.");

  public static final ConfigOption<Duration> LAKE_ORPHAN_MIN_AGE =
      key("lake.orphan-min-age")
          .durationType()
          .defaultValue(Duration.ofDays(3))
          .withDescription(
              "Delete files in a table's location that no snapshot references once they are this"
                  + " old (a crashed writer's files); must exceed the longest commit, never minutes.");

  public static final ConfigOption<Duration> LAKE_ORPHAN_INTERVAL =
      key("lake.orphan-cleanup-interval")
          .durationType()
          .defaultValue(Duration.ofDays(1))
          .withDescription("How often to look for orphan files.");

  public static final ConfigOption<String> RUN_STATE_DIR =
      key("run.state-dir")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "./burnrate run (local MiniCluster only): folder of the durable state; checkpoints"
                  + " go to <dir>/checkpoints (filesystem checkpoint storage, kept when the job"
                  + " stops) and a restarted run resumes from the newest one. Default:"
                  + " burnrate-state/<pipeline.name> under the working directory."
                  + " execution.checkpointing.dir (or state.checkpoints.dir) wins when set.");

  public static final ConfigOption<Boolean> RUN_CREATE_TOPICS =
      key("run.create-topics")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "./burnrate run: create missing input, output and configuration topics at start-up;"
                  + " with false (or when the broker refuses) it stops naming them and the"
                  + " kafka-topics command to create them.");

  public static final ConfigOption<Integer> RUN_TOPIC_PARTITIONS =
      key("run.topic-partitions")
          .intType()
          .defaultValue(4)
          .withDescription(
              "Partitions of the data topics ./burnrate run creates (configuration topics are"
                  + " compacted with 1 partition).");

  public static final ConfigOption<Duration> RUN_STATUS_INTERVAL =
      key("run.status-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "./burnrate run: how often a status line (checkpoints, sizes, restarts, records in)"
                  + " is printed.");

  /** The keys of every option above (for the run mode's check of unknown keys). */
  public static java.util.Set<String> keys() {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    for (java.lang.reflect.Field f : BurnrateOptions.class.getDeclaredFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())
          && f.getType() == ConfigOption.class) {
        try {
          keys.add(((ConfigOption<?>) f.get(null)).key());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return keys;
  }
}
