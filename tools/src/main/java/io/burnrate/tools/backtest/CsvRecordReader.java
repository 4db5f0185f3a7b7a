package io.burnrate.tools.backtest;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A small streaming RFC 4180 reader: comma-separated fields, optionally in double quotes (a quote
 * inside is written twice), records ended by LF, CRLF or CR, line breaks allowed inside quotes.
 * Tracks the physical line on which each record starts, for error messages.
 */
public final class CsvRecordReader implements Closeable {

  private final Reader in;
  private int peeked = -2;
  private long line = 1;
  private long recordLine;

  public CsvRecordReader(Reader in) {
    this.in = in;
  }

  /** Physical line (1-based) on which the last record returned by {@link #next()} started. */
  public long recordLine() {
    return recordLine;
  }

  /**
   * The next record's fields, or null at the end of the input. A blank line is a record with one
   * empty field.
   *
   * @throws IOException on read errors, or if a quoted field is not closed
   */
  public List<String> next() throws IOException {
    int c = read();
    if (c == -1) {
      return null;
    }
    recordLine = line;
    List<String> fields = new ArrayList<>(4);
    StringBuilder field = new StringBuilder(32);
    boolean quoted = false;
    boolean wasQuoted = false;
    while (true) {
      if (quoted) {
        if (c == -1) {
          throw new IOException("line " + recordLine + ": quoted field is not closed");
        }
        if (c == '"') {
          int d = read();
          if (d == '"') {
            field.append('"');
          } else {
            quoted = false;
            c = d;
            continue;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          field.append((char) c);
        }
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else if (c == '\n' || c == '\r' || c == -1) {
        if (c == '\r') {
          int d = read();
          if (d != '\n') {
            unread(d);
          }
        }
        if (c != -1) {
          line++;
        }
        fields.add(field.toString());
        return fields;
      } else if (c == '"' && field.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else {
        field.append((char) c);
      }
      c = read();
    }
  }

  private int read() throws IOException {
    if (peeked != -2) {
      int p = peeked;
      peeked = -2;
      return p;
    }
    return in.read();
  }

  private void unread(int c) {
    peeked = c;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
