package io.burnrate.jobs.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

/**
 * The keys of Flink's own options, read from the {@code *Options} classes of the Flink jars on the
 * class path (Flink has no registry of its options): so that a typo under a Flink prefix ({@code
 * metrics.prometheus.prot}) is refused at start-up like a typo of Burnrate's own keys.
 */
final class FlinkOptionKeys {
  private FlinkOptionKeys() {}

  /** Classes whose jars hold Flink's option classes (core, runtime, streaming, table). */
  private static final List<String> ANCHORS =
      List.of(
          "org.apache.flink.configuration.ConfigOption",
          "org.apache.flink.runtime.jobgraph.JobGraph",
          "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment",
          "org.apache.flink.table.api.config.TableConfigOptions");

  private static volatile Set<String> keys;

  /**
   * Every key and fallback key of a Flink option found on the class path; empty when no Flink jar
   * could be read (then nothing is refused for being unknown to Flink).
   */
  static Set<String> all() {
    Set<String> k = keys;
    if (k == null) {
      k = scan();
      keys = k;
    }
    return k;
  }

  /**
   * Whether {@code key} is a Flink option (or one of its fallback keys), or an option of a metric
   * reporter ({@code metrics.reporter.NAME.*}, which each reporter defines).
   */
  static boolean known(String key) {
    Set<String> all = all();
    return all.isEmpty() || all.contains(key) || key.startsWith("metrics.reporter.");
  }

  private static Set<String> scan() {
    Set<Path> jars = new LinkedHashSet<>();
    for (String anchor : ANCHORS) {
      try {
        CodeSource src = Class.forName(anchor).getProtectionDomain().getCodeSource();
        if (src != null && src.getLocation() != null) {
          jars.add(Path.of(src.getLocation().toURI()));
        }
      } catch (ClassNotFoundException | URISyntaxException | RuntimeException | LinkageError e) {
        // not on this class path (e.g. no table jars): its options are not checked
      }
    }
    Set<String> found = new HashSet<>();
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        continue; // classes from a folder (an IDE): not scanned
      }
      try (JarFile jf = new JarFile(jar.toFile())) {
        for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements(); ) {
          String name = en.nextElement().getName();
          if (name.startsWith("org/apache/flink/")
              && name.endsWith("Options.class")
              && !name.contains("$")) {
            addOptions(
                name.substring(0, name.length() - ".class".length()).replace('/', '.'), found);
          }
        }
      } catch (java.io.IOException e) {
        // unreadable jar: its options are not checked
      }
    }
    return Set.copyOf(found);
  }

  private static void addOptions(String className, Set<String> out) {
    Class<?> c;
    try {
      c = Class.forName(className, false, FlinkOptionKeys.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return; // needs what this class path does not have
    }
    for (Field f : c.getFields()) {
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != ConfigOption.class) {
        continue;
      }
      try {
        ConfigOption<?> o = (ConfigOption<?>) f.get(null);
        out.add(o.key());
        for (FallbackKey fk : o.fallbackKeys()) {
          out.add(fk.getKey());
        }
      } catch (IllegalAccessException | RuntimeException | LinkageError e) {
        // an option that cannot be read here: skipped
      }
    }
  }
}
