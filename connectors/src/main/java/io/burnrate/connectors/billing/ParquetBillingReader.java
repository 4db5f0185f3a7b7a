package io.burnrate.connectors.billing;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Parquet billing files with parquet-java, one row group in memory at a time. Values keep their
 * types: strings, numbers, decimals as {@link BigDecimal}, timestamps (INT64 millis/micros/nanos,
 * DATE, and the legacy INT96 that Athena and Spark write) as {@link Instant}, and MAP columns (CUR
 * 2.0's {@code resource_tags}, {@code product}, ...) as maps. Other nested columns are absent.
 */
public final class ParquetBillingReader implements BillingFileReader {
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  private final Path file;
  private final boolean deleteOnClose;
  private final ParquetFileReader reader;
  private final MessageType schema;
  private final MessageColumnIO io;
  private final List<String> columns = new ArrayList<>();
  private RecordReader<Group> records;
  private long left;
  private long number;

  public ParquetBillingReader(Path file, boolean deleteOnClose) throws IOException {
    this.file = file;
    this.deleteOnClose = deleteOnClose;
    try {
      this.reader = ParquetFileReader.open(new LocalInputFile(file));
    } catch (IOException | RuntimeException e) {
      cleanUp();
      throw new IOException("not a readable Parquet file: " + e.getMessage(), e);
    }
    this.schema = reader.getFooter().getFileMetaData().getSchema();
    this.io = new ColumnIOFactory().getColumnIO(schema);
    for (Type f : schema.getFields()) {
      columns.add(f.getName());
    }
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public BillingRow next() throws IOException {
    try {
      while (left == 0) {
        PageReadStore pages = reader.readNextRowGroup();
        if (pages == null) {
          return null;
        }
        left = pages.getRowCount();
        records = io.getRecordReader(pages, new GroupRecordConverter(schema));
      }
      Group g = records.read();
      left--;
      number++;
      Object[] values = new Object[columns.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = g.getFieldRepetitionCount(i) == 0 ? null : value(g, i, schema.getType(i));
      }
      return new BillingRow(number, values, null);
    } catch (RuntimeException e) {
      throw new IOException("Parquet after row " + number + ": " + e.getMessage(), e);
    }
  }

  private static Object value(Group g, int i, Type type) {
    if (!type.isPrimitive()) {
      return type.getLogicalTypeAnnotation()
                  instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
              || isKeyValue(type.asGroupType())
          ? map(g.getGroup(i, 0))
          : null;
    }
    PrimitiveType p = type.asPrimitiveType();
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    switch (p.getPrimitiveTypeName()) {
      case BINARY, FIXED_LEN_BYTE_ARRAY -> {
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          return new BigDecimal(new BigInteger(g.getBinary(i, 0).getBytes()), d.getScale());
        }
        return g.getBinary(i, 0).toStringUsingUTF8();
      }
      case INT64 -> {
        long v = g.getLong(i, 0);
        if (a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
          return switch (t.getUnit()) {
            case MILLIS -> Instant.ofEpochMilli(v);
            case MICROS -> Instant.ofEpochSecond(v / 1_000_000, (v % 1_000_000) * 1_000);
            case NANOS -> Instant.ofEpochSecond(v / 1_000_000_000, v % 1_000_000_000);
          };
        }
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          return BigDecimal.valueOf(v, d.getScale());
        }
        return v;
      }
      case INT32 -> {
        int v = g.getInteger(i, 0);
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          return LocalDate.ofEpochDay(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
          return BigDecimal.valueOf(v, d.getScale());
        }
        return v;
      }
      case INT96 -> {
        ByteBuffer b = g.getInt96(i, 0).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = b.getLong();
        long julianDay = Integer.toUnsignedLong(b.getInt());
        long seconds = (julianDay - JULIAN_EPOCH_DAY) * 86_400L;
        return Instant.ofEpochSecond(seconds, nanosOfDay);
      }
      case DOUBLE -> {
        return g.getDouble(i, 0);
      }
      case FLOAT -> {
        return (double) g.getFloat(i, 0);
      }
      case BOOLEAN -> {
        return g.getBoolean(i, 0);
      }
      default -> {
        return null;
      }
    }
  }

  /** A MAP group's {@code key_value} entries; values as text. */
  private static Map<String, String> map(Group m) {
    Map<String, String> out = new LinkedHashMap<>();
    if (m.getType().getFieldCount() == 0) {
      return out;
    }
    int n = m.getFieldRepetitionCount(0);
    for (int j = 0; j < n; j++) {
      Group kv = m.getGroup(0, j);
      GroupType t = kv.getType();
      if (t.getFieldCount() < 2 || kv.getFieldRepetitionCount(0) == 0) {
        continue;
      }
      String key = kv.getValueToString(0, 0);
      String val = kv.getFieldRepetitionCount(1) == 0 ? null : kv.getValueToString(1, 0);
      if (val != null) {
        out.put(key, val);
      }
    }
    return out;
  }

  /** A map written without the MAP annotation: one repeated group of (key, value). */
  private static boolean isKeyValue(GroupType t) {
    if (t.getFieldCount() != 1 || t.getType(0).isPrimitive()) {
      return false;
    }
    Type kv = t.getType(0);
    return kv.isRepetition(Type.Repetition.REPEATED) && kv.asGroupType().getFieldCount() == 2;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      cleanUp();
    }
  }

  private void cleanUp() throws IOException {
    if (deleteOnClose) {
      Files.deleteIfExists(file);
    }
  }
}
