package io.burnrate.tools.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes NDJSON files (one JSON record per line, optionally gzipped) to Burnrate's topics: the
 * topic from the file name ({@code burnrate.telemetry.gpu.ndjson[.gz]}) or given; the key and the
 * record timestamp as the simulator sets them ({@link RecordKeys}). Files are merged by event time
 * (each file in its own order, so one key's records keep theirs), optionally paced ({@code
 * speedup}: event-time seconds per wall second; {@code rate}: records per second). A line that is
 * not a JSON object is not published: it is counted and named (file and line number).
 */
public final class NdjsonPublisher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REJECTS_LISTED = 20;

  /** One file and the topic its records go to. */
  public record Input(Path file, String topic) {}

  /** Counts per topic, bytes, rejected lines (the first few named). */
  public static final class Summary {
    public final Map<String, Long> records = new TreeMap<>();
    public long bytes;
    public long published;
    public long rejected;
    public final List<String> rejectedLines = new ArrayList<>();
    public long withoutEventTime;
    public double seconds;

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("published", published);
      m.put("records_per_topic", records);
      m.put("bytes", bytes);
      m.put("rejected", rejected);
      m.put("rejected_lines", rejectedLines);
      m.put("without_event_time", withoutEventTime);
      m.put("seconds", Math.round(seconds * 10) / 10.0);
      return m;
    }
  }

  /**
   * The topic a file's name names: {@code <topic>.ndjson}, {@code .jsonl}, {@code .json}, {@code
   * .gz}.
   */
  public static String topicOf(Path file) {
    String n = file.getFileName().toString();
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    for (String ext : List.of(".ndjson", ".jsonl", ".json")) {
      if (n.endsWith(ext)) {
        n = n.substring(0, n.length() - ext.length());
        break;
      }
    }
    List<String> known = new ArrayList<>(Topics.INPUTS);
    known.addAll(Topics.CONFIG);
    return known.contains(n) ? n : null;
  }

  /**
   * The inputs of {@code paths} (files, or folders whose NDJSON files are taken in name order);
   * {@code topic} for all, or each file's name.
   *
   * @throws IllegalArgumentException a path that does not exist, or a file that names no topic
   */
  public static List<Input> inputs(List<Path> paths, String topic) throws IOException {
    List<Input> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path f :
              s.filter(Files::isRegularFile)
                  .filter(
                      f -> f.getFileName().toString().matches(".*\\.(ndjson|jsonl|json)(\\.gz)?"))
                  .sorted()
                  .toList()) {
            out.add(input(f, topic));
          }
        }
      } else if (Files.isRegularFile(p)) {
        out.add(input(p, topic));
      } else {
        throw new IllegalArgumentException(p + ": no such file or folder");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no NDJSON files in " + paths);
    }
    return out;
  }

  private static Input input(Path f, String topic) {
    String t = topic != null ? topic : topicOf(f);
    if (t == null) {
      throw new IllegalArgumentException(
          f
              + ": the file name names no Burnrate input topic (e.g."
              + " burnrate.telemetry.gpu.ndjson): give --topic");
    }
    return new Input(f, t);
  }

  private final RecordKeys keys;
  private final double speedup;
  private final double rate;

  public NdjsonPublisher(String defaultCluster, double speedup, double rate) {
    this.keys = new RecordKeys(defaultCluster);
    this.speedup = speedup;
    this.rate = rate;
  }

  /** One parsed line waiting to be sent. */
  private static final class Cursor {
    final Input in;
    final BufferedReader reader;
    long lineNo;
    String key;
    byte[] value;
    long eventTime;

    Cursor(Input in) throws IOException {
      this.in = in;
      InputStream s = Files.newInputStream(in.file());
      if (in.file().getFileName().toString().endsWith(".gz")) {
        s = new GZIPInputStream(s, 1 << 16);
      }
      this.reader = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8), 1 << 16);
    }
  }

  /**
   * Publishes every input through {@code producer}; {@code progress} gets the summary so far every
   * few seconds.
   *
   * @throws IllegalStateException when the broker did not take some records
   */
  public Summary publish(
      List<Input> inputs, Producer<byte[], byte[]> producer, Consumer<Summary> progress)
      throws IOException {
    Summary sum = new Summary();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    // records without event time first, then by event time; ties by file order (stable)
    PriorityQueue<Cursor> queue =
        new PriorityQueue<>(
            Comparator.<Cursor>comparingLong(c -> c.eventTime)
                .thenComparingInt(c -> inputs.indexOf(c.in)));
    List<Cursor> open = new ArrayList<>();
    long t0 = System.nanoTime();
    long lastProgress = t0;
    long firstEventTime = Long.MIN_VALUE;
    try {
      for (Input in : inputs) {
        Cursor c = new Cursor(in);
        open.add(c);
        if (advance(c, sum)) {
          queue.add(c);
        }
      }
      while (!queue.isEmpty()) {
        Cursor c = queue.poll();
        if (speedup > 0 && c.eventTime >= 0) {
          if (firstEventTime == Long.MIN_VALUE) {
            firstEventTime = c.eventTime;
          }
          sleepUntil(t0 + (long) ((c.eventTime - firstEventTime) / speedup * 1_000_000L));
        }
        if (rate > 0) {
          sleepUntil(t0 + (long) (sum.published / rate * 1e9));
        }
        producer.send(
            new ProducerRecord<>(
                c.in.topic(),
                null,
                c.eventTime >= 0 ? c.eventTime : null,
                c.key == null ? null : c.key.getBytes(StandardCharsets.UTF_8),
                c.value),
            (meta, e) -> {
              if (e != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, e);
              }
            });
        sum.published++;
        sum.bytes += c.value.length;
        sum.records.merge(c.in.topic(), 1L, Long::sum);
        if (c.eventTime < 0) {
          sum.withoutEventTime++;
        }
        if (advance(c, sum)) {
          queue.add(c);
        }
        if (progress != null && System.nanoTime() - lastProgress > 5_000_000_000L) {
          lastProgress = System.nanoTime();
          sum.seconds = (lastProgress - t0) / 1e9;
          progress.accept(sum);
        }
      }
      producer.flush();
    } finally {
      for (Cursor c : open) {
        c.reader.close();
      }
    }
    sum.seconds = (System.nanoTime() - t0) / 1e9;
    if (failed.get() > 0) {
      throw new IllegalStateException(
          failed.get()
              + " of "
              + sum.published
              + " records could not be published: "
              + firstFailure.get(),
          firstFailure.get());
    }
    return sum;
  }

  /** Reads the cursor's next JSON line; false at the end of its file. */
  private boolean advance(Cursor c, Summary sum) throws IOException {
    String line;
    while ((line = c.reader.readLine()) != null) {
      c.lineNo++;
      if (line.isBlank()) {
        continue;
      }
      byte[] raw = line.getBytes(StandardCharsets.UTF_8);
      JsonNode n;
      try {
        n = JSON.readTree(raw);
      } catch (IOException e) {
        n = null;
      }
      if (n == null || !n.isObject()) {
        sum.rejected++;
        if (sum.rejectedLines.size() < MAX_REJECTS_LISTED) {
          sum.rejectedLines.add(c.in.file().getFileName() + ":" + c.lineNo + ": not a JSON object");
        }
        continue;
      }
      c.value = raw;
      c.key = keys.key(c.in.topic(), n, raw);
      c.eventTime = keys.eventTime(c.in.topic(), n, raw);
      return true;
    }
    return false;
  }

  private static void sleepUntil(long dueNanos) {
    long wait = dueNanos - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
