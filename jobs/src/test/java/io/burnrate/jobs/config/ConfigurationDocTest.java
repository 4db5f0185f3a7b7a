package io.burnrate.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every option, and only existing ones. */
class ConfigurationDocTest {
  @Test
  void everyOptionIsDocumented() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    String text = Files.readString(doc);
    int options = 0;
    for (Field f : BurnrateOptions.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
        ConfigOption<?> o = (ConfigOption<?>) f.get(null);
        assertThat(text)
            .as("docs/configuration.md documents %s", o.key())
            .contains("| `" + o.key() + "` |");
        options++;
      }
    }
    long rows = text.lines().filter(l -> l.startsWith("| `")).count();
    assertThat(rows).as("no undocumented-in-code rows").isEqualTo(options);
  }
}
