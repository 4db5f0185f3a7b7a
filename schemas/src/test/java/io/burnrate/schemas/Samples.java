package io.burnrate.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test inputs read from the classpath ({@code src/test/resources/samples/...}), never from disk.
 */
public final class Samples {
  private Samples() {}

  public static byte[] bytes(String resource) {
    try (InputStream in = Samples.class.getResourceAsStream(absolute(resource))) {
      if (in == null) {
        throw new IllegalArgumentException("no such resource on the classpath: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String resource) {
    return new String(bytes(resource), StandardCharsets.UTF_8);
  }

  /** Non-blank lines. */
  public static List<String> lines(String resource) {
    return text(resource).lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
  }

  /** Resource paths of the files below a classpath folder ending with {@code suffix}, sorted. */
  public static List<String> list(String folder, String suffix) {
    String abs = absolute(folder);
    URL url = Samples.class.getResource(abs);
    if (url == null) {
      throw new IllegalArgumentException("no such folder on the classpath: " + folder);
    }
    try {
      Path root = Paths.get(url.toURI());
      try (Stream<Path> files = Files.walk(root)) {
        return files
            .filter(Files::isRegularFile)
            .filter(p -> p.getFileName().toString().endsWith(suffix))
            .map(p -> abs + "/" + root.relativize(p).toString().replace('\\', '/'))
            .sorted()
            .collect(Collectors.toList());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A CSV file as rows keyed by the header's column names (kept as they are, byte-order mark
   * included), skipping blank lines. RFC 4180 quoting: fields in double quotes may hold commas,
   * line breaks and doubled quotes; CRLF and LF both end a record.
   */
  public static List<Map<String, String>> csv(String resource) {
    List<List<String>> records = splitCsv(text(resource));
    List<Map<String, String>> rows = new ArrayList<>();
    if (records.isEmpty()) {
      return rows;
    }
    List<String> header = records.get(0);
    for (List<String> r : records.subList(1, records.size())) {
      if (r.stream().allMatch(String::isEmpty)) {
        continue;
      }
      if (r.size() != header.size()) {
        throw new IllegalStateException(
            resource + ": " + r.size() + " fields, header has " + header.size() + ": " + r);
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), r.get(i));
      }
      rows.add(row);
    }
    return rows;
  }

  /**
   * A CSV file as raw records (the header first), blank lines skipped, rows kept as they are even
   * when their field count differs from the header's (real exports have such rows).
   */
  public static List<List<String>> csvRecords(String resource) {
    List<List<String>> records = new ArrayList<>();
    for (List<String> r : splitCsv(text(resource))) {
      if (!r.stream().allMatch(String::isEmpty)) {
        records.add(r);
      }
    }
    return records;
  }

  static List<List<String>> splitCsv(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          quoted = true;
          any = true;
        }
        case ',' -> {
          record.add(field.toString());
          field.setLength(0);
          any = true;
        }
        case '\r' -> {
          // part of CRLF; a lone CR is dropped too
        }
        case '\n' -> {
          record.add(field.toString());
          field.setLength(0);
          records.add(record);
          record = new ArrayList<>();
          any = false;
        }
        default -> {
          field.append(c);
          any = true;
        }
      }
    }
    if (quoted) {
      throw new IllegalStateException("unterminated quoted field");
    }
    if (any || field.length() > 0) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }

  private static String absolute(String resource) {
    return resource.startsWith("/") ? resource : "/" + resource;
  }
}
