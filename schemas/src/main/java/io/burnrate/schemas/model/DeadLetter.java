package io.burnrate.schemas.model;

/**
 * A record the pipeline could not use, published to {@code burnrate.dlq} with why and where it came
 * from. Nothing is dropped silently.
 */
public class DeadLetter {
  /** A short machine-readable reason code; see {@link Reasons}. */
  public String reason;

  /** A human-readable explanation naming the field and value at fault. */
  public String detail;

  public String sourceTopic;
  public int sourcePartition = -1;
  public long sourceOffset = -1;

  /** Kafka record timestamp (epoch ms), or -1. */
  public long sourceTimestamp = -1;

  /** The record's key as UTF-8 (or base64 when not UTF-8), or null. */
  public String key;

  /** The record's value as UTF-8 text (truncated to the configured limit), or null. */
  public String payload;

  /** Whether {@link #payload} was cut. */
  public boolean payloadTruncated;

  /** Processing time at which the record was rejected (epoch ms). */
  public long failedAt;

  public DeadLetter() {}

  /** Reason codes used across the pipeline. */
  public static final class Reasons {
    /** Not JSON, or not an object. */
    public static final String INVALID_JSON = "invalid_json";

    /** A required field is missing. */
    public static final String MISSING_FIELD = "missing_field";

    /** A field has the wrong type or an impossible value (negative, NaN, out of range). */
    public static final String INVALID_VALUE = "invalid_value";

    /** An enum-like field has a value outside its vocabulary. */
    public static final String UNKNOWN_ENUM = "unknown_enum";

    /** Event time older than the watermark allows: its window was already emitted. */
    public static final String LATE = "late";

    /**
     * The record exceeds a configured size limit (input.max-record-bytes, input.max-string-bytes,
     * input.max-tags).
     */
    public static final String TOO_LARGE = "too_large";

    /**
     * Event time before input.min-event-time or further ahead of the wall clock than
     * input.max-future-skew: it would drag event time far away (and make every other record late).
     */
    public static final String OUT_OF_RANGE = "timestamp_out_of_range";

    /**
     * A finite value outside its plausibility bound (a price per GPU-hour, a billed amount, a
     * budget, a date; {@code bounds.*}), or one the sink's column cannot hold (a decimal's
     * precision, a timestamp's range): the detail names the field and the bound.
     */
    public static final String VALUE_OUT_OF_RANGE = "out_of_range";

    /**
     * A Kubernetes watch {@code ERROR} event (e.g. {@code 410 Gone}, reason {@code Expired}): the
     * producer's watch ended and must re-list; the events in between may be missing.
     */
    public static final String WATCH_ERROR = "watch_error";

    /** A node whose instance type has no price in the rate card: its cost cannot be estimated. */
    public static final String UNPRICED = "unpriced_instance_type";

    /** Payload is not UTF-8 / empty. */
    public static final String EMPTY = "empty_record";

    /** A billing file whose columns are neither FOCUS nor AWS CUR (or not the format asked for). */
    public static final String UNKNOWN_FORMAT = "unknown_format";

    /** A billing file that cannot be read at all (corrupt gzip or Parquet, I/O failure). */
    public static final String UNREADABLE_OBJECT = "unreadable_object";

    /** A CSV row that is not a row of its header (more fields than columns, broken quoting). */
    public static final String MALFORMED_ROW = "malformed_row";

    private Reasons() {}
  }

  @Override
  public String toString() {
    return "DeadLetter{"
        + reason
        + ": "
        + detail
        + " @"
        + sourceTopic
        + "/"
        + sourcePartition
        + "/"
        + sourceOffset
        + "}";
  }
}
