package io.burnrate.connectors.iceberg;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.flink.maintenance.api.DeleteOrphanFilesConfig;
import org.apache.iceberg.flink.maintenance.api.ExpireSnapshotsConfig;
import org.apache.iceberg.flink.maintenance.api.FlinkMaintenanceConfig;
import org.apache.iceberg.flink.maintenance.api.RewriteDataFilesConfig;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * Iceberg's own table maintenance for Flink, run after the sink's commits (iceberg-flink's {@code
 * TableMaintenance} through {@link IcebergSink.Builder}): compaction of small data files every
 * {@code compactEveryCommits} commits (partitions with at least {@code compactMinFiles} small
 * files), snapshot expiry on the same schedule, and orphan-file clean-up every {@code
 * orphanInterval}; at most one run per {@code minInterval}. Without a lock configured, Iceberg runs
 * the tasks one at a time inside the job (one writer job per table, as in Burnrate's history job).
 */
public record LakeMaintenance(
    int compactEveryCommits,
    int compactMinFiles,
    Duration snapshotMaxAge,
    int snapshotsRetainLast,
    Duration orphanMinAge,
    Duration orphanInterval,
    Duration minInterval)
    implements Serializable {

  public LakeMaintenance {
    if (compactEveryCommits < 1) {
      throw new IllegalArgumentException("compactEveryCommits must be >= 1");
    }
    if (snapshotsRetainLast < 1) {
      throw new IllegalArgumentException("snapshotsRetainLast must be >= 1");
    }
  }

  /** Adds the maintenance tasks to Iceberg's sink builder. */
  IcebergSink.Builder applyTo(IcebergSink.Builder b) {
    String commits = Integer.toString(compactEveryCommits);
    String seconds = Long.toString(Math.max(1, minInterval.toSeconds()));
    b.set(FlinkMaintenanceConfig.RATE_LIMIT, seconds);
    b.set(FlinkMaintenanceConfig.LOCK_CHECK_DELAY, seconds);
    return b.rewriteDataFiles(
            Map.of(
                RewriteDataFilesConfig.SCHEDULE_ON_COMMIT_COUNT,
                commits,
                RewriteDataFilesConfig.PREFIX + "min-input-files",
                Integer.toString(compactMinFiles)))
        .expireSnapshots(
            Map.of(
                ExpireSnapshotsConfig.SCHEDULE_ON_COMMIT_COUNT,
                commits,
                ExpireSnapshotsConfig.MAX_SNAPSHOT_AGE_SECONDS,
                Long.toString(snapshotMaxAge.toSeconds()),
                ExpireSnapshotsConfig.RETAIN_LAST,
                Integer.toString(snapshotsRetainLast)))
        .deleteOrphanFiles(
            Map.of(
                DeleteOrphanFilesConfig.SCHEDULE_ON_INTERVAL_SECOND,
                Long.toString(Math.max(1, orphanInterval.toSeconds())),
                DeleteOrphanFilesConfig.MIN_AGE_SECONDS,
                Long.toString(orphanMinAge.toSeconds())));
  }
}
