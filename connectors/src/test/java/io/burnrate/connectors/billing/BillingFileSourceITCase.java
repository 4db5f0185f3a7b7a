package io.burnrate.connectors.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.connectors.billing.internal.BillingEnumState;
import io.burnrate.connectors.billing.internal.BillingObjectSplit;
import io.burnrate.connectors.billing.internal.BillingSerializers;
import io.burnrate.connectors.kafka.RawRecord;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.schemas.parse.BillingRowParser;
import io.burnrate.schemas.parse.ParseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FLIP-27 billing file source on a MiniCluster at parallelism 2 (bounded: one listing): every
 * row of every object arrives once as a RawRecord the job's parser reads, with its provenance;
 * unreadable and unknown objects arrive as records that become dead letters with their reasons.
 */
class BillingFileSourceITCase {
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir Path tmp;

  private static final String DATA = "cur/gpu/data/BILLING_PERIOD=2026-03/";
  private static final String META = "cur/gpu/metadata/BILLING_PERIOD=2026-03/";

  private Path layout() throws Exception {
    Path root = tmp.resolve("billing");
    Files.createDirectories(root.resolve(DATA));
    Files.createDirectories(root.resolve(META));
    Files.createDirectories(root.resolve("adhoc"));
    BillingTestFiles.parquet(
        root.resolve(DATA + "gpu-00001.snappy.parquet"),
        BillingTestFiles.month("111122223333", 100, 0));
    Files.write(
        root.resolve(DATA + "gpu-00002.csv.gz"),
        BillingTestFiles.gzip(BillingTestFiles.csv(BillingTestFiles.month("111122223333", 50, 1))));
    Files.writeString(
        root.resolve(META + "gpu-Manifest.json"),
        "{\"executionId\":\"exec-9\",\"exportName\":\"gpu\",\"dataFiles\":[\""
            + DATA
            + "gpu-00001.snappy.parquet\",\""
            + DATA
            + "gpu-00002.csv.gz\"]}");
    Files.write(
        root.resolve("adhoc/other.csv"),
        BillingTestFiles.csv(BillingTestFiles.month("999988887777", 20, 0)));
    Files.write(root.resolve("adhoc/broken.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2});
    Files.writeString(root.resolve("adhoc/series.csv"), "timestamp,value\n2026-03-01,1\n");
    Files.writeString(root.resolve("adhoc/README.txt"), "not billing");
    return root;
  }

  @Test
  void everyRowOnceWithProvenanceAndReasons() throws Exception {
    Path root = layout();
    List<RawRecord> records = read(root, Set.of());

    BillingRowParser parser = new BillingRowParser();
    List<BillingLineItem> items = new ArrayList<>();
    Map<String, Integer> reasons = new TreeMap<>();
    for (RawRecord r : records) {
      try {
        items.add(parser.parseJson(r.value));
      } catch (ParseException e) {
        reasons.merge(e.reason(), 1, Integer::sum);
        assertThat(e.detail()).contains(r.topic);
      }
    }
    assertThat(items).hasSize(170);
    assertThat(reasons)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(Reasons.UNREADABLE_OBJECT, 1, Reasons.UNKNOWN_FORMAT, 1));
    assertThat(items.stream().map(b -> b.sourceObject + "#" + b.sourceRow).distinct()).hasSize(170);
    BillingLineItem first =
        items.stream()
            .filter(b -> b.sourceObject.endsWith("gpu-00001.snappy.parquet") && b.sourceRow == 1)
            .findFirst()
            .orElseThrow();
    assertThat(first.deliveryId).isEqualTo("gpu/2026-03/exec-9");
    assertThat(first.sourceFormat).isEqualTo("cur-2.0");
    assertThat(first.billedCost).isEqualTo(1.25);
    assertThat(first.tags).containsEntry("user_team", "team-0");
    assertThat(first.deliveredAt).isPositive();
    RawRecord raw =
        records.stream()
            .filter(r -> r.topic.equals(first.sourceObject) && r.offset == 1)
            .findFirst()
            .orElseThrow();
    assertThat(new String(raw.key, StandardCharsets.UTF_8)).isEqualTo("gpu/2026-03/exec-9");
    assertThat(items.stream().filter(b -> b.deliveryId.startsWith("files-"))).hasSize(20);
  }

  /** Every record of a bounded source over {@code root}, skipping {@code alreadyIngested}. */
  private List<RawRecord> read(Path root, Set<String> alreadyIngested) throws Exception {
    BillingFileSource source =
        BillingFileSource.builder()
            .location(root.toString())
            .bounded()
            .alreadyIngested(alreadyIngested)
            .tmpDir(tmp.resolve("work").toString())
            .build();
    Configuration conf = new Configuration();
    conf.setString("pipeline.generic-types", "false");
    conf.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    List<RawRecord> records = new ArrayList<>();
    try (CloseableIterator<RawRecord> it =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "billing-files")
            .uid("billing-files")
            .executeAndCollect("billing-source-test")) {
      it.forEachRemaining(records::add);
    }
    return records;
  }

