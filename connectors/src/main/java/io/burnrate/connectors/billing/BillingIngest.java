package io.burnrate.connectors.billing;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.connectors.json.OutputJson;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.iceberg.TableSchemas;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.DeadLetter;
import io.burnrate.schemas.model.DeadLetter.Reasons;
import io.burnrate.schemas.parse.BillingFormat;
import io.burnrate.schemas.parse.BillingHeader;
import io.burnrate.schemas.parse.BillingRowParser;
import io.burnrate.schemas.parse.ParseException;
import io.burnrate.schemas.parse.Plausibility;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Backfills billing files into the warehouse: lists a folder or {@code s3://bucket/prefix}, groups
 * the objects into deliveries ({@link DeliveryPlanner}), leaves out what was ingested before, and
 * for each delivery reads every file, parses every row, writes the usable rows to {@code
 * billing_line_items} and the others to {@code billing_dead_letters} (and, when asked, the rows to
 * {@code burnrate.billing.focus} and the dead letters to {@code burnrate.dlq}), then commits the
 * delivery's marker rows to {@code billing_deliveries}. Rerunning ingests only what is new.
 *
 * <pre>{@code
 * BillingIngest.Summary s = new BillingIngest(new BillingIngest.Options(
 *     "s3://billing/cur", CatalogConfig.hadoop(warehouse), BillingIngest.FormatChoice.AUTO,
 *     new S3Settings("http://127.0.0.1:9000", "us-east-1", true, key, secret),
 *     null, tmpDir, System.out::println)).run();
 * }</pre>
 */
public final class BillingIngest {
  /** Which formats a run accepts. */
  public enum FormatChoice {
    /** Told by each file's columns. */
    AUTO,
    /** FOCUS only: a CUR file is dead-lettered as {@code unknown_format}. */
    FOCUS,
    /** AWS CUR (2.0, or legacy) only. */
    CUR2
  }

  /**
   * @param from a folder, {@code file:} URI or {@code s3://bucket/prefix}
   * @param catalog the warehouse
   * @param format which formats to accept
   * @param s3 how to reach S3 (null: the SDK's defaults)
   * @param kafka producer properties (at least {@code bootstrap.servers}) to also publish rows and
   *     dead letters, or null
   * @param tmpDir where Parquet objects are copied for reading
   * @param progress receives one line per object and per delivery
   */
  public record Options(
      String from,
      CatalogConfig catalog,
      FormatChoice format,
      S3Settings s3,
      Properties kafka,
      Path tmpDir,
      Consumer<String> progress) {}

  /** Totals of a delivery's slice, for its row in {@code billing_deliveries}. */
  private static final class SliceTotals {
    String account;
    long periodStart;
    String currency;
    long rows;
    BigDecimal billed = BigDecimal.ZERO;
    BigDecimal effective = BigDecimal.ZERO;
    BigDecimal credits = BigDecimal.ZERO;
  }

  /**
   * What a delivery's files say they are worth against where that money went: {@code file =
   * ingested + deadLettered}, exactly. {@code file} is the sum of every row's own BilledCost (read
   * on its own, {@link BillingRowParser#billedAmount}), whether or not the rest of the row was
   * usable; a dead letter whose amount cannot be read (not a number, or outside the plausibility
   * bounds) is counted in {@code deadLettersWithoutAmount} and in no amount.
   */
  public static final class Amounts {
    public BigDecimal file = BigDecimal.ZERO;
    public BigDecimal ingested = BigDecimal.ZERO;
    public BigDecimal deadLettered = BigDecimal.ZERO;
    public long deadLettersWithoutAmount;

    void add(Amounts o) {
      file = file.add(o.file);
      ingested = ingested.add(o.ingested);
      deadLettered = deadLettered.add(o.deadLettered);
      deadLettersWithoutAmount += o.deadLettersWithoutAmount;
    }

    /** True when the file total is the ingested plus the dead-lettered amount, to the digit. */
    public boolean balanced() {
      return file.compareTo(ingested.add(deadLettered)) == 0;
    }

    /** {@code file 12.34 = ingested 12.00 + dead-lettered 0.34} and what has no amount. */
    public String describe() {
      return String.format(
          "BilledCost: file %s = ingested %s + dead-lettered %s (%s)%s",
          plain(file),
          plain(ingested),
          plain(deadLettered),
          balanced() ? "balanced" : "NOT BALANCED",
          deadLettersWithoutAmount == 0
              ? ""
              : "; "
                  + deadLettersWithoutAmount
                  + " dead letter(s) without a readable amount are in no total");
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file_billed_cost", plain(file));
      m.put("ingested_billed_cost", plain(ingested));
      m.put("dead_letter_billed_cost", plain(deadLettered));
      m.put("dead_letters_without_amount", deadLettersWithoutAmount);
      m.put("balanced", balanced());
      return m;
    }

    static String plain(BigDecimal v) {
      return v.setScale(Math.max(2, v.stripTrailingZeros().scale()), RoundingMode.HALF_EVEN)
          .toPlainString();
    }
  }

  /**
   * An object that could not be read to its end (truncated or corrupt gzip, broken CSV quoting,
   * corrupt Parquet): its delivery is not committed.
   */
  static final class UnreadableObject extends Exception {
    final BillingObject object;

    UnreadableObject(BillingObject object, String message, IOException cause) {
      super(message, cause);
      this.object = object;
    }
  }

  private final Options options;
  private final BillingRowParser parser = new BillingRowParser();
  private Consumer<Delivery> beforeCommit = d -> {};
  private Plausibility bounds = Plausibility.DEFAULTS;

  public BillingIngest(Options options) {
    this.options = options;
  }

  /**
   * A hook run for each delivery after its rows were read (and published, with {@code kafka}) and
   * before its Iceberg commit. For tests that crash a run at that step: an exception thrown here
   * ends the run with nothing of the delivery committed.
   */
  public BillingIngest beforeCommit(Consumer<Delivery> hook) {
    this.beforeCommit = hook;
    return this;
  }

  /**
   * The plausibility bounds of amounts and dates (default {@link Plausibility#DEFAULTS}, as the
   * job's): a row outside them is a dead letter {@code out_of_range}.
   */
  public BillingIngest bounds(Plausibility bounds) {
    this.bounds = bounds;
    return this;
  }

  public Summary run() throws Exception {
    long t0 = System.nanoTime();
    Summary s = new Summary();
    s.source = options.from();
    s.deadLetterTable = TableSchemas.BILLING_DEAD_LETTERS.toString();
    s.deadLetterTopic = options.kafka() != null ? Topics.DLQ : null;
    try (WarehouseLock lock = WarehouseLock.acquire(options.catalog());
        ObjectStore store = ObjectStore.of(options.from(), options.s3());
        BillingTables tables = new BillingTables(options.catalog());
        KafkaProducer<byte[], byte[]> producer = producer()) {
      List<BillingObject> listing = store.list();
      BillingTables.Ingested ingested = tables.ingested();
      DeliveryPlanner.Plan plan = DeliveryPlanner.plan(store, listing, ingested.keys());
      s.objectsListed = listing.size();
      s.alreadyIngested = plan.alreadyIngested();
      s.incomplete = plan.incomplete();
      s.ignoredObjects = plan.ignored();
      progress(
          "%s: %d objects, %d deliveries to ingest, %d already ingested%s",
          store.root(),
          listing.size(),
          plan.deliveries().size(),
          plan.alreadyIngested(),
          plan.incomplete().isEmpty() ? "" : ", " + plan.incomplete().size() + " incomplete");
      for (String why : plan.incomplete()) {
        progress("  not yet complete, left for the next run: %s", why);
      }
      Contents contents = new Contents(store, ingested.uriBySha256());
      for (Delivery d : plan.deliveries()) {
        Delivery next = d;
        while (next != null) {
          Summary part = new Summary();
          try {
            ingest(store, tables, producer, next, part, contents);
            s.merge(part);
            next = null;
          } catch (UnreadableObject e) {
            s.failed.add(
                Map.of(
                    "object", e.object.uri(),
                    "delivery_id", next.id(),
                    "cause", e.getMessage()));
            // loose files: the others still form a delivery of their own (a new id); a
            // manifest's delivery is one refresh and fails whole
            next = next.manifest() == null ? DeliveryPlanner.withoutFile(next, e.object) : null;
          }
        }
      }
      s.bytesHashed = contents.bytes;
      s.hashSeconds = contents.nanos / 1e9;
    }
    s.seconds = (System.nanoTime() - t0) / 1e9;
    return s;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    if (options.kafka() == null) {
      return null;
    }
    Properties p = new Properties();
    p.putAll(options.kafka());
    p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void ingest(
      ObjectStore store,
      BillingTables tables,
      KafkaProducer<byte[], byte[]> producer,
      Delivery d,
      Summary s,
      Contents contents)
      throws Exception {
    long ingestedAt = System.currentTimeMillis();
    Map<String, String> sha256 = contents.of(d.dataFiles());
    Map<String, String> sameAs = contents.copies(d, sha256);
    for (Map.Entry<String, String> c : sameAs.entrySet()) {
      Map<String, String> skip = new LinkedHashMap<>();
      skip.put("object", c.getKey());
      skip.put("same_as", c.getValue());
      skip.put("sha256", sha256.get(c.getKey()));
      s.sameContent.add(skip);
      progress(
          "  %s: skipped, the same content (sha256 %s) as %s",
          c.getKey(), sha256.get(c.getKey()).substring(0, 12), c.getValue());
    }
    boolean committed = false;
    Map<String, SliceTotals> slices = new TreeMap<>();
    Amounts amounts = new Amounts();
    long deadLetters = 0;
    long rowsBefore = s.rowsRead;
    try (RecordAppender lines = new RecordAppender(tables.lineItems());
        RecordAppender dlq = new RecordAppender(tables.deadLetters());
        PublishSpill spill = producer == null ? null : new PublishSpill(options.tmpDir())) {
      for (BillingObject o : d.dataFiles()) {
        if (sameAs.containsKey(o.uri())) {
          continue;
        }
        long rowsOfObject = 0;
        try (BillingFileReader reader = BillingFileReader.open(store, o, options.tmpDir())) {
          BillingFormat f = choose(BillingFormat.detect(reader.columns()));
          if (f == null) {
            deadLetters +=
                dead(
                    dlq,
                    spill,
                    s,
                    Reasons.UNKNOWN_FORMAT,
                    formatDetail(reader.columns()),
                    o,
                    -1,
                    d,
                    null,
                    null,
                    amounts);
            continue;
          }
          BillingHeader header = new BillingHeader(reader.columns(), f);
          BillingRow row;
          while ((row = reader.next()) != null) {
            rowsOfObject++;
            s.rowsRead++;
            BigDecimal own = BillingRowParser.billedAmount(header, row.values());
            if (own != null && !(own.abs().doubleValue() <= bounds.maxBillingAmount())) {
              own = null; // out of bounds: in no total (it may not even fit the lake's columns)
            }
            if (own != null) {
              amounts.file = amounts.file.add(BillingTables.money(own));
            }
            if (row.malformed() != null) {
              deadLetters +=
                  dead(
                      dlq,
                      spill,
                      s,
                      Reasons.MALFORMED_ROW,
                      row.malformed(),
                      o,
                      row.number(),
                      d,
                      BillingJson.row(reader.columns(), row.values()),
                      own,
                      amounts);
              continue;
            }
            BillingLineItem b;
            try {
              b = parser.parse(header, row.values());
              bounds.checkBilling(b); // the same bounds as the job's parse step
            } catch (ParseException e) {
              deadLetters +=
                  dead(
                      dlq,
                      spill,
                      s,
                      e.reason(),
                      e.detail(),
                      o,
                      row.number(),
                      d,
                      BillingJson.row(reader.columns(), row.values()),
                      own,
                      amounts);
              continue;
            }
            b.deliveryId = d.id();
            b.deliveredAt = d.deliveredAt();
            b.sourceObject = o.uri();
            b.sourceRow = row.number();
            b.rowId = b.identity(); // <object>#<row>: the same on every re-run
            lines.add(BillingTables.lineItem(b));
            add(slices, b, s);
            amounts.ingested = amounts.ingested.add(BillingTables.money(b.billedCost));
            if (spill != null) {
              spill.add(
                  Topics.BILLING_FOCUS,
                  b.billingAccountSlice.getBytes(StandardCharsets.UTF_8),
                  BillingJson.item(b));
            }
          }
        } catch (IOException e) {
          // an object that breaks off must not pass for a complete delivery (a refresh would
          // replace the complete previous one): the delivery fails whole, nothing is committed
          lines.abort();
          dlq.abort();
          throw new UnreadableObject(
              o, BillingFileReader.cause(e) + " (after " + rowsOfObject + " rows)", e);
        }
        s.objectsRead++;
        progress("  %s: %,d rows", o.uri(), rowsOfObject);
      }
      Map<String, String> warnings = replacementWarnings(tables, d, slices);
      if (tables.ingestedKeys().containsAll(d.ingestionKeys())) {
        // committed meanwhile by a run this one could not lock out (an S3 warehouse)
        lines.abort();
        dlq.abort();
        progress("delivery %s: committed meanwhile by another run; skipped", d.id());
        committed = true;
        return;
      }
      if (spill != null) {
        // every object was read to its end: only now is anything published, so that a delivery
        // that fails publishes nothing. Published before the commit: a crash in between
        // publishes the same rows again on the next run, with the same delivery and row
        // identities, which consumers replace, not add
        spill.publish(producer);
      }
      beforeCommit.accept(d);
      List<Record> marker =
          deliveryRows(d, slices, deadLetters, amounts, ingestedAt, sha256, sameAs, warnings);
      tables.commit(d.id(), lines.finish(), dlq.finish(), marker);
      contents.committed(sha256, sameAs);
      s.warnings.addAll(warnings.values());
      warnings.values().forEach(w -> progress("%s", w));
      committed = true;
    } finally {
      if (!committed) {
        progress("delivery %s: not committed", d.id());
      }
    }
    s.amounts.add(amounts);
    Map<String, Object> delivery = new LinkedHashMap<>();
    delivery.put("delivery_id", d.id());
    delivery.put("source", d.source());
    delivery.put("objects", d.dataFiles().size() - sameAs.size());
    delivery.put("objects_same_content", sameAs.size());
    delivery.put("rows", s.rowsRead - rowsBefore);
    delivery.put("dead_letters", deadLetters);
    delivery.put("slices", List.copyOf(slices.keySet()));
    delivery.putAll(amounts.asMap());
    s.deliveries.add(delivery);
    progress(
        "delivery %s: %d objects, %,d rows, %,d dead letters, slices %s; %s",
        d.id(),
        d.dataFiles().size() - sameAs.size(),
        s.rowsRead - rowsBefore,
        deadLetters,
        slices.keySet(),
        amounts.describe());
  }

  private BillingFormat choose(BillingFormat detected) {
    return switch (options.format()) {
      case AUTO -> detected;
      case FOCUS -> detected == null ? BillingFormat.FOCUS_1_2 : detected.isCur() ? null : detected;
      case CUR2 -> detected == null ? BillingFormat.CUR_2_0 : detected.isCur() ? detected : null;
    };
  }

  private String formatDetail(List<String> columns) {
    BillingFormat detected = BillingFormat.detect(columns);
    String cols = String.join(",", columns);
    cols = cols.length() > 200 ? cols.substring(0, 197) + "..." : cols;
    return detected != null
        ? "the file is "
            + detected.id()
            + ", --format "
            + options.format().name().toLowerCase()
            + " was asked"
        : "columns are neither FOCUS nor AWS CUR: " + cols;
  }

  private static void add(Map<String, SliceTotals> slices, BillingLineItem b, Summary s) {
    SliceTotals t = slices.computeIfAbsent(b.billingAccountSlice, k -> new SliceTotals());
    t.account = b.billingAccountId;
    t.periodStart = b.billingPeriodStart;
    t.currency =
        t.currency == null || t.currency.equals(b.billingCurrency) ? b.billingCurrency : "mixed";
    t.rows++;
    BigDecimal billed = BillingTables.money(b.billedCost);
    BigDecimal effective = BillingTables.money(b.effectiveCost);
    t.billed = t.billed.add(billed);
    s.billedCost = s.billedCost.add(billed);
    if (effective != null) {
      t.effective = t.effective.add(effective);
      s.effectiveCost = s.effectiveCost.add(effective);
    }
    if ("Credit".equals(b.chargeCategory)) {
      t.credits = t.credits.add(billed);
      s.credits = s.credits.add(billed);
    }
    s.chargeKinds.computeIfAbsent(b.chargeKind, k -> new KindTotals()).add(billed);
    s.rowsIngested++;
  }

  private long dead(
      RecordAppender dlq,
      PublishSpill spill,
      Summary s,
      String reason,
      String detail,
      BillingObject o,
      long row,
      Delivery d,
      byte[] payload,
      BigDecimal amount,
      Amounts amounts)
      throws IOException {
    if (amount == null) {
      amounts.deadLettersWithoutAmount++;
    } else {
      amounts.deadLettered = amounts.deadLettered.add(BillingTables.money(amount));
    }
    String text = payload == null ? null : new String(payload, StandardCharsets.UTF_8);
    if (text != null && text.length() > 16 * 1024) {
      text = text.substring(0, 16 * 1024);
    }
    dlq.add(BillingTables.deadLetter(reason, detail, o.uri(), row, d.id(), text, amount));
    s.deadLetters.merge(reason, 1L, Long::sum);
    if (spill != null) {
      DeadLetter dl = new DeadLetter();
      dl.reason = reason;
      dl.detail = detail;
      dl.sourceTopic = o.uri();
      dl.sourceOffset = row;
      dl.key = d.id();
      dl.payload = text;
      dl.payloadTruncated = payload != null && payload.length > 16 * 1024;
      dl.failedAt = System.currentTimeMillis();
      spill.add(Topics.DLQ, o.uri().getBytes(StandardCharsets.UTF_8), OutputJson.deadLetter(dl));
    }
    if (s.deadLetters.values().stream().mapToLong(Long::longValue).sum() <= 5) {
      progress("  dead letter: %s#%d %s: %s", o.uri(), row, reason, detail);
    }
    return 1;
  }

  private static List<Record> deliveryRows(
      Delivery d,
      Map<String, SliceTotals> slices,
      long deadLetters,
      Amounts amounts,
      long ingestedAt,
      Map<String, String> sha256,
      Map<String, String> sameAs,
      Map<String, String> warnings) {
    List<Record> rows = new ArrayList<>();
    Map<String, String> objects = d.objectIdentities();
    int read = d.dataFiles().size() - sameAs.size();
    if (slices.isEmpty()) {
      rows.add(
          deliveryRow(d, null, new SliceTotals(), objects, read, deadLetters, amounts, ingestedAt));
    }
    slices.forEach(
        (slice, t) ->
            rows.add(deliveryRow(d, slice, t, objects, read, deadLetters, amounts, ingestedAt)));
    for (Record r : rows) {
      r.setField("object_sha256", sha256);
      Object slice = r.getField("slice");
      if (slice != null) {
        r.setField("warning", warnings.get(slice.toString()));
      }
    }
    return rows;
  }

  private static Record deliveryRow(
      Delivery d,
      String slice,
      SliceTotals t,
      Map<String, String> objects,
      int objectsRead,
      long deadLetters,
      Amounts amounts,
      long ingestedAt) {
    GenericRecord r = GenericRecord.create(TableSchemas.BILLING_DELIVERIES_SCHEMA);
    r.set(0, d.id());
    r.set(1, slice);
    r.set(2, t.account);
    r.set(3, slice == null ? null : BillingTables.ts(t.periodStart));
    r.set(4, BillingTables.ts(Math.max(0, d.deliveredAt())));
    r.set(5, BillingTables.ts(ingestedAt));
    r.set(6, d.source());
    r.set(7, null);
    r.set(8, objects);
    r.set(9, objectsRead);
    r.set(10, t.rows);
    r.set(11, deadLetters);
    r.set(12, BillingTables.money(t.billed));
    r.set(13, BillingTables.money(t.effective));
    r.set(14, BillingTables.money(t.credits));
    r.set(15, t.currency);
    // the delivery's own totals (all slices, and the dead letters, which have no slice)
    r.set(16, BillingTables.money(amounts.file));
    r.set(17, BillingTables.money(amounts.deadLettered));
    r.set(18, amounts.deadLettersWithoutAmount);
    r.set(19, BillingTables.money(amounts.ingested));
    return r;
  }

  /**
   * A delivery of loose files that becomes the current delivery of a slice with fewer rows or a
   * smaller absolute BilledCost than the delivery it replaces, or that is older than the current
   * one (so it is not shown): one line each. A month split over loose files delivered in separate
   * runs looks exactly like this; a manifest's refresh is taken as the whole month and not checked.
   */
  private static Map<String, String> replacementWarnings(
      BillingTables tables, Delivery d, Map<String, SliceTotals> slices) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (d.manifest() != null || slices.isEmpty()) {
      return out;
    }
    Map<String, BillingTables.CurrentSlice> current = tables.current(slices.keySet());
    slices.forEach(
        (slice, t) -> {
          BillingTables.CurrentSlice c = current.get(slice);
          if (c == null || c.deliveryId().equals(d.id())) {
            return;
          }
          String format;
          if (Math.max(0, d.deliveredAt()) < c.deliveredAt()) {
            format =
                "warning: slice %s: delivery %s (%d rows, BilledCost %s) is older than the current"
                    + " delivery %s (%d rows, %s) and does not replace it: it is kept in"
                    + " billing_line_items but not in billing_line_items_current";
          } else if (t.rows < c.rows() || t.billed.abs().compareTo(c.billedCost().abs()) < 0) {
            format =
                "warning: slice %s replaced by delivery %s with %d rows (BilledCost %s); the"
                    + " previous delivery %s had %d rows (%s): if the month is split over several"
                    + " files, deliver them together (one run) or with a manifest";
          } else {
            return;
          }
          out.put(
              slice,
              String.format(
                  format,
                  slice,
                  d.id(),
                  t.rows,
                  Amounts.plain(t.billed),
                  c.deliveryId(),
                  c.rows(),
                  Amounts.plain(c.billedCost())));
        });
    return out;
  }

  /**
   * The SHA-256 of objects' bytes, read once per run, and which content is already ingested: a
   * loose file with the content of an ingested object (a copy, a symlink) is not read again.
   */
  private static final class Contents {
    private final ObjectStore store;
    private final Map<String, String> uriBySha256;
    private final Map<String, String> byUri = new HashMap<>();
    long bytes;
    long nanos;

    Contents(ObjectStore store, Map<String, String> committed) {
      this.store = store;
      this.uriBySha256 = new HashMap<>(committed);
    }

    /** URI -> SHA-256 of each object. */
    Map<String, String> of(List<BillingObject> objects) throws IOException {
      Map<String, String> out = new LinkedHashMap<>();
      for (BillingObject o : objects) {
        String sha = byUri.get(o.uri());
        if (sha == null) {
          long t = System.nanoTime();
          sha = store.sha256(o);
          nanos += System.nanoTime() - t;
          bytes += o.size();
          byUri.put(o.uri(), sha);
        }
        out.put(o.uri(), sha);
      }
      return out;
    }

    /**
     * The loose files of {@code d} whose content is already ingested (under another name, or under
     * this one with another mtime), or is that of an earlier file of {@code d}, each with the URI
     * that has it. A manifest's files are all read: a refresh may repeat a file of the previous
     * refresh byte for byte, and it restates the whole month.
     */
    Map<String, String> copies(Delivery d, Map<String, String> sha256) {
      Map<String, String> out = new LinkedHashMap<>();
      if (d.manifest() != null) {
        return out;
      }
      Map<String, String> seen = new HashMap<>(uriBySha256);
      sha256.forEach(
          (uri, sha) -> {
            String first = seen.putIfAbsent(sha, uri);
            if (first != null) { // a copy, or this file again with a new mtime
              out.put(uri, first);
            }
          });
      return out;
    }

    void committed(Map<String, String> sha256, Map<String, String> sameAs) {
      sha256.forEach(
          (uri, sha) -> {
            if (!sameAs.containsKey(uri)) {
              uriBySha256.putIfAbsent(sha, uri);
            }
          });
    }
  }

  private void progress(String fmt, Object... args) {
    if (options.progress() != null) {
      options.progress().accept(String.format(fmt, args));
    }
  }

  /** Rows and BilledCost of one charge kind. */
  public static final class KindTotals {
    public long rows;
    public BigDecimal billed = BigDecimal.ZERO;

    void add(BigDecimal amount) {
      rows++;
      billed = billed.add(amount);
    }
  }

  /** What a run did; {@link #describe} for people, the fields (as JSON) for scripts. */
  public static final class Summary {
    public String source;
    public int objectsListed;
    public int objectsRead;
    public int alreadyIngested;
    public int ignoredObjects;
    public List<String> incomplete = List.of();

    /**
     * Objects that could not be read to their end ({@code object}, {@code delivery_id}, {@code
     * cause}): their deliveries were not committed.
     */
    public List<Map<String, String>> failed = new ArrayList<>();

    public List<Map<String, Object>> deliveries = new ArrayList<>();

    /**
     * Loose files not read because their content (SHA-256) is that of an object already ingested or
     * of another file of the run ({@code object}, {@code same_as}, {@code sha256}).
     */
    public List<Map<String, String>> sameContent = new ArrayList<>();

    /** Slices replaced by loose files with fewer rows or a smaller total, one line each. */
    public List<String> warnings = new ArrayList<>();

    /** Bytes read to hash the new objects, and how long that took. */
    public long bytesHashed;

    public double hashSeconds;

    public long rowsRead;
    public long rowsIngested;
    public Map<String, Long> deadLetters = new TreeMap<>();
    public BigDecimal billedCost = BigDecimal.ZERO;
    public BigDecimal effectiveCost = BigDecimal.ZERO;
    public BigDecimal credits = BigDecimal.ZERO;

    /** File, ingested and dead-lettered amounts of every delivery of the run. */
    public Amounts amounts = new Amounts();

    /** Rows and BilledCost by {@code x_ChargeKind}. */
    public Map<String, KindTotals> chargeKinds = new TreeMap<>();

    public double seconds;
    public String deadLetterTable;
    public String deadLetterTopic;

    void merge(Summary part) {
      objectsRead += part.objectsRead;
      deliveries.addAll(part.deliveries);
      sameContent.addAll(part.sameContent);
      warnings.addAll(part.warnings);
      rowsRead += part.rowsRead;
      rowsIngested += part.rowsIngested;
      part.deadLetters.forEach((k, v) -> deadLetters.merge(k, v, Long::sum));
      billedCost = billedCost.add(part.billedCost);
      effectiveCost = effectiveCost.add(part.effectiveCost);
      credits = credits.add(part.credits);
      amounts.add(part.amounts);
      part.chargeKinds.forEach(
          (k, v) -> {
            KindTotals t = chargeKinds.computeIfAbsent(k, x -> new KindTotals());
            t.rows += v.rows;
            t.billed = t.billed.add(v.billed);
          });
    }

    public long deadLetterCount() {
      return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    public double rowsPerSecond() {
      return seconds > 0 ? rowsRead / seconds : 0;
    }

    public Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", source);
      m.put("objects_listed", objectsListed);
      m.put("objects_read", objectsRead);
      m.put("objects_already_ingested", alreadyIngested);
      m.put("objects_ignored", ignoredObjects);
      m.put("deliveries_incomplete", incomplete);
      m.put("objects_failed", failed);
      m.put("deliveries", deliveries);
      m.put("objects_same_content", sameContent);
      m.put("warnings", warnings);
      m.put("bytes_hashed", bytesHashed);
      m.put("hash_seconds", Math.round(hashSeconds * 1000) / 1000.0);
      m.put("rows_read", rowsRead);
      m.put("rows_ingested", rowsIngested);
      m.put("dead_letters", deadLetters);
      m.put("billed_cost", billedCost.stripTrailingZeros().toPlainString());
      m.put("effective_cost", effectiveCost.stripTrailingZeros().toPlainString());
      m.put("credits", credits.stripTrailingZeros().toPlainString());
      m.put("amounts", amounts.asMap());
      Map<String, Object> kinds = new LinkedHashMap<>();
      chargeKinds.forEach(
          (k, v) ->
              kinds.put(
                  k,
                  Map.of(
                      "rows",
                      v.rows,
                      "billed_cost",
                      v.billed.stripTrailingZeros().toPlainString())));
      m.put("charge_kinds", kinds);
      m.put("seconds", Math.round(seconds * 1000) / 1000.0);
      m.put("rows_per_second", Math.round(rowsPerSecond()));
      m.put("dead_letter_table", deadLetterTable);
      m.put("dead_letter_topic", deadLetterTopic);
      return m;
    }

    public String describe() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              "ingested %d deliveries from %s: %d objects read (%d listed, %d already ingested, %d"
                  + " not billing files)%n",
              deliveries.size(),
              source,
              objectsRead,
              objectsListed,
              alreadyIngested,
              ignoredObjects));
      sb.append(
          String.format(
              "rows: %,d read, %,d ingested, %,d dead letters%s%n",
              rowsRead,
              rowsIngested,
              deadLetterCount(),
              deadLetterCount() == 0 ? "" : " " + deadLetters));
      sb.append(
          String.format(
              "BilledCost %s, EffectiveCost %s, of which credits %s%n",
              billedCost.setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString(),
              effectiveCost.setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString(),
              credits.setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString()));
      sb.append(amounts.describe()).append(System.lineSeparator());
      if (!chargeKinds.isEmpty()) {
        StringBuilder k = new StringBuilder("by x_ChargeKind:");
        chargeKinds.forEach(
            (kind, t) ->
                k.append(
                    String.format(
                        " %s %,d rows %s;",
                        kind,
                        t.rows,
                        t.billed.setScale(2, RoundingMode.HALF_EVEN).toPlainString())));
        sb.append(k, 0, k.length() - 1).append(System.lineSeparator());
      }
      if (deadLetterCount() > 0) {
        sb.append(
            String.format(
                "dead letters are in the table %s%s (reason, detail, source_object#source_row,"
                    + " payload)%n",
                deadLetterTable, deadLetterTopic != null ? " and on " + deadLetterTopic : ""));
      }
      if (!sameContent.isEmpty()) {
        sb.append(
            String.format(
                "not read, the same content as an object already ingested: %d file(s)%n",
                sameContent.size()));
      }
      for (String w : warnings) {
        sb.append(w).append(System.lineSeparator());
      }
      if (!incomplete.isEmpty()) {
        sb.append(String.format("left for the next run (incomplete): %s%n", incomplete));
      }
      if (!failed.isEmpty()) {
        sb.append(
            String.format(
                "NOT COMMITTED: %d delivery(ies) with an object that cannot be read to its end"
                    + " (see stderr); their previous deliveries stay current%n",
                failed.stream().map(f -> f.get("delivery_id")).distinct().count()));
      }
      sb.append(String.format("%.1f s, %,.0f rows/s", seconds, rowsPerSecond()));
      return sb.toString();
    }
  }
}
