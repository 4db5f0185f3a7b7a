package io.burnrate.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.connectors.billing.BillingIngest;
import io.burnrate.connectors.billing.S3Settings;
import io.burnrate.connectors.billing.WarehouseLock;
import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.tools.demo.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./burnrate ingest-billing}: backfills billing export files into the warehouse. */
@Command(
    name = "ingest-billing",
    mixinStandardHelpOptions = true,
    description = {
      "Backfills billing files (FinOps FOCUS 1.2/1.3 or AWS CUR 2.0; CSV, CSV.gz or Parquet) from"
          + " a folder or s3://bucket/prefix into the Iceberg tables billing_line_items,"
          + " billing_deliveries and billing_dead_letters, one commit per delivery. An AWS Data"
          + " Exports layout (data/ + metadata/BILLING_PERIOD=YYYY-MM/*Manifest.json) is read"
          + " delivery by delivery; a newer delivery replaces the (account, month) it restates."
          + " Objects already ingested (same key and ETag, or size and mtime) are skipped."
          + " An object that cannot be read to its end (truncated gzip, broken quoting) fails"
          + " its delivery, which is not committed (nothing of it is published); the command then"
          + " exits 1. A loose file with the bytes of an object already ingested (a copy, a"
          + " symlink) is skipped. One ingest per warehouse at a time: a second one exits 3.",
      "Query the latest deliveries: ./burnrate sql --warehouse DIR"
          + " \"SELECT ... FROM billing_line_items_current\" (docs/billing.md)."
    })
public final class IngestBillingCommand implements Callable<Integer> {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "DIR|s3://bucket/prefix",
      description = "Where the billing files are.")
  String from;

  @Option(
      names = "--warehouse",
      required = true,
      description = "Warehouse folder (a 'hadoop' catalog) or data location for --catalog-uri.")
  Path warehouse;

  @Option(
      names = {"--catalog-uri", "--catalog"},
      description = "JDBC catalog URI (e.g. jdbc:sqlite:FILE); default: the warehouse is a folder.")
  String catalogUri;

  @Option(
      names = "--format",
      defaultValue = "auto",
      description = "auto (by each file's columns), focus or cur2 (default ${DEFAULT-VALUE}).")
  BillingIngest.FormatChoice format;

  @Option(
      names = "--to-topic",
      description =
          "Also publish each usable row (FOCUS JSON) to burnrate.billing.focus and"
              + " each dead letter to burnrate.dlq.")
  boolean toTopic;

  @Option(names = "--bootstrap-servers", description = "Kafka, for --to-topic.")
  String bootstrap;

  @Option(names = "--json", description = "Print the summary as one JSON line on stdout.")
  boolean json;

  @Option(names = "--s3-endpoint", description = "S3-compatible endpoint URL (path-style access).")
  String s3Endpoint;

  @Option(names = "--s3-region", description = "S3 region (default: AWS_REGION or us-east-1).")
  String s3Region;

  @Option(
      names = "--s3-path-style",
      description = "Path-style bucket access (implied by --s3-endpoint).")
  boolean s3PathStyle;

  @Option(
      names = "--s3-access-key",
      description = "Access key id; default: the AWS SDK's credential chain (env, profile, role).")
  String s3AccessKey;

  @Option(
      names = "--s3-secret-key-env",
      defaultValue = "BURNRATE_S3_SECRET_KEY",
      description =
          "Environment variable holding the secret key for --s3-access-key"
              + " (default ${DEFAULT-VALUE}).")
  String s3SecretEnv;

  @Option(
      names = "--tmp-dir",
      description = "Where Parquet objects are copied to be read (default: the system's).")
  Path tmpDir;

  @Override
  public Integer call() throws Exception {
    if (toTopic && (bootstrap == null || bootstrap.isBlank())) {
      System.err.println("burnrate ingest-billing: --to-topic needs --bootstrap-servers");
      return 2;
    }
    CatalogConfig catalog = catalog(warehouse, catalogUri);
    Properties kafka = null;
    if (toTopic) {
      kafka = new Properties();
      kafka.setProperty("bootstrap.servers", bootstrap);
      EmbeddedKafka.createTopics(kafka, 4);
    }
    String secret = s3AccessKey == null ? null : System.getenv(s3SecretEnv);
    if (s3AccessKey != null && secret == null) {
      System.err.println(
          "burnrate ingest-billing: --s3-access-key needs the secret in $" + s3SecretEnv);
      return 2;
    }
    S3Settings s3 = new S3Settings(s3Endpoint, s3Region, s3PathStyle, s3AccessKey, secret);
    Path tmp = tmpDir != null ? tmpDir : Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmp);
    BillingIngest.Summary s;
    try {
      s =
          new BillingIngest(
                  new BillingIngest.Options(
                      from, catalog, format, s3, kafka, tmp, System.err::println))
              .run();
    } catch (WarehouseLock.Busy e) {
      System.err.println("burnrate ingest-billing: " + e.getMessage());
      return 3;
    } catch (java.io.IOException e) {
      System.err.println("burnrate ingest-billing: " + e.getMessage());
      return 2;
    }
    if (json) {
      System.err.println(s.describe());
      System.out.println(new ObjectMapper().writeValueAsString(s.asMap()));
    } else {
      System.out.println(s.describe());
    }
    // one line per object that could not be read to its end: its delivery was not committed
    for (Map<String, String> f : s.failed) {
      System.err.println(
          "burnrate ingest-billing: cannot read "
              + f.get("object")
              + ": "
              + f.get("cause")
              + "; delivery "
              + f.get("delivery_id")
              + " not committed");
    }
    return s.failed.isEmpty() ? 0 : 1;
  }

  /** A folder catalog in {@code warehouse}, or a JDBC catalog with its data there. */
  static CatalogConfig catalog(Path warehouse, String catalogUri) {
    return catalogUri == null
        ? CatalogConfig.hadoop(warehouse)
        : new CatalogConfig(
            CatalogConfig.DEFAULT_NAME,
            CatalogConfig.Type.JDBC,
            warehouse.toAbsolutePath().toUri().toString(),
            catalogUri,
            Map.of());
  }

  /** For tests: the command's exit code with these arguments. */
  public static int run(String... args) {
    return new CommandLine(new IngestBillingCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }
}
