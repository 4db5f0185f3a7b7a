package io.burnrate.connectors.billing.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Versioned binary forms of the file source's splits and enumerator state (no Java serialization).
 */
public final class BillingSerializers {
  private BillingSerializers() {}

  /** Splits. */
  public static final class Splits implements SimpleVersionedSerializer<BillingObjectSplit> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(BillingObjectSplit split) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(256);
      try (DataOutputStream out = new DataOutputStream(b)) {
        split.write(out);
      }
      return b.toByteArray();
    }

    @Override
    public BillingObjectSplit deserialize(int version, byte[] bytes) throws IOException {
      if (version != 1) {
        throw new IOException("unknown billing split version " + version);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        return BillingObjectSplit.read(in);
      }
    }
  }

  /** Enumerator state: the ingested objects' keys and the splits not yet assigned. */
  public static final class EnumState implements SimpleVersionedSerializer<BillingEnumState> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(BillingEnumState state) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(1024);
      try (DataOutputStream out = new DataOutputStream(b)) {
        out.writeInt(state.ingested().size());
        for (String k : state.ingested()) {
          out.writeUTF(k);
        }
        out.writeInt(state.pending().size());
        for (BillingObjectSplit s : state.pending()) {
          s.write(out);
        }
      }
      return b.toByteArray();
    }

    @Override
    public BillingEnumState deserialize(int version, byte[] bytes) throws IOException {
      if (version != 1) {
        throw new IOException("unknown billing enumerator state version " + version);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        int n = in.readInt();
        Set<String> ingested = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
          ingested.add(in.readUTF());
        }
        int m = in.readInt();
        List<BillingObjectSplit> pending = new ArrayList<>();
        for (int i = 0; i < m; i++) {
          pending.add(BillingObjectSplit.read(in));
        }
        return new BillingEnumState(ingested, pending);
      }
    }
  }
}
