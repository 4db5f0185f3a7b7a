package io.burnrate.jobs.metrics;

import java.util.Locale;

/** How a Flink metric name or scope variable becomes a Prometheus metric or label name. */
public final class MetricNames {
  /** Every exported metric starts with this. */
  public static final String PREFIX = "burnrate_";

  private MetricNames() {}

  /**
   * {@code numRecordsInPerSecond} becomes {@code burnrate_num_records_in_per_second}, {@code
   * records-lag-max} becomes {@code burnrate_records_lag_max}.
   */
  public static String metric(String flinkName) {
    return PREFIX + snake(flinkName);
  }

  /** {@code <task_name>} becomes {@code task_name}. */
  public static String label(String variable) {
    String v = variable;
    if (v.startsWith("<") && v.endsWith(">")) {
      v = v.substring(1, v.length() - 1);
    }
    return snake(v);
  }

  static String snake(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && b.length() > 0 && b.charAt(b.length() - 1) != '_') {
          char prev = s.charAt(i - 1);
          boolean nextLower = i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1));
          if (!Character.isUpperCase(prev) || nextLower) {
            b.append('_');
          }
        }
        b.append(Character.toLowerCase(c));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        b.append(c);
      } else if (b.length() > 0 && b.charAt(b.length() - 1) != '_') {
        b.append('_');
      }
    }
    String out = b.toString().toLowerCase(Locale.ROOT);
    while (out.endsWith("_")) {
      out = out.substring(0, out.length() - 1);
    }
    return out.isEmpty() || Character.isDigit(out.charAt(0)) ? "_" + out : out;
  }
}
