package io.burnrate.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State evolution: keyed state written by one version of a POJO state class restores into the next
 * version, which gained a field. Both versions have the same name (as in a real upgrade), so they
 * are compiled here into two folders and loaded by two class loaders, the way a job jar of each
 * release would be. The snapshot is the same keyed-state snapshot a checkpoint or savepoint holds;
 * Flink's POJO serializer migrates it: old fields keep their values, the new field starts at its
 * constructor default. docs/fault-tolerance.md lists which changes are safe.
 */
class StateEvolutionTest {
  private static final String V1 =
      "package evolve; public class NodeTally {"
          + " public String node; public long samples; public NodeTally() {} }";
  private static final String V2 =
      "package evolve; public class NodeTally {"
          + " public String node; public long samples; public double gpuSeconds = -1;"
          + " public NodeTally() {} }";

  private static final String V2_TYPE_CHANGED =
      "package evolve; public class NodeTally {"
          + " public String node; public double samples; public NodeTally() {} }";

  @TempDir Path tmp;

  @Test
  void aPojoStateClassThatGainedAFieldRestoresFromASnapshotOfTheOldVersion() throws Exception {
    ClassLoader v1 = compile("v1", V1);
    ClassLoader v2 = compile("v2", V2);
    assertThat(TypeInformation.of(v1.loadClass("evolve.NodeTally")))
        .isInstanceOf(PojoTypeInfo.class);

    OperatorSubtaskState snapshot;
    try (KeyedOneInputStreamOperatorTestHarness<String, String, String> before = harness(v1)) {
      before.open();
      for (String node : List.of("n1", "n1", "n2", "n1")) {
        before.processElement(node, 0L);
      }
      snapshot = before.snapshot(1L, 1L);
    }

    try (KeyedOneInputStreamOperatorTestHarness<String, String, String> after = harness(v2)) {
      after.initializeState(snapshot);
      after.open();
      after.processElement("n1", 0L);
      after.processElement("n2", 0L);
      // samples counted before the upgrade survive; the new field starts at its default
      assertThat(after.extractOutputValues())
          .containsExactly("n1 samples=4 gpuSeconds=-1.0", "n2 samples=2 gpuSeconds=-1.0");
    }
  }

  @Test
  void aFieldWhoseTypeChangedDoesNotRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (KeyedOneInputStreamOperatorTestHarness<String, String, String> before =
        harness(compile("v1", V1))) {
      before.open();
      before.processElement("n1", 0L);
      snapshot = before.snapshot(1L, 1L);
    }
    try (KeyedOneInputStreamOperatorTestHarness<String, String, String> after =
        harness(compile("v2", V2_TYPE_CHANGED))) {
      after.initializeState(snapshot);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> {
                after.open();
                after.processElement("n1", 0L);
              })
          .hasStackTraceContaining("incompatible");
    }
  }

  private Path compileInto(String name, String source) throws Exception {
    Path src = Files.createDirectories(tmp.resolve(name + "-src/evolve")).resolve("NodeTally.java");
    Files.writeString(src, source);
    Path out = Files.createDirectories(tmp.resolve(name));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", out.toString(), src.toString());
    assertThat(rc).as("javac of %s", name).isZero();
    return out;
  }

  private ClassLoader compile(String name, String source) throws Exception {
    return new URLClassLoader(
        new URL[] {compileInto(name, source).toUri().toURL()}, getClass().getClassLoader());
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
      ClassLoader userCode) throws Exception {
    Class<?> state = userCode.loadClass("evolve.NodeTally");
    MockEnvironment env = MockEnvironment.builder().setUserCodeClassLoader(userCode).build();
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new CountSamples(state)), n -> n, Types.STRING, env);
  }

  /** Counts records per key in a state object of the given POJO class, via reflection. */
  static final class CountSamples extends KeyedProcessFunction<String, String, String>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Class<?> stateClass;
    private transient ValueState<Object> tally;

    CountSamples(Class<?> stateClass) {
      this.stateClass = stateClass;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(OpenContext ctx) {
      TypeInformation<Object> type = (TypeInformation<Object>) TypeInformation.of(stateClass);
      tally = getRuntimeContext().getState(new ValueStateDescriptor<>("tally", type));
    }

    @Override
    public void processElement(String node, Context ctx, Collector<String> out) throws Exception {
      Object t = tally.value();
      if (t == null) {
        t = stateClass.getConstructor().newInstance();
        stateClass.getField("node").set(t, node);
      }
      Field samples = stateClass.getField("samples");
      samples.setLong(t, samples.getLong(t) + 1);
      tally.update(t);
      StringBuilder s = new StringBuilder(node).append(" samples=").append(samples.getLong(t));
      try {
        s.append(" gpuSeconds=").append(stateClass.getField("gpuSeconds").getDouble(t));
      } catch (NoSuchFieldException e) {
        // the old version has no such field
      }
      out.collect(s.toString());
    }
  }
}
