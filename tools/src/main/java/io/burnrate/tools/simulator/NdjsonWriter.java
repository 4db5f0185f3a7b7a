package io.burnrate.tools.simulator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a simulated fleet as NDJSON files, {@code <topic>.ndjson[.gz]}, one record value per line
 * in the order the simulator publishes them; {@code ./burnrate publish} derives the same keys and
 * timestamps from the records ({@code RecordKeys}).
 */
public final class NdjsonWriter {
  private NdjsonWriter() {}

  /** Records written per topic. */
  public static Map<String, Long> write(FleetSimulator sim, Path dir, boolean gzip)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, OutputStream> outs = new HashMap<>();
    Map<String, Long> counts = new TreeMap<>();
    try {
      sim.run(
          r -> {
            try {
              OutputStream o = outs.get(r.topic());
              if (o == null) {
                Path f = dir.resolve(r.topic() + ".ndjson" + (gzip ? ".gz" : ""));
                o = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16);
                if (gzip) {
                  o = new GZIPOutputStream(o, 1 << 16);
                }
                outs.put(r.topic(), o);
              }
              o.write(r.value());
              o.write('\n');
              counts.merge(r.topic(), 1L, Long::sum);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      for (OutputStream o : outs.values()) {
        o.close();
      }
    }
    return counts;
  }
}
