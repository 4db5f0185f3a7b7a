package io.burnrate.connectors.billing.internal;

import io.burnrate.connectors.billing.BillingObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One billing object to read, with the delivery it belongs to and how many of its rows were already
 * emitted (checkpointed, so a restored reader skips them).
 */
public final class BillingObjectSplit implements SourceSplit {
  private final BillingObject object;
  private final String deliveryId;
  private final long deliveredAt;
  private final long rowsEmitted;

  public BillingObjectSplit(
      BillingObject object, String deliveryId, long deliveredAt, long rowsEmitted) {
    this.object = object;
    this.deliveryId = deliveryId;
    this.deliveredAt = deliveredAt;
    this.rowsEmitted = rowsEmitted;
  }

  @Override
  public String splitId() {
    return object.uri() + "@" + object.identity();
  }

  public BillingObject object() {
    return object;
  }

  public String deliveryId() {
    return deliveryId;
  }

  public long deliveredAt() {
    return deliveredAt;
  }

  /** Rows (and read-error records) already emitted; a restored reader skips them. */
  public long rowsEmitted() {
    return rowsEmitted;
  }

  public BillingObjectSplit withRowsEmitted(long n) {
    return new BillingObjectSplit(object, deliveryId, deliveredAt, n);
  }

  void write(DataOutputStream out) throws IOException {
    out.writeUTF(object.uri());
    out.writeUTF(object.key());
    out.writeBoolean(object.etag() != null);
    if (object.etag() != null) {
      out.writeUTF(object.etag());
    }
    out.writeLong(object.size());
    out.writeLong(object.lastModified());
    out.writeUTF(deliveryId);
    out.writeLong(deliveredAt);
    out.writeLong(rowsEmitted);
  }

  static BillingObjectSplit read(DataInputStream in) throws IOException {
    String uri = in.readUTF();
    String key = in.readUTF();
    String etag = in.readBoolean() ? in.readUTF() : null;
    BillingObject o = new BillingObject(uri, key, etag, in.readLong(), in.readLong());
    return new BillingObjectSplit(o, in.readUTF(), in.readLong(), in.readLong());
  }

  @Override
  public String toString() {
    return "BillingObjectSplit{" + splitId() + ", " + deliveryId + ", emitted " + rowsEmitted + "}";
  }
}
