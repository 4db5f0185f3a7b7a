package io.burnrate.connectors.billing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records a delivery will publish, kept in a temporary file until every object of the delivery
 * has been read to its end: a delivery that fails publishes nothing. {@link #publish} sends them in
 * the order they were added; {@link #close} deletes the file.
 */
final class PublishSpill implements AutoCloseable {
  private final Path file;
  private final DataOutputStream out;
  private long records;

  PublishSpill(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.file = Files.createTempFile(dir, "billing-publish-", ".spill");
    this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
  }

  void add(String topic, byte[] key, byte[] value) throws IOException {
    out.writeUTF(topic);
    out.writeInt(key.length);
    out.write(key);
    out.writeInt(value.length);
    out.write(value);
    records++;
  }

  long records() {
    return records;
  }

  /** Sends every record, in order, and flushes the producer. */
  void publish(KafkaProducer<byte[], byte[]> producer) throws IOException {
    out.flush();
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      for (long i = 0; i < records; i++) {
        String topic = in.readUTF();
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        producer.send(new ProducerRecord<>(topic, key, value));
      }
    } catch (EOFException e) {
      throw new IOException("publish spill " + file + " ended early", e);
    }
    producer.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
