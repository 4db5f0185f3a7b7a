package io.burnrate.jobs.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.jobs.BurnrateTestBase;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class NodeEventSerializerTest extends BurnrateTestBase {

  private static NodeEvent roundTrip(TypeSerializer<NodeEvent> s, NodeEvent e) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(256);
    s.serialize(e, out);
    s.serialize(e, out); // two in a row: each reads exactly its own bytes
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    NodeEvent first = s.deserialize(in);
    NodeEvent second = s.deserialize(in);
    assertThat(in.available()).isZero();
    assertThat(second)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .isEqualTo(first);
    return first;
  }

  @Test
  void flinkUsesItForNodeEventsNeverKryo() {
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    TypeInformation<NodeEvent> info = TypeInformation.of(NodeEvent.class);
    assertThat(info).isInstanceOf(NodeEventSerializer.Info.class);
    assertThat(info.createSerializer(config)).isInstanceOf(NodeEventSerializer.class);
  }

  @Test
  void everyKindOfEventSurvivesTheWireAndACopy() throws Exception {
    TypeSerializer<NodeEvent> s = TypeInformation.of(NodeEvent.class).createSerializer(null);
    NodeEvent sample = sampleEvent(t(10), 3, "trainer", 0.5);
    sample.sample.powerUsage = 312.5;
    sample.sample.totalEnergy = 1.5e9;
    sample.sourcePartition = 7;
    sample.sourceOffset = 123_456_789_012L;
    NodeEvent unlabelled = sampleEvent(t(20), 0, null, Double.NaN);
    NodeEvent node = nodeAdded("p4d.24xlarge", 8, t(0));
    NodeEvent pod = podEnded("trainer", 4, t(0), t(90));
    for (NodeEvent e : new NodeEvent[] {sample, unlabelled, node, pod}) {
      assertThat(roundTrip(s, e))
          .usingRecursiveComparison()
          .withComparatorForType(Double::compare, Double.class)
          .isEqualTo(e);
      NodeEvent copy = s.copy(e);
      assertThat(copy)
          .usingRecursiveComparison()
          .withComparatorForType(Double::compare, Double.class)
          .isEqualTo(e);
      assertThat(copy).isNotSameAs(e);
      if (e.sample != null) {
        assertThat(copy.sample).isNotSameAs(e.sample);
      }
    }
  }

  @Test
  void theSnapshotRestoresACompatibleSerializer() {
    TypeSerializer<NodeEvent> s = new NodeEventSerializer();
    TypeSerializerSnapshot<NodeEvent> snap = s.snapshotConfiguration();
    assertThat(snap.restoreSerializer()).isEqualTo(s);
    assertThat(s.duplicate()).isNotSameAs(s).isEqualTo(s);
  }
}
