package io.burnrate.connectors.billing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Billing files in a local folder (and its subfolders). Content identity: size and mtime. */
public final class LocalObjectStore implements ObjectStore {
  private final Path dir;

  public LocalObjectStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  @Override
  public String root() {
    return dir.toUri().toString();
  }

  @Override
  public List<BillingObject> list() throws IOException {
    List<BillingObject> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        String key = dir.relativize(p).toString().replace('\\', '/');
        out.add(
            new BillingObject(
                p.toUri().toString(), key, null, a.size(), a.lastModifiedTime().toMillis()));
      }
    }
    out.sort(Comparator.comparing(BillingObject::key));
    return out;
  }

  @Override
  public InputStream open(BillingObject object) throws IOException {
    return Files.newInputStream(dir.resolve(object.key()));
  }

  @Override
  public Path localPath(BillingObject object) {
    return dir.resolve(object.key());
  }
}
