package io.burnrate.jobs.allocation;

import io.burnrate.schemas.model.GpuSample;
import io.burnrate.schemas.model.NodeInfo;
import io.burnrate.schemas.model.PodInfo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The wire format of {@link NodeEvent}, the busiest record of the job (every dcgm sample crosses
 * the shuffle to its node's operator as one). Flink's POJO serializer reads and writes every field
 * by reflection and builds each object through its constructor reflectively; for GPU samples that
 * was about a third of the time of the parse and allocation tasks. This one writes the sample's
 * fields directly; Node and Pod updates, a few per minute, keep their POJO serializers. It is not
 * used for state (NodeEvent lives only on the wire), so its format can change between versions.
 */
public final class NodeEventSerializer extends TypeSerializer<NodeEvent> {
  private static final long serialVersionUID = 1L;

  private static final int SAMPLE = 1;
  private static final int NODE = 2;
  private static final int POD = 4;

  private final TypeSerializer<NodeInfo> nodes;
  private final TypeSerializer<PodInfo> pods;

  /** Read buffer for strings; a serializer instance is used by one thread (see duplicate). */
  private transient byte[] scratch;

  public NodeEventSerializer() {
    SerializerConfig config = new SerializerConfigImpl();
    ((SerializerConfigImpl) config).setGenericTypes(false);
    nodes = TypeInformation.of(NodeInfo.class).createSerializer(config);
    pods = TypeInformation.of(PodInfo.class).createSerializer(config);
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<NodeEvent> duplicate() {
    return new NodeEventSerializer();
  }

  @Override
  public NodeEvent createInstance() {
    return new NodeEvent();
  }

  @Override
  public NodeEvent copy(NodeEvent from) {
    NodeEvent e = new NodeEvent();
    e.sample = from.sample == null ? null : copy(from.sample);
    e.node = from.node == null ? null : nodes.copy(from.node);
    e.pod = from.pod == null ? null : pods.copy(from.pod);
    e.sourceTopic = from.sourceTopic;
    e.sourcePartition = from.sourcePartition;
    e.sourceOffset = from.sourceOffset;
    e.sourceTimestamp = from.sourceTimestamp;
    e.sourceKey = from.sourceKey; // never modified: shared like the strings
    e.sourceValue = from.sourceValue;
    return e;
  }

  private static GpuSample copy(GpuSample s) {
    GpuSample c = new GpuSample();
    c.timestamp = s.timestamp;
    c.cluster = s.cluster;
    c.hostname = s.hostname;
    c.gpu = s.gpu;
    c.uuid = s.uuid;
    c.modelName = s.modelName;
    c.namespace = s.namespace;
    c.pod = s.pod;
    c.container = s.container;
    c.gpuUtil = s.gpuUtil;
    c.smActive = s.smActive;
    c.tensorActive = s.tensorActive;
    c.fbUsed = s.fbUsed;
    c.fbFree = s.fbFree;
    c.powerUsage = s.powerUsage;
    c.memCopyUtil = s.memCopyUtil;
    c.gpuTemp = s.gpuTemp;
    c.totalEnergy = s.totalEnergy;
    return c;
  }

  @Override
  public NodeEvent copy(NodeEvent from, NodeEvent reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(NodeEvent e, DataOutputView out) throws IOException {
    int flags =
        (e.sample != null ? SAMPLE : 0) | (e.node != null ? NODE : 0) | (e.pod != null ? POD : 0);
    out.writeByte(flags);
    writeString(e.sourceTopic, out);
    out.writeInt(e.sourcePartition);
    out.writeLong(e.sourceOffset);
    out.writeLong(e.sourceTimestamp);
    writeBytes(e.sourceKey, out);
    writeBytes(e.sourceValue, out);
    if (e.sample != null) {
      GpuSample s = e.sample;
      out.writeLong(s.timestamp);
      writeString(s.cluster, out);
      writeString(s.hostname, out);
      out.writeInt(s.gpu);
      writeString(s.uuid, out);
      writeString(s.modelName, out);
      writeString(s.namespace, out);
      writeString(s.pod, out);
      writeString(s.container, out);
      out.writeDouble(s.gpuUtil);
      out.writeDouble(s.smActive);
      out.writeDouble(s.tensorActive);
      out.writeDouble(s.fbUsed);
      out.writeDouble(s.fbFree);
      out.writeDouble(s.powerUsage);
      out.writeDouble(s.memCopyUtil);
      out.writeDouble(s.gpuTemp);
      out.writeDouble(s.totalEnergy);
    }
    if (e.node != null) {
      nodes.serialize(e.node, out);
    }
    if (e.pod != null) {
      pods.serialize(e.pod, out);
    }
  }

  @Override
  public NodeEvent deserialize(DataInputView in) throws IOException {
    NodeEvent e = new NodeEvent();
    int flags = in.readByte();
    e.sourceTopic = readString(in);
    e.sourcePartition = in.readInt();
    e.sourceOffset = in.readLong();
    e.sourceTimestamp = in.readLong();
    e.sourceKey = readBytes(in);
    e.sourceValue = readBytes(in);
    if ((flags & SAMPLE) != 0) {
      GpuSample s = new GpuSample();
      s.timestamp = in.readLong();
      s.cluster = readString(in);
      s.hostname = readString(in);
      s.gpu = in.readInt();
      s.uuid = readString(in);
      s.modelName = readString(in);
      s.namespace = readString(in);
      s.pod = readString(in);
      s.container = readString(in);
      s.gpuUtil = in.readDouble();
      s.smActive = in.readDouble();
      s.tensorActive = in.readDouble();
      s.fbUsed = in.readDouble();
      s.fbFree = in.readDouble();
      s.powerUsage = in.readDouble();
      s.memCopyUtil = in.readDouble();
      s.gpuTemp = in.readDouble();
      s.totalEnergy = in.readDouble();
      e.sample = s;
    }
    if ((flags & NODE) != 0) {
      e.node = nodes.deserialize(in);
    }
    if ((flags & POD) != 0) {
      e.pod = pods.deserialize(in);
    }
    return e;
  }

  @Override
  public NodeEvent deserialize(NodeEvent reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  /**
   * A string as its UTF-8 bytes after their count (-1 for null). Flink's StringValue reads a string
   * byte by byte through the network buffer; one bulk read of the bytes is several times cheaper.
   */
  private static void writeString(String v, DataOutputView out) throws IOException {
    if (v == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Bytes after their count (-1 for null). */
  private static void writeBytes(byte[] b, DataOutputView out) throws IOException {
    if (b == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private String readString(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    if (scratch == null || scratch.length < n) {
      scratch = new byte[Math.max(n, 256)];
    }
    in.readFully(scratch, 0, n);
    return new String(scratch, 0, n, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeEventSerializer;
  }

  @Override
  public int hashCode() {
    return NodeEventSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<NodeEvent> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer has no configuration: the snapshot only names it. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<NodeEvent> {
    public Snapshot() {
      super(NodeEventSerializer::new);
    }
  }

  /** Flink's type information for {@link NodeEvent}: this serializer, never Kryo. */
  public static final class Factory extends TypeInfoFactory<NodeEvent> {
    @Override
    public TypeInformation<NodeEvent> createTypeInfo(
        Type t, Map<String, TypeInformation<?>> genericParameters) {
      return new Info();
    }
  }

  /** Type information that hands out {@link NodeEventSerializer}. */
  public static final class Info extends TypeInformation<NodeEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
      return false;
    }

    @Override
    public boolean isTupleType() {
      return false;
    }

    @Override
    public int getArity() {
      return 1;
    }

    @Override
    public int getTotalFields() {
      return 1;
    }

    @Override
    public Class<NodeEvent> getTypeClass() {
      return NodeEvent.class;
    }

    @Override
    public boolean isKeyType() {
      return false;
    }

    @Override
    public TypeSerializer<NodeEvent> createSerializer(SerializerConfig config) {
      return new NodeEventSerializer();
    }

    @Override
    public String toString() {
      return "NodeEvent";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Info;
    }

    @Override
    public int hashCode() {
      return Info.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
      return o instanceof Info;
    }
  }
}
