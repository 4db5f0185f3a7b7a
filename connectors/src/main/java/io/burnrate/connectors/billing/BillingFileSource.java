package io.burnrate.connectors.billing;

import io.burnrate.connectors.billing.internal.BillingEnumState;
import io.burnrate.connectors.billing.internal.BillingObjectSplit;
import io.burnrate.connectors.billing.internal.BillingSerializers;
import io.burnrate.connectors.billing.internal.BillingSourceReader;
import io.burnrate.connectors.billing.internal.BillingSplitEnumerator;
import io.burnrate.connectors.kafka.RawRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source of billing files: lists a folder or {@code s3://bucket/prefix} every discovery
 * interval, groups new objects into deliveries (AWS Data Exports manifests, or loose files), and
 * reads each new object once (the set of ingested objects, by URI and ETag, is checkpointed
 * enumerator state; the rows emitted of an object in progress are checkpointed split state). Every
 * row is emitted as a {@link RawRecord} (topic = object URI, offset = row, key = delivery id, value
 * = the row as JSON with {@code x_} provenance), so the job parses it with {@code
 * BillingRowParser.parseJson} and routes failures down its existing dead-letter path.
 *
 * <pre>{@code
 * BillingFileSource source = BillingFileSource.builder()
 *     .location("s3://billing-bucket/exports")
 *     .s3(new S3Settings(null, "us-east-1", false, null, null))
 *     .discoveryInterval(Duration.ofMinutes(10))
 *     .alreadyIngested(tables.ingestedKeys())   // optional: skip what ingest-billing loaded
 *     .build();
 * DataStream<RawRecord> billing =
 *     env.fromSource(source, WatermarkStrategy.noWatermarks(), "billing-files").uid("billing-files");
 * }</pre>
 */
public final class BillingFileSource
    implements Source<RawRecord, BillingObjectSplit, BillingEnumState> {
  private static final long serialVersionUID = 1L;

  private final String location;
  private final S3Settings s3;
  private final long intervalMillis;
  private final boolean bounded;
  private final LinkedHashSet<String> alreadyIngested;
  private final String tmpDir;

  private BillingFileSource(Builder b) {
    this.location = b.location;
    this.s3 = b.s3;
    this.intervalMillis = b.interval.toMillis();
    this.bounded = b.bounded;
    this.alreadyIngested = new LinkedHashSet<>(b.alreadyIngested);
    this.tmpDir = b.tmpDir;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Boundedness getBoundedness() {
    return bounded ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SplitEnumerator<BillingObjectSplit, BillingEnumState> createEnumerator(
      SplitEnumeratorContext<BillingObjectSplit> context) {
    return restoreEnumerator(
        context, new BillingEnumState(new LinkedHashSet<>(alreadyIngested), new ArrayList<>()));
  }

  @Override
  public SplitEnumerator<BillingObjectSplit, BillingEnumState> restoreEnumerator(
      SplitEnumeratorContext<BillingObjectSplit> context, BillingEnumState state) {
    return new BillingSplitEnumerator(context, location, s3, intervalMillis, bounded, state);
  }

  @Override
  public SourceReader<RawRecord, BillingObjectSplit> createReader(SourceReaderContext context) {
    Path tmp = Path.of(tmpDir != null ? tmpDir : System.getProperty("java.io.tmpdir"));
    return new BillingSourceReader(context, location, s3, tmp);
  }

  @Override
  public SimpleVersionedSerializer<BillingObjectSplit> getSplitSerializer() {
    return new BillingSerializers.Splits();
  }

  @Override
  public SimpleVersionedSerializer<BillingEnumState> getEnumeratorCheckpointSerializer() {
    return new BillingSerializers.EnumState();
  }

  /** Builds a {@link BillingFileSource}; {@link #location} is required. */
  public static final class Builder {
    private String location;
    private S3Settings s3 = S3Settings.defaults();
    private Duration interval = Duration.ofMinutes(5);
    private boolean bounded;
    private Set<String> alreadyIngested = Set.of();
    private String tmpDir;

    /** A folder, {@code file:} URI or {@code s3://bucket/prefix}. */
    public Builder location(String location) {
      this.location = location;
      return this;
    }

    public Builder s3(S3Settings s3) {
      this.s3 = s3;
      return this;
    }

    /** How often the location is listed (default 5 minutes; exports refresh a few times a day). */
    public Builder discoveryInterval(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("discoveryInterval: must be positive");
      }
      this.interval = interval;
      return this;
    }

    /** List once, read what is there, then end (backfills, tests). */
    public Builder bounded() {
      this.bounded = true;
      return this;
    }

    /** {@code uri@identity} keys to skip, e.g. {@code BillingTables.ingestedKeys()}. */
    public Builder alreadyIngested(Set<String> keys) {
      this.alreadyIngested = Set.copyOf(keys);
      return this;
    }

    /** Where Parquet objects are copied to be read (default: the TaskManager's tmp dir). */
    public Builder tmpDir(String dir) {
      this.tmpDir = dir;
      return this;
    }

    public BillingFileSource build() {
      if (location == null || location.isBlank()) {
        throw new IllegalArgumentException("location: a folder or s3://bucket/prefix is required");
      }
      if (s3 == null) {
        throw new IllegalArgumentException("s3: settings must not be null");
      }
      return new BillingFileSource(this);
    }
  }
}
