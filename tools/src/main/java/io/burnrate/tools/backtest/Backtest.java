package io.burnrate.tools.backtest;

import io.burnrate.jobs.anomalies.AnomalyDetector;
import io.burnrate.jobs.anomalies.AnomalyResult;
import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.jobs.anomalies.DetectorState;
import io.burnrate.jobs.anomalies.Timestamps;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the production {@link AnomalyDetector} over a recorded series in a CSV file, streaming (the
 * file is never loaded whole), with the same code path as the Flink job.
 *
 * <p>Input: a header row, then one row per observation. The columns {@code timestamp} and {@code
 * value} are found by name, case-insensitively (also accepted: {@code time}, {@code datetime},
 * {@code date}, {@code ts} for the time and {@code y}, {@code metric} for the value); other columns
 * are ignored. Fields may be quoted (RFC 4180). Timestamps: see {@link Timestamps} (times without
 * an offset are in {@link DetectorConfig#zone()}). Any interval, also irregular.
 *
 * <ul>
 *   <li>A row whose value or timestamp is empty (or {@code NaN}, {@code NA}, {@code null}) and a
 *       blank line are <b>skipped</b>, counted by reason in the {@link Summary} (with the first
 *       line numbers), and not written.
 *   <li>A row with a value that is not a number, a timestamp that cannot be read, or too few fields
 *       is an <b>error</b>: {@link BacktestException} names the line (a wrong column or format is
 *       not something to skip quietly).
 *   <li>Rows are processed in file order, as a stream would deliver them; rows whose timestamp is
 *       older than an earlier row's are counted in {@link Summary#outOfOrder()} (the detector
 *       scores them but does not move its clock back).
 * </ul>
 *
 * <p>Output columns: {@code timestamp,value,anomaly_score,alert} (timestamp and value as written in
 * the input; score with 4 decimals; alert 0/1 = the row's score is at or above the alert threshold,
 * point by point), then, unless {@code explain} is false, {@code
 * expected_low,expected_high,reason}. The summary's alert runs count alerts as the streaming job
 * raises them, with hysteresis: one alert per incident, resolved after the score stays below the
 * resolve threshold.
 *
 * <pre>{@code
 * Backtest.Summary s = Backtest.run(Path.of("in.csv"), Path.of("out.csv"), DetectorConfig.defaults());
 * System.err.println(s.describe());
 * }</pre>
 */
public final class Backtest {

  private static final int MAX_LINES_KEPT = 20;

  private Backtest() {}

  /** Outcome of a backtest. */
  public record Summary(
      long rows,
      long points,
      long skipped,
      Map<String, Long> skippedByReason,
      List<Long> firstSkippedLines,
      long outOfOrder,
      long warmupPoints,
      long alertPoints,
      long alertRuns,
      double maxScore) {

    /** A few lines for a terminal. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "%d rows, %d points scored (%d warming up), %d alerts (%d points in alert), max score"
                  + " %.3f",
              rows,
              points,
              warmupPoints,
              alertRuns,
              alertPoints,
              maxScore));
      if (skipped > 0) {
        sb.append(String.format(Locale.ROOT, "%nwarning: %d rows skipped: ", skipped));
        List<String> parts = new ArrayList<>();
        skippedByReason.forEach((k, v) -> parts.add(v + " " + k));
        sb.append(String.join(", ", parts)).append(" (first at lines ");
        sb.append(firstSkippedLines).append(")");
      }
      if (outOfOrder > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%nwarning: %d rows have a timestamp older than an earlier row; processed in file"
                    + " order",
                outOfOrder));
      }
      return sb.toString();
    }
  }

  /** A row that cannot be read; the message names the line. */
  public static final class BacktestException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long line;

    public BacktestException(long line, String message) {
      super((line > 0 ? "line " + line + ": " : "") + message);
      this.line = line;
    }

    /** 1-based line in the input, 0 if not about a line. */
    public long line() {
      return line;
    }
  }

  /** {@link #run(Path, Path, DetectorConfig, boolean)} with the explanation columns. */
  public static Summary run(Path input, Path output, DetectorConfig cfg) throws IOException {
    return run(input, output, cfg, true);
  }

  /**
   * Scores every row of {@code input} and writes {@code output}.
   *
   * @param explain also write {@code expected_low,expected_high,reason}
   * @throws BacktestException for a malformed row or header (naming the line)
   */
  public static Summary run(Path input, Path output, DetectorConfig cfg, boolean explain)
      throws IOException {
    AnomalyDetector detector = new AnomalyDetector(cfg);
    DetectorState state = new DetectorState();
    ZoneId zone = ZoneId.of(cfg.zone());
    Map<String, Long> skippedByReason = new LinkedHashMap<>();
    List<Long> skippedLines = new ArrayList<>();
    long rows = 0;
    long points = 0;
    long skipped = 0;
    long outOfOrder = 0;
    long warmup = 0;
    long alertPoints = 0;
    long alertRuns = 0;
    double maxScore = 0;
    long newest = Long.MIN_VALUE;
    boolean prevAlert = false;

    // written beside the output and moved over it at the end: an error leaves no partial output
    // (and a previous output as it was)
    Path dir = output.toAbsolutePath().getParent();
    Path partial = Files.createTempFile(dir, "." + output.getFileName() + ".", ".partial");
    boolean done = false;
    try (CsvRecordReader csv =
            new CsvRecordReader(
                new BufferedReader(
                    new InputStreamReader(Files.newInputStream(input), StandardCharsets.UTF_8),
                    1 << 16));
        Writer out = new BufferedWriter(Files.newBufferedWriter(partial, StandardCharsets.UTF_8))) {
      List<String> header = csv.next();
      while (header != null && header.size() == 1 && header.get(0).isBlank()) {
        header = csv.next();
      }
      if (header == null) {
        throw new BacktestException(0, "input is empty: " + input);
      }
      int tsCol = column(header, "timestamp", "time", "datetime", "date", "ts");
      int valCol = column(header, "value", "y", "metric");
      List<String> firstData = null;
      if ((tsCol < 0 || valCol < 0) && looksLikeData(header, zone)) {
        // no header: a plain two-column file, timestamp then value
        tsCol = 0;
        valCol = 1;
        firstData = header;
      } else if ((tsCol < 0 || valCol < 0) && header.size() == 2) {
        // any two-column file: the first column is the time, the second the value
        tsCol = 0;
        valCol = 1;
      }
      if (tsCol < 0 || valCol < 0) {
        throw new BacktestException(
            csv.recordLine(),
            "header must have a 'timestamp' and a 'value' column (case-insensitive); found "
                + header);
      }
      int needed = Math.max(tsCol, valCol) + 1;
      out.write("timestamp,value,anomaly_score,alert");
      out.write(explain ? ",expected_low,expected_high,reason\n" : "\n");

      List<String> rec;
      while ((rec = firstData != null ? firstData : csv.next()) != null) {
        firstData = null;
        long line = csv.recordLine();
        if (rec.size() == 1 && rec.get(0).isBlank()) {
          skipped++;
          count(skippedByReason, skippedLines, "blank line", line);
          continue;
        }
        rows++;
        if (rec.size() < needed) {
          throw new BacktestException(
              line, "expected at least " + needed + " fields, found " + rec.size() + ": " + rec);
        }
        String tsText = rec.get(tsCol).trim();
        String valText = rec.get(valCol).trim();
        if (isMissing(tsText) || isMissing(valText)) {
          String why = isMissing(tsText) ? "empty timestamp" : "empty value";
          skipped++;
          count(skippedByReason, skippedLines, why, line);
          // kept in the output, unscored, so that output rows stay aligned with input rows
          writeUnscored(out, rec.get(tsCol), rec.get(valCol), "not scored: " + why, explain);
          continue;
        }
        long ts;
        try {
          ts = Timestamps.parseMillis(tsText, zone);
        } catch (IllegalArgumentException e) {
          throw new BacktestException(line, e.getMessage());
        }
        double v;
        try {
          v = Double.parseDouble(valText);
        } catch (NumberFormatException e) {
          throw new BacktestException(line, "value '" + valText + "' is not a number");
        }
        if (!Double.isFinite(v)) {
          skipped++;
          count(skippedByReason, skippedLines, "infinite value", line);
          writeUnscored(out, tsText, valText, "not scored: infinite value", explain);
          continue;
        }
        if (ts < newest) {
          outOfOrder++;
        } else {
          newest = ts;
        }
        AnomalyResult r = detector.score(state, ts, v);
        points++;
        if (r.warmingUp()) {
          warmup++;
        }
        if (r.alert()) {
          alertPoints++;
          if (!prevAlert) {
            alertRuns++;
          }
        }
        prevAlert = r.alert();
        maxScore = Math.max(maxScore, r.score());
        out.write(csvField(tsText));
        out.write(',');
        out.write(csvField(valText));
        out.write(',');
        out.write(String.format(Locale.ROOT, "%.4f", r.score()));
        out.write(r.score() >= cfg.alertThreshold() ? ",1" : ",0");
        if (explain) {
          out.write(',');
          out.write(AnomalyResult.fmt(r.expectedLow()));
          out.write(',');
          out.write(AnomalyResult.fmt(r.expectedHigh()));
          out.write(',');
          out.write(csvField(r.reason()));
        }
        out.write('\n');
      }
      out.close();
      Files.move(
          partial,
          output,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(partial);
      }
    }
    return new Summary(
        rows,
        points,
        skipped,
        Collections.unmodifiableMap(skippedByReason),
        List.copyOf(skippedLines),
        outOfOrder,
        warmup,
        alertPoints,
        alertRuns,
        maxScore);
  }

  private static boolean isMissing(String s) {
    return s.isEmpty()
        || s.equalsIgnoreCase("nan")
        || s.equalsIgnoreCase("na")
        || s.equalsIgnoreCase("n/a")
        || s.equalsIgnoreCase("null")
        || s.equalsIgnoreCase("none");
  }

  private static void count(Map<String, Long> byReason, List<Long> lines, String reason, long l) {
    byReason.merge(reason, 1L, Long::sum);
    if (lines.size() < MAX_LINES_KEPT) {
      lines.add(l);
    }
  }

  private static int column(List<String> header, String... names) {
    for (String name : names) {
      for (int i = 0; i < header.size(); i++) {
        String h = header.get(i).trim();
        if (i == 0 && !h.isEmpty() && h.charAt(0) == '\uFEFF') {
          h = h.substring(1).trim(); // byte-order mark
        }
        if (h.equalsIgnoreCase(name)) {
          return i;
        }
      }
    }
    return -1;
  }

  static String csvField(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        return '"' + s.replace("\"", "\"\"") + '"';
      }
    }
    return s;
  }

  private static void writeUnscored(
      Writer out, String ts, String value, String reason, boolean explain) throws IOException {
    out.write(csvField(ts.trim()));
    out.write(',');
    out.write(csvField(value.trim()));
    out.write(",0.0000,0");
    if (explain) {
      out.write(",,,");
      out.write(csvField(reason));
    }
    out.write('\n');
  }

  /** True for a first line that is data (a timestamp then a number), not a header. */
  private static boolean looksLikeData(List<String> first, ZoneId zone) {
    if (first.size() < 2) {
      return false;
    }
    try {
      Timestamps.parseMillis(first.get(0).trim(), zone);
      Double.parseDouble(first.get(1).trim());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
