package io.burnrate.jobs.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the Grafana dashboard JSON: its PromQL expressions and the metric names they use. */
public final class GrafanaDashboard {
  private static final Pattern METRIC = Pattern.compile("\\bburnrate_[a-z0-9_]+");

  private GrafanaDashboard() {}

  public static JsonNode load(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  /** Every {@code targets[].expr} of every panel (nested rows included). */
  public static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.findValues("targets")) {
      for (JsonNode t : panel) {
        if (t.hasNonNull("expr")) {
          out.add(t.get("expr").asText());
        }
      }
    }
    return out;
  }

  /** The {@code burnrate_*} metric names the expressions reference. */
  public static Set<String> metricNames(JsonNode dashboard) {
    Set<String> out = new TreeSet<>();
    for (String e : expressions(dashboard)) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        out.add(m.group());
      }
    }
    return out;
  }
}