  /**
   * A {@code .csv.gz} cut at half its bytes (1,000 rows; a few hundred readable before the break)
   * emits no row at all, only one {@code unreadable_object} record naming it and the cause; the
   * same object replaced by its whole content (a new identity) is read whole by the next listing.
   */
  @Test
  void anObjectThatBreaksOffEmitsNoRowAndIsReadWhenReplaced() throws Exception {
    Path root = tmp.resolve("billing");
    Files.createDirectories(root);
    byte[] whole =
        BillingTestFiles.gzip(
            BillingTestFiles.csv(BillingTestFiles.month("444455556666", 1000, 0)));
    Path cut = root.resolve("cut.csv.gz");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
    Files.write(
        root.resolve("good.csv"),
        BillingTestFiles.csv(BillingTestFiles.month("999988887777", 20, 0)));
    Set<String> listedFirst = new java.util.HashSet<>();
    try (ObjectStore store = ObjectStore.of(root.toString(), null)) {
      store.list().forEach(o -> listedFirst.add(Delivery.key(o)));
    }

    BillingRowParser parser = new BillingRowParser();
    List<RawRecord> first = read(root, Set.of());
    List<BillingLineItem> items = new ArrayList<>();
    List<ParseException> dead = new ArrayList<>();
    for (RawRecord r : first) {
      try {
        items.add(parser.parseJson(r.value));
      } catch (ParseException e) {
        dead.add(e);
      }
    }
    assertThat(items).hasSize(20).allMatch(b -> b.sourceObject.endsWith("/good.csv"));
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).reason()).isEqualTo(Reasons.UNREADABLE_OBJECT);
    assertThat(dead.get(0).detail())
        .contains(cut.toUri().toString())
        .contains("no row of the object was emitted");
    System.out.println("billing source, truncated object: " + dead.get(0).detail());

    // the export writes the object again, whole: a new size and mtime, so a new object
    Files.write(cut, whole);
    Files.setLastModifiedTime(
        cut, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    List<RawRecord> second = read(root, listedFirst); // what the first listing's checkpoint holds
    List<BillingLineItem> again = new ArrayList<>();
    for (RawRecord r : second) {
      again.add(parser.parseJson(r.value));
    }
    assertThat(again).hasSize(1000).allMatch(b -> b.sourceObject.endsWith("/cut.csv.gz"));
  }

  @Test
  void splitsAndEnumeratorStateRoundTrip() throws Exception {
    BillingObject o = new BillingObject("s3://b/k.csv", "k.csv", "etag-1", 10, 20);
    BillingObject local = new BillingObject("file:/x/k.parquet", "k.parquet", null, 11, 21);
    BillingObjectSplit split = new BillingObjectSplit(o, "d-1", 30, 7);
    var splits = new BillingSerializers.Splits();
    BillingObjectSplit back = splits.deserialize(1, splits.serialize(split));
    assertThat(back.splitId()).isEqualTo("s3://b/k.csv@etag-1");
    assertThat(back.object()).isEqualTo(o);
    assertThat(back.rowsEmitted()).isEqualTo(7);
    assertThat(back.deliveryId()).isEqualTo("d-1");

    var states = new BillingSerializers.EnumState();
    BillingEnumState state =
        new BillingEnumState(
            Set.of("s3://b/m.json@e"), List.of(split, new BillingObjectSplit(local, "d-2", 1, 0)));
    BillingEnumState restored = states.deserialize(1, states.serialize(state));
    assertThat(restored.ingested()).containsExactly("s3://b/m.json@e");
    assertThat(restored.pending())
        .extracting(BillingObjectSplit::splitId)
        .containsExactly("s3://b/k.csv@etag-1", "file:/x/k.parquet@11@21");
  }
}
