package io.burnrate.connectors.billing.internal;

import io.burnrate.connectors.billing.BillingFileReader;
import io.burnrate.connectors.billing.BillingJson;
import io.burnrate.connectors.billing.BillingRow;
import io.burnrate.connectors.billing.ObjectStore;
import io.burnrate.connectors.billing.S3Settings;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.schemas.parse.BillingFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;

/**
 * Reads the billing objects assigned to it, one at a time, and emits every row as a {@link
 * RawRecord}: {@code topic} = the object's URI, {@code offset} = the 1-based row, {@code timestamp}
 * = when the delivery was made, {@code key} = the delivery id, {@code value} = the row as a JSON
 * object with {@code x_DeliveryId}, {@code x_DeliveredAt}, {@code x_SourceObject} and {@code
 * x_SourceRow} added. What cannot be read becomes a record carrying {@code x_ReadError} (reason and
 * detail), which {@code BillingRowParser.parseJson} turns into a dead letter. An object is first
 * read to its end without emitting anything: one that cannot be (truncated gzip, broken quoting,
 * corrupt Parquet) emits no row, only one {@code unreadable_object} record. The object's rows
 * emitted so far are checkpointed with the split and skipped after a restore. Objects are read in
 * the task thread (billing volumes are small; a slow object store slows only this source).
 */
public final class BillingSourceReader implements SourceReader<RawRecord, BillingObjectSplit> {
  private final SourceReaderContext context;
  private final String location;
  private final S3Settings s3;
  private final Path tmpDir;
  private final Deque<BillingObjectSplit> queued = new ArrayDeque<>();
  private CompletableFuture<Void> available = new CompletableFuture<>();
  private boolean noMoreSplits;
  private ObjectStore store;

  private BillingObjectSplit current;
  private BillingFileReader reader;
  private List<String> columns;
  private long emitted;

  public BillingSourceReader(
      SourceReaderContext context, String location, S3Settings s3, Path tmpDir) {
    this.context = context;
    this.location = location;
    this.s3 = s3;
    this.tmpDir = tmpDir;
  }

  @Override
  public void start() {
    context.sendSplitRequest();
  }

  @Override
  public InputStatus pollNext(ReaderOutput<RawRecord> output) throws Exception {
    if (current == null) {
      current = queued.poll();
      if (current == null) {
        if (noMoreSplits) {
          return InputStatus.END_OF_INPUT;
        }
        if (available.isDone()) {
          available = new CompletableFuture<>();
        }
        return InputStatus.NOTHING_AVAILABLE;
      }
      if (!open(output)) {
        return finishSplit();
      }
    }
    BillingRow row;
    try {
      row = reader.next();
    } catch (IOException e) {
      emitError(output, -1, Reasons.UNREADABLE_OBJECT, e.getMessage(), null);
      return finishSplit();
    }
    if (row == null) {
      return finishSplit();
    }
    if (row.malformed() != null) {
      emitError(output, row.number(), Reasons.MALFORMED_ROW, row.malformed(), row);
    } else {
      output.collect(record(row.number(), row(row, null)));
    }
    emitted++;
    return InputStatus.MORE_AVAILABLE;
  }

  /** Opens the current object and skips what was emitted before a restore; false when done. */
  private boolean open(ReaderOutput<RawRecord> output) throws IOException {
    emitted = current.rowsEmitted();
    try {
      if (store == null) {
        store = ObjectStore.of(location, s3);
      }
      reader = BillingFileReader.open(store, current.object(), tmpDir);
      columns = reader.columns();
      if (BillingFormat.detect(columns) == null) {
        if (emitted == 0) {
          emitError(
              output,
              -1,
              Reasons.UNKNOWN_FORMAT,
              "columns are neither FOCUS nor AWS CUR: "
                  + String.join(",", columns.subList(0, Math.min(columns.size(), 20))),
              null);
        }
        return false;
      }
      if (emitted == 0) {
        // all or nothing per object: an object that cannot be read to its end emits no row,
        // only its dead letter (rows before the break would pass for the whole object)
        String broken = unreadable();
        if (broken != null) {
          emitError(output, -1, Reasons.UNREADABLE_OBJECT, broken, null);
          return false;
        }
      }
      for (long i = 0; i < emitted; i++) {
        if (reader.next() == null) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      if (emitted == 0) {
        emitError(output, -1, Reasons.UNREADABLE_OBJECT, e.getMessage(), null);
      }
      return false;
    }
  }

  /**
   * Reads the current object to its end once, emitting nothing: null when it can be read, else why
   * not (the first line of the error and the rows before it). Costs one more read of the object.
   */
  private String unreadable() throws IOException {
    long rows = 0;
    try (BillingFileReader check = BillingFileReader.open(store, current.object(), tmpDir)) {
      while (check.next() != null) {
        rows++;
      }
      return null;
    } catch (IOException e) {
      return BillingFileReader.cause(e)
          + " (after "
          + rows
          + " rows; no row of the object was emitted)";
    }
  }

  private InputStatus finishSplit() throws IOException {
    if (reader != null) {
      reader.close();
      reader = null;
    }
    current = null;
    if (queued.isEmpty()) {
      context.sendSplitRequest();
    }
    return InputStatus.MORE_AVAILABLE;
  }

  private byte[] row(BillingRow row, Map<String, Object> error) {
    List<String> cols = new ArrayList<>(columns);
    List<Object> vals =
        new ArrayList<>(
            Arrays.asList(row.values()).subList(0, Math.min(row.values().length, columns.size())));
    while (vals.size() < cols.size()) {
      vals.add(null);
    }
    cols.addAll(List.of("x_DeliveryId", "x_DeliveredAt", "x_SourceObject", "x_SourceRow"));
    vals.add(current.deliveryId());
    vals.add(Instant.ofEpochMilli(Math.max(0, current.deliveredAt())).toString());
    vals.add(current.object().uri());
    vals.add(row.number());
    if (error != null) {
      cols.add("x_ReadError");
      vals.add(error);
    }
    return BillingJson.row(cols, vals.toArray());
  }

  private void emitError(
      ReaderOutput<RawRecord> output,
      long rowNumber,
      String reason,
      String detail,
      BillingRow row) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("reason", reason);
    error.put("detail", detail == null ? reason : detail);
    byte[] value;
    if (row != null) {
      value = row(row, error);
    } else {
      value =
          BillingJson.row(
              List.of("x_DeliveryId", "x_SourceObject", "x_ReadError"),
              new Object[] {current.deliveryId(), current.object().uri(), error});
    }
    output.collect(record(rowNumber, value));
  }

  private RawRecord record(long offset, byte[] value) {
    RawRecord r = new RawRecord();
    r.topic = current.object().uri();
    r.partition = 0;
    r.offset = offset;
    r.timestamp = Math.max(0, current.deliveredAt());
    r.key = current.deliveryId().getBytes(StandardCharsets.UTF_8);
    r.value = value;
    return r;
  }

  @Override
  public List<BillingObjectSplit> snapshotState(long checkpointId) {
    List<BillingObjectSplit> state = new ArrayList<>();
    if (current != null) {
      state.add(current.withRowsEmitted(emitted));
    }
    state.addAll(queued);
    return state;
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return available;
  }

  @Override
  public void addSplits(List<BillingObjectSplit> splits) {
    queued.addAll(splits);
    available.complete(null);
  }

  @Override
  public void notifyNoMoreSplits() {
    noMoreSplits = true;
    available.complete(null);
  }

  @Override
  public void close() throws Exception {
    if (reader != null) {
      reader.close();
    }
    if (store != null) {
      store.close();
    }
  }
}
