package io.burnrate.jobs.anomalies.eval;

import io.burnrate.jobs.anomalies.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Numenta Anomaly Benchmark (https://github.com/numenta/NAB) from a local checkout at
 * evaluation time: {@code data/<category>/<file>.csv} and {@code labels/combined_windows.json}.
 * Nothing of NAB is copied into this repository.
 */
final class Nab {

  private Nab() {}

  static List<Series> load(Path root) throws IOException {
    String json = Files.readString(root.resolve("labels/combined_windows.json"));
    Map<String, List<long[]>> labels = parseWindows(json);
    List<Series> out = new ArrayList<>();
    for (Map.Entry<String, List<long[]>> e : labels.entrySet()) {
      Path file = root.resolve("data").resolve(e.getKey());
      if (!Files.exists(file)) {
        continue;
      }
      String category = e.getKey().substring(0, e.getKey().indexOf('/'));
      List<String> lines = Files.readAllLines(file);
      long[] ts = new long[lines.size() - 1];
      double[] v = new double[lines.size() - 1];
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).split(",");
        ts[i - 1] = Timestamps.parseMillis(f[0], ZoneOffset.UTC);
        v[i - 1] = Double.parseDouble(f[1]);
      }
      out.add(new Series("NAB " + category, e.getKey(), ts, v, e.getValue()));
    }
    return out;
  }

  static Map<String, List<long[]>> parseWindows(String json) {
    Map<String, List<long[]>> out = new TreeMap<>();
    Matcher key = Pattern.compile("\"([^\"]+\\.csv)\"\\s*:\\s*\\[").matcher(json);
    Pattern str = Pattern.compile("\"([^\"]+)\"");
    int pos = 0;
    while (key.find(pos)) {
      int depth = 1;
      int i = key.end();
      while (depth > 0) {
        char c = json.charAt(i++);
        if (c == '[') {
          depth++;
        } else if (c == ']') {
          depth--;
        }
      }
      String body = json.substring(key.end(), i - 1);
      Matcher m = str.matcher(body);
      List<long[]> windows = new ArrayList<>();
      while (m.find()) {
        long a = Timestamps.parseMillis(m.group(1), ZoneOffset.UTC);
        m.find();
        long b = Timestamps.parseMillis(m.group(1), ZoneOffset.UTC);
        windows.add(new long[] {a, b});
      }
      out.put(key.group(1), windows);
      pos = i;
    }
    return out;
  }
}
