package io.burnrate.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;

/**
 * The configuration of the {@code run} mode: a YAML file plus {@code key=value} flags, resolved
 * flag over file over default. The file may be flat ({@code kafka.bootstrap-servers: ...}) or
 * nested ({@code kafka: {bootstrap-servers: ...}}); nested keys are joined with dots, lists become
 * {@code ;}-separated. Keys that are neither Burnrate options ({@link BurnrateOptions}), Kafka
 * client or Iceberg catalog pass-through ({@code kafka.properties.*}, {@code iceberg.properties.*})
 * nor Flink options are rejected with their name, so a typo fails at start-up instead of being
 * ignored. Values are validated by {@link JobConfig}.
 */
public final class RunConfig {
  /** Duplicate keys are an error (the last would win silently). */
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  private RunConfig() {}

  /** Flink's own option prefixes that may appear beside Burnrate's (passed to the environment). */
  static final List<String> FLINK_PREFIXES =
      List.of(
          "parallelism.",
          "pipeline.",
          "execution.",
          "state.",
          "restart-strategy",
          "taskmanager.",
          "jobmanager.",
          "rest.",
          "metrics.",
          "table.",
          "web.");

  public static Configuration load(Path file, List<String> flags) {
    return load(file, flags, System::getenv);
  }

  /**
   * As {@link #load(Path, List)}, resolving {@code ${env:VAR}} through {@code env} and {@code
   * ${file:PATH}} references in values ({@link Secrets}).
   */
  public static Configuration load(Path file, List<String> flags, Function<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    if (file != null) {
      JsonNode root;
      try {
        root = YAML.readTree(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": not readable YAML: " + e.getMessage(), e);
      }
      if (root != null && !root.isNull()) {
        if (!root.isObject()) {
          throw new IllegalArgumentException(file + ": the top level must be a mapping");
        }
        flatten("", root, values);
      }
    }
    for (String f : flags) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set " + f + ": expected key=value");
      }
      values.put(f.substring(0, eq).trim(), f.substring(eq + 1).trim());
    }
    for (String key : values.keySet()) {
      if (!known(key)) {
        throw new IllegalArgumentException(
            key
                + ": not a Burnrate option (docs/configuration.md), a kafka.properties.* pass-through"
                + " or a Flink option"
                + (flinkPrefixed(key) ? " (no Flink option has this key: a typo?)" : ""));
      }
    }
    values.replaceAll((k, v) -> Secrets.resolve(k, v, env));
    return Configuration.fromMap(values);
  }

  /** The configuration as {@code key: value} lines, secret-looking values redacted. */
  public static String summary(Configuration conf) {
    StringBuilder b = new StringBuilder();
    Secrets.redact(conf.toMap()).forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    return b.toString();
  }

  private static boolean flinkPrefixed(String key) {
    return FLINK_PREFIXES.stream().anyMatch(key::startsWith);
  }

  static boolean known(String key) {
    if (key.startsWith("kafka.properties.") || key.startsWith(CatalogOptions.PROPERTIES_PREFIX)) {
      return true;
    }
    if (BurnrateOptions.keys().contains(key)) {
      return true;
    }
    for (String p : FLINK_PREFIXES) {
      if (key.startsWith(p)) {
        return FlinkOptionKeys.known(key); // a typo under a Flink prefix is refused too
      }
    }
    return false;
  }

  private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
        if (BurnrateOptions.keys().contains(key) || key.startsWith("kafka.properties.")) {
          out.put(key, scalar(key, e.getValue()));
        } else {
          flatten(key, e.getValue(), out);
        }
      }
    } else {
      out.put(prefix, scalar(prefix, n));
    }
  }

  private static String scalar(String key, JsonNode v) {
    if (v.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode x : v) {
        if (sb.length() > 0) {
          sb.append(';');
        }
        sb.append(x.asText());
      }
      return sb.toString();
    }
    if (v.isObject()) {
      throw new IllegalArgumentException(key + ": expected a value, found a mapping");
    }
    return v.asText();
  }
}
