package io.burnrate.tools.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.jobs.anomalies.Timestamps;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A local checkout of the Numenta Anomaly Benchmark (github.com/numenta/NAB): its data files
 * ({@code data/<category>/<file>.csv}) and labelled windows ({@code labels/combined_windows.json}).
 * Read at evaluation time; nothing of NAB is copied into this repository.
 */
public final class NabCorpus {

  /** One data file: its path relative to {@code data/}, rows and windows (epoch millis, UTC). */
  public record DataFile(String name, Path path, long[] timestamps, List<long[]> windows) {}

  private NabCorpus() {}

  /** Every data file named in the labels, in the labels' order. */
  public static List<DataFile> load(Path root) throws IOException {
    Path labels = root.resolve("labels/combined_windows.json");
    if (!Files.isRegularFile(labels)) {
      throw new IOException(
          root
              + " is not a NAB checkout: no labels/combined_windows.json (git clone"
              + " https://github.com/numenta/NAB)");
    }
    JsonNode json = new ObjectMapper().readTree(labels.toFile());
    List<DataFile> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      List<long[]> windows = new ArrayList<>();
      for (JsonNode w : e.getValue()) {
        windows.add(new long[] {millis(w.get(0).asText()), millis(w.get(1).asText())});
      }
      Path file = root.resolve("data").resolve(e.getKey());
      if (!Files.isRegularFile(file)) {
        throw new IOException("NAB checkout " + root + " has labels but no data file " + file);
      }
      out.add(new DataFile(e.getKey(), file, column(file, "timestamp", true), windows));
    }
    return out;
  }

  /**
   * The {@code anomaly_score} column of a NAB-format result file ({@code
   * results/<detector>/<category>/<detector>_<file>.csv}) or of a backtest output.
   */
  public static double[] scores(Path resultFile, int rows) throws IOException {
    long[] bits = column(resultFile, "anomaly_score", false);
    if (bits.length != rows) {
      throw new IOException(
          resultFile + ": " + bits.length + " scores for a data file of " + rows + " rows");
    }
    double[] out = new double[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = Double.longBitsToDouble(bits[i]);
    }
    return out;
  }

  /** The {@code value} column of a data file. */
  public static double[] values(DataFile f) throws IOException {
    long[] bits = column(f.path(), "value", false);
    double[] out = new double[bits.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Double.longBitsToDouble(bits[i]);
    }
    return out;
  }

  /** A column as epoch millis (timestamps) or as the raw bits of doubles. */
  private static long[] column(Path file, String name, boolean timestamp) throws IOException {
    List<Long> values = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (header == null) {
        throw new IOException(file + " is empty");
      }
      String[] cols = header.split(",");
      int col = -1;
      for (int i = 0; i < cols.length; i++) {
        if (cols[i].trim().equalsIgnoreCase(name)) {
          col = i;
        }
      }
      if (col < 0) {
        throw new IOException(file + " has no column '" + name + "'");
      }
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String v = line.split(",", -1)[col].trim();
        values.add(timestamp ? millis(v) : Double.doubleToRawLongBits(Double.parseDouble(v)));
      }
    }
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static long millis(String text) {
    return Timestamps.parseMillis(text.trim(), ZoneOffset.UTC);
  }
}
