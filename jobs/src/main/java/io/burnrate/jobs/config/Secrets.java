package io.burnrate.jobs.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets in the configuration: values may reference an environment variable ({@code
 * ${env:KAFKA_PASSWORD}}) or a file ({@code ${file:/run/secrets/kafka-jaas}}, trailing newline
 * removed), so that passwords need not be written in the YAML or on the command line; and
 * secret-looking keys (password, secret, token, key, credentials, sasl.jaas.config) are redacted
 * wherever configuration is printed. Error messages name the key and the reference, never the
 * resolved value.
 */
public final class Secrets {
  /** What a redacted value prints as. */
  public static final String REDACTED = "******";

  private static final Pattern REF = Pattern.compile("\\$\\{(env|file):([^}]+)}");
  private static final String[] SECRET_WORDS = {
    "password", "passwd", "secret", "token", "jaas", "credential"
  };

  private Secrets() {}

  /** Whether the value of {@code key} must never be printed. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.endsWith(".location") || k.endsWith(".type") || k.endsWith("-file")) {
      return false; // key store paths and types, not their contents
    }
    for (String w : SECRET_WORDS) {
      if (k.contains(w)) {
        return true;
      }
    }
    for (String token : k.split("[.\\-_]")) {
      if (token.equals("key") || token.equals("auth") || token.equals("apikey")) {
        return true;
      }
    }
    return false;
  }

  /** {@code values} with secret-looking keys redacted, for printing. */
  public static Map<String, String> redact(Map<String, String> values) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, isSecret(k) ? REDACTED : v));
    return out;
  }

  /**
   * Resolves {@code ${env:VAR}} and {@code ${file:PATH}} references in the value of {@code key}.
   */
  public static String resolve(String key, String value, Function<String, String> env) {
    if (value == null || !value.contains("${")) {
      return value;
    }
    Matcher m = REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String kind = m.group(1);
      String name = m.group(2).trim();
      String resolved;
      if (kind.equals("env")) {
        resolved = env.apply(name);
        if (resolved == null) {
          throw new IllegalArgumentException(
              key
                  + ": environment variable "
                  + name
                  + " (referenced as ${env:"
                  + name
                  + "}) is not set");
        }
      } else {
        try {
          resolved = Files.readString(Path.of(name), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
          throw new IllegalArgumentException(
              key
                  + ": cannot read the file "
                  + name
                  + " (referenced as ${file:...}): "
                  + e.getClass().getSimpleName());
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }
}
