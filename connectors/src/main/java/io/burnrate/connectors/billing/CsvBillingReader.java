package io.burnrate.connectors.billing;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * CSV billing files with Jackson's CSV parser (RFC 4180 quoting, CRLF or LF, blank lines skipped),
 * streamed: the first record is the header; a UTF-8 byte-order mark is dropped. A row with fewer
 * fields than the header has its missing values absent; one with more (non-empty) fields is
 * malformed.
 */
public final class CsvBillingReader implements BillingFileReader {
  private static final CsvMapper MAPPER = new CsvMapper();

  static {
    MAPPER.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    MAPPER.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
  }

  private final Reader reader;
  private final MappingIterator<String[]> rows;
  private final List<String> columns;
  private long number;

  public CsvBillingReader(InputStream in) throws IOException {
    PushbackReader r = new PushbackReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1);
    int first = r.read();
    if (first >= 0 && first != '\uFEFF') {
      r.unread(first);
    }
    this.reader = r;
    this.rows = MAPPER.readerFor(String[].class).readValues(r);
    try {
      this.columns = rows.hasNextValue() ? List.of(rows.nextValue()) : List.of();
    } catch (RuntimeException e) {
      throw new IOException("CSV header: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public BillingRow next() throws IOException {
    String[] v;
    try {
      if (!rows.hasNextValue()) {
        return null;
      }
      v = rows.nextValue();
    } catch (RuntimeException e) {
      throw new IOException("CSV after row " + number + ": " + firstLine(e.getMessage()), e);
    }
    number++;
    if (v.length > columns.size()) {
      for (int i = columns.size(); i < v.length; i++) {
        if (!v[i].isBlank()) {
          return new BillingRow(
              number, v, v.length + " fields, the header has " + columns.size() + " columns");
        }
      }
      v = Arrays.copyOf(v, columns.size());
    }
    return new BillingRow(number, v, null);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int i = m.indexOf('\n');
    return i < 0 ? m : m.substring(0, i);
  }

  @Override
  public void close() throws IOException {
    rows.close();
    reader.close();
  }
}
