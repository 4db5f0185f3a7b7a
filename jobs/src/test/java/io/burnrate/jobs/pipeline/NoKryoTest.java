package io.burnrate.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole production job, as built for submission, serialises nothing with Kryo. */
class NoKryoTest {
  @TempDir Path tmp;

  @Test
  void noOperatorOfTheJobUsesKryoAndGenericTypesAreDisabled() {
    Configuration c = new Configuration();
    c.set(BurnrateOptions.KAFKA_BOOTSTRAP, "127.0.0.1:9");
    c.set(BurnrateOptions.KAFKA_GROUP, "no-kryo");
    c.set(BurnrateOptions.KAFKA_TXN_PREFIX, "no-kryo");
    c.set(BurnrateOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(10));
    c.set(BurnrateOptions.ICEBERG_WAREHOUSE, tmp.resolve("warehouse").toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    BurnrateJob.addTo(env, JobConfig.from(c), false);

    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    // building the graph creates every serializer: a Kryo fallback would throw here
    StreamGraph graph = env.getStreamGraph();
    List<String> kryo = new ArrayList<>();
    int serializers = 0;
    for (StreamNode n : graph.getStreamNodes()) {
      List<TypeSerializer<?>> all = new ArrayList<>(List.of(n.getTypeSerializersIn()));
      all.add(n.getTypeSerializerOut());
      all.add(n.getStateKeySerializer());
      for (TypeSerializer<?> s : all) {
        if (s == null) {
          continue;
        }
        serializers++;
        if (s instanceof KryoSerializer || s.toString().contains("Kryo")) {
          kryo.add(n.getOperatorName() + ": " + s);
        }
      }
    }
    assertThat(graph.getStreamNodes()).hasSizeGreaterThan(20);
    assertThat(serializers).isGreaterThan(40);
    assertThat(kryo).isEmpty();
  }
}
