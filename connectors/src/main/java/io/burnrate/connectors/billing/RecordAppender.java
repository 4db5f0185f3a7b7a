package io.burnrate.connectors.billing;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Writes Iceberg generic records into new Parquet data files of a table, partitioned by the table's
 * spec, rolling at the target file size; {@link #finish} returns the files for one commit. Nothing
 * is visible until the caller commits them.
 */
final class RecordAppender implements Closeable {
  private static final long TARGET_FILE_BYTES = 128L * 1024 * 1024;

  private final Table table;
  private final FanoutDataWriter<Record> writer;
  private final PartitionKey key;
  private final InternalRecordWrapper wrapper;
  private long records;
  private boolean closed;

  RecordAppender(Table table) {
    this.table = table;
    GenericFileWriterFactory files =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(table.schema())
            .build();
    OutputFileFactory out =
        OutputFileFactory.builderFor(table, 1, System.currentTimeMillis())
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    this.writer = new FanoutDataWriter<>(files, out, table.io(), TARGET_FILE_BYTES);
    this.key = new PartitionKey(table.spec(), table.schema());
    this.wrapper = new InternalRecordWrapper(table.schema().asStruct());
  }

  void add(Record r) {
    if (table.spec().isUnpartitioned()) {
      writer.write(r, table.spec(), null);
    } else {
      key.partition(wrapper.wrap(r));
      writer.write(r, table.spec(), key.copy());
    }
    records++;
  }

  long records() {
    return records;
  }

  /** Closes the files and returns them (none when nothing was added). */
  List<DataFile> finish() throws IOException {
    close();
    return writer.result().dataFiles();
  }

  /** Closes the files and deletes them: nothing of them is committed. */
  void abort() throws IOException {
    close();
    for (DataFile f : writer.result().dataFiles()) {
      table.io().deleteFile(f.location());
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      writer.close();
    }
  }
}
