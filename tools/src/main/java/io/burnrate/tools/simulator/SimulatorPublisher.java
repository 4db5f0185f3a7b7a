package io.burnrate.tools.simulator;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a {@link FleetSimulator} to Kafka, either as fast as possible or paced so that
 * simulated time runs {@code speedup} times faster than the wall clock. The Kafka record timestamp
 * is the event time. Stoppable from another thread.
 */
public final class SimulatorPublisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong published = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong failed =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicReference<Exception> firstFailure =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final AtomicLong simTime = new AtomicLong(Long.MIN_VALUE);
  private OtlpScrapes.Encoding gpuEncoding = OtlpScrapes.Encoding.JSON;

  public SimulatorPublisher(Properties kafka) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.putIfAbsent("acks", "all");
    p.putIfAbsent("enable.idempotence", "true");
    p.putIfAbsent("linger.ms", "10");
    p.putIfAbsent("batch.size", "262144");
    p.putIfAbsent("compression.type", "lz4");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** How GPU telemetry is written: JSON per GPU (default), or OTLP per node scrape. */
  public SimulatorPublisher gpuEncoding(OtlpScrapes.Encoding encoding) {
    this.gpuEncoding = encoding;
    return this;
  }

  /**
   * @param speedup simulated seconds per wall second; 0 or less means as fast as possible
   * @param onStep called after each simulated step with the simulated time reached
   * @return the number of records published
   */
  public long publish(FleetSimulator sim, double speedup, LongConsumer onStep) {
    return publish(sim, speedup, 0, onStep);
  }

  /**
   * @param speedup simulated seconds per wall second; 0 or less means no time pacing
   * @param maxEventsPerSecond a cap on the publishing rate; 0 or less means none
   * @param onStep called after each simulated step with the simulated time reached
   * @return the number of records published
   */
  public long publish(
      FleetSimulator sim, double speedup, double maxEventsPerSecond, LongConsumer onStep) {
    long wallStart = System.nanoTime();
    long step = sim.stepMillis();
    for (long t = sim.startMillis(); t < sim.endMillis() && !stop.get(); t += step) {
      if (speedup > 0
          && !sleepUntil(wallStart + (long) ((t - sim.startMillis()) / speedup * 1_000_000L))) {
        break;
      }
      if (gpuEncoding == OtlpScrapes.Encoding.JSON) {
        sim.runStep(t, this::send);
      } else {
        java.util.List<SimRecord> records = new java.util.ArrayList<>();
        sim.runStep(t, records::add);
        OtlpScrapes.encode(records, gpuEncoding).forEach(this::send);
      }
      if (maxEventsPerSecond > 0
          && !sleepUntil(wallStart + (long) (published.get() / maxEventsPerSecond * 1e9))) {
        break;
      }
      simTime.set(t + step);
      if (onStep != null) {
        onStep.accept(t + step);
      }
    }
    producer.flush();
    if (failed.get() > 0) {
      // never a silent gap in the input: the caller (demo, simulate, tests) stops with the reason
      throw new IllegalStateException(
          failed.get()
              + " of "
              + published.get()
              + " simulated records could not be published: "
              + firstFailure.get(),
          firstFailure.get());
    }
    return published.get();
  }

  private void send(SimRecord r) {
    producer.send(
        new ProducerRecord<>(r.topic(), null, r.timestamp(), bytes(r.key()), r.value()),
        (meta, e) -> {
          if (e != null) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, e);
          }
        });
    published.incrementAndGet();
  }

  /** Sleeps until {@code System.nanoTime()} reaches {@code dueNanos}; false when interrupted. */
  private static boolean sleepUntil(long dueNanos) {
    long wait = dueNanos - System.nanoTime();
    if (wait <= 0) {
      return true;
    }
    try {
      Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  public long published() {
    return published.get();
  }

  public long simulatedTime() {
    return simTime.get();
  }

  public void stop() {
    stop.set(true);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
