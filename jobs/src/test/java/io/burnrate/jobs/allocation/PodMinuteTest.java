package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class PodMinuteTest {
  @Test
  void copyCoversEveryField() throws Exception {
    PodMinute m = new PodMinute();
    int i = 1;
    for (Field f : PodMinute.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      if (f.getType() == String.class) {
        f.set(m, "v" + i);
      } else if (f.getType() == double.class) {
        f.setDouble(m, i + 0.5);
      } else if (f.getType() == long.class) {
        f.setLong(m, i);
      } else if (f.getType() == int.class) {
        f.setInt(m, i);
      }
      i++;
    }
    PodMinute c = m.copy();
    assertThat(c).isNotSameAs(m).usingRecursiveComparison().isEqualTo(m);
  }
}
