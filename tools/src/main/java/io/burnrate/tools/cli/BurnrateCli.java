package io.burnrate.tools.cli;

import io.burnrate.connectors.iceberg.CatalogConfig;
import io.burnrate.jobs.anomalies.DetectorConfig;
import io.burnrate.jobs.config.BurnrateOptions;
import io.burnrate.jobs.config.CatalogOptions;
import io.burnrate.jobs.config.RunConfig;
import io.burnrate.tools.backtest.Backtest;
import io.burnrate.tools.bench.Benchmark;
import io.burnrate.tools.demo.DemoRunner;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.demo.SqlRunner;
import io.burnrate.tools.simulator.FleetSimulator;
import io.burnrate.tools.simulator.SimulatorPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./burnrate}: the command line of Burnrate. */
@Command(
    name = "burnrate",
    mixinStandardHelpOptions = true,
    version = "burnrate 0.1.0",
    description = "Streaming cost analytics for GPU fleets on Apache Flink.",
    subcommands = {
      BurnrateCli.Demo.class,
      BurnrateCli.Sql.class,
      BurnrateCli.Simulate.class,
      BurnrateCli.Bench.class,
      BurnrateCli.BacktestCommand.class,
      IngestBilling.class,
      Run.class,
      Publish.class,
      CommandLine.HelpCommand.class
    })
public final class BurnrateCli implements Callable<Integer> {

  public static void main(String[] args) {
    int code =
        new CommandLine(new BurnrateCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the whole pipeline locally: a real Kafka broker (KRaft) on loopback, the analytics job"
            + " on a Flink MiniCluster with web UI, a local Iceberg warehouse, and the fleet simulator"
            + " with injected incidents. Prints a live view, stops by itself, then runs SQL over the"
            + " warehouse."
      })
  static final class Demo implements Callable<Integer> {
    @Option(
        names = "--minutes",
        defaultValue = "3",
        description = "Wall-clock minutes to run (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(
        names = "--speedup",
        defaultValue = "60",
        description = "Simulated seconds per wall second (default ${DEFAULT-VALUE}).")
    double speedup;

    @Option(
        names = "--nodes",
        defaultValue = "12",
        description = "GPU nodes in the simulated fleet (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(
        names = "--seed",
        defaultValue = "42",
        description = "Simulator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--dir",
        defaultValue = "burnrate-demo",
        description =
            "Working folder: broker data, checkpoints, warehouse (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
        names = "--parallelism",
        defaultValue = "2",
        description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--no-web-ui", description = "Do not start the Flink web UI.")
    boolean noWebUi;

    @Option(
        names = "--status-every",
        defaultValue = "10",
        description = "Seconds between live-view prints (default ${DEFAULT-VALUE}).")
    int statusEvery;

    @Option(
        names = "--rate-card",
        description =
            "A CSV rate card whose rows replace or add to the bundled one (docs/rate-card.md).")
    Path rateCard;

    @Override
    public Integer call() throws Exception {
      if (minutes <= 0 || speedup <= 0 || nodes < 1 || parallelism < 1) {
        throw new CommandLine.ParameterException(
            new CommandLine(this),
            "--minutes, --speedup, --nodes and --parallelism must be positive");
      }
      new DemoRunner(
              new DemoRunner.Options(
                  dir,
                  Duration.ofMillis((long) (minutes * 60_000)),
                  speedup,
                  nodes,
                  seed,
                  parallelism,
                  !noWebUi,
                  Duration.ofSeconds(Math.max(1, statusEvery)),
                  rateCard),
              System.out)
          .run();
      return 0;
    }
  }

  @Command(
      name = "sql",
      mixinStandardHelpOptions = true,
      description =
          "Runs a SQL query over an Iceberg warehouse written by the demo or the job; tables of the"
              + " 'burnrate' namespace can be named bare (workload_windows, cost_allocations).")
  static final class Sql implements Callable<Integer> {
    @Option(
        names = "--warehouse",
        description =
            "Warehouse folder (a 'hadoop' catalog), or the data location for --catalog-uri;"
                + " overrides iceberg.warehouse of --config.")
    String warehouse;

    @Option(
        names = "--catalog-uri",
        description =
            "JDBC catalog URI (e.g. jdbc:sqlite:FILE); default: the warehouse is a folder catalog.")
    String catalogUri;

    @Option(
        names = "--config",
        description =
            "The job's YAML configuration: its iceberg.* keys name the catalog (jdbc on"
                + " PostgreSQL, rest, s3:// warehouses; docs/deployment.md).")
    Path config;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "An iceberg.* option over --config, e.g. --set iceberg.catalog-type=rest.")
    List<String> sets = new java.util.ArrayList<>();

    @Option(names = "--json", description = "Print rows as JSON lines instead of a table.")
    boolean json;

    @Option(
        names = "--shared-cost",
        defaultValue = "weighted",
        description =
            "How the view shared_cost_allocation distributes shared cost over teams: weighted (by"
                + " GPU cost), even, or none (default: ${DEFAULT-VALUE}).")
    String sharedCost;

    @Option(
        names = "--sites",
        description =
            "The owned sites file (onprem.sites-file) for the view site_payback (docs/onprem.md).")
    Path sitesFile;

    @Option(
        names = "--statements",
        paramLabel = "FILE",
        description =
            "Runs the statements of FILE ('-': standard input, answered one by one as they"
                + " arrive) in one session; a statement ends at a line that ends with ';'. Prints"
                + " one JSON line per statement: {\"statement\": N, \"columns\": [...],"
                + " \"rows\": [{...}]}, or {\"statement\": N, \"error\": \"...\"} and goes on;"
                + " exits with 1 if any failed.")
    String statements;

    @Parameters(paramLabel = "QUERY", arity = "0..1", description = "The SQL statement.")
    String query;

    /** The catalog of --config and --set, with --warehouse and --catalog-uri over them. */
    CatalogConfig catalog() {
      org.apache.flink.configuration.Configuration conf = RunConfig.load(config, sets);
      if (warehouse != null) {
        conf.set(BurnrateOptions.ICEBERG_WAREHOUSE, warehouse);
      }
      if (catalogUri != null) {
        conf.set(BurnrateOptions.ICEBERG_URI, catalogUri);
        if (!conf.contains(BurnrateOptions.ICEBERG_CATALOG_TYPE)) {
          conf.set(BurnrateOptions.ICEBERG_CATALOG_TYPE, "jdbc");
        }
      }
      return CatalogOptions.from(conf);
    }

    @Override
    public Integer call() throws Exception {
      if ((query == null) == (statements == null)) {
        System.err.println("burnrate sql: give a QUERY or --statements FILE (not both)");
        return 2;
      }
      CatalogConfig catalog;
      try {
        catalog = catalog();
      } catch (IllegalArgumentException e) {
        System.err.println("burnrate sql: " + e.getMessage());
        return 2;
      }
      if (catalog == null) {
        System.err.println("burnrate sql: no warehouse: give --warehouse DIR or --config FILE");
        return 2;
      }
      if (catalog.type() == CatalogConfig.Type.HADOOP
          && catalog.warehouse().startsWith("file:")
          && !Files.isDirectory(Path.of(java.net.URI.create(catalog.warehouse())))) {
        System.err.println(
            "burnrate sql: warehouse "
                + catalog.warehouse()
                + " is not a folder (run ./burnrate demo first)");
        return 2;
      }
      io.burnrate.jobs.allocation.SharedCost.Policy policy;
      try {
        policy = io.burnrate.jobs.allocation.SharedCost.Policy.parse(sharedCost);
      } catch (IllegalArgumentException e) {
        System.err.println("burnrate sql: --shared-cost: " + e.getMessage());
        return 2;
      }
      io.burnrate.jobs.onprem.Sites sites = io.burnrate.jobs.onprem.Sites.none();
      if (sitesFile != null) {
        try {
          sites = io.burnrate.jobs.onprem.Sites.fromFile(sitesFile);
        } catch (IllegalArgumentException e) {
          System.err.println("burnrate sql: --sites: " + e.getMessage());
          return 2;
        }
      }
      SqlRunner opened;
      try {
        opened = new SqlRunner(catalog, policy, sites);
      } catch (RuntimeException e) {
        // the catalog is unreachable or refuses us (no stack trace; no secret is in the message)
        Throwable root = rootCause(e);
        System.err.println(
            "burnrate sql: cannot open the catalog " + catalog + ": " + root.getMessage());
        return 2;
      }
      try (SqlRunner sql = opened) {
        if (statements != null) {
          return runStatements(sql);
        } else if (!json) {
          sql.print(query);
        } else {
          SqlRunner.Result r = sql.query(query);
          for (org.apache.flink.types.Row row : r.rows()) {
            System.out.println(JSON.writeValueAsString(jsonRow(r.columns(), row)));
          }
        }
      } catch (org.apache.flink.table.api.ValidationException
          | org.apache.flink.table.api.SqlParserException e) {
        Throwable root = rootCause(e);
        System.err.println("burnrate sql: " + root.getMessage());
        System.err.println(
            "burnrate sql: tables of the 'burnrate' database: workload_windows, cost_allocations,"
                + " billing_line_items, billing_line_items_current (SHOW TABLES lists them)");
        return 2;
      }
      return 0;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
        new com.fasterxml.jackson.databind.ObjectMapper();

    /** Runs every statement of {@link #statements}, each answered on one JSON line. */
    private int runStatements(SqlRunner sql) throws java.io.IOException {
      java.io.Reader in =
          statements.equals("-")
              ? new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)
              : Files.newBufferedReader(Path.of(statements));
      int failed = 0;
      try (in) {
        io.burnrate.tools.demo.SqlScript script = new io.burnrate.tools.demo.SqlScript(in);
        int n = 0;
        for (String s = script.next(); s != null; s = script.next()) {
          Map<String, Object> answer = new java.util.LinkedHashMap<>();
          answer.put("statement", ++n);
          try {
            SqlRunner.Result r = sql.query(s);
            List<Map<String, Object>> rows = new java.util.ArrayList<>();
            for (org.apache.flink.types.Row row : r.rows()) {
              rows.add(jsonRow(r.columns(), row));
            }
            answer.put("columns", r.columns());
            answer.put("rows", rows);
          } catch (Exception e) {
            answer.put("error", String.valueOf(rootCause(e).getMessage()));
            failed++;
          }
          System.out.println(JSON.writeValueAsString(answer));
          System.out.flush();
        }
      }
      return failed == 0 ? 0 : 1;
    }

    private static Throwable rootCause(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return root;
    }

    /** A row as a JSON object: numbers, booleans, nulls and arrays as they are, else text. */
    private static Map<String, Object> jsonRow(
        List<String> columns, org.apache.flink.types.Row row) {
      Map<String, Object> o = new java.util.LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        Object v = row.getField(i);
        boolean plain =
            v == null || v instanceof Number || v instanceof Boolean || v instanceof Object[];
        o.put(columns.get(i), plain ? v : v.toString());
      }
      return o;
    }
  }

  @Command(
      name = "simulate",
      mixinStandardHelpOptions = true,
      description =
          "Publishes the fleet simulator to a Kafka cluster (creates the topics if missing), or"
              + " with --output-dir writes it as NDJSON files, one per topic, for ./burnrate"
              + " publish.")
  static final class Simulate implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", description = "Kafka to publish to.")
    String bootstrap;

    @Option(
        names = "--output-dir",
        description =
            "Write <topic>.ndjson files into this folder instead of publishing (./burnrate"
                + " publish DIR publishes the same records).")
    Path outputDir;

    @Option(names = "--gzip", description = "With --output-dir: write <topic>.ndjson.gz.")
    boolean gzip;

    @Option(
        names = "--hours",
        defaultValue = "1",
        description = "Simulated hours (default ${DEFAULT-VALUE}).")
    double hours;

    @Option(
        names = "--speedup",
        defaultValue = "0",
        description = "Simulated seconds per wall second; 0 = as fast as possible (default).")
    double speedup;

    @Option(
        names = "--rate",
        defaultValue = "0",
        description = "Maximum events per second; 0 = no limit (default).")
    double rate;

    @Option(names = "--nodes", defaultValue = "12")
    int nodes;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(
        names = "--start",
        description = "Simulated start (ISO-8601); default: now minus --hours, on the hour.")
    Instant start;

    @Option(
        names = "--partitions",
        defaultValue = "4",
        description = "Partitions of topics it creates.")
    int partitions;

    @Override
    public Integer call() throws Exception {
      Duration span = Duration.ofSeconds((long) (hours * 3600));
      Instant s =
          start != null
              ? start
              : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(span);
      if ((bootstrap == null) == (outputDir == null)) {
        System.err.println("burnrate simulate: give --bootstrap-servers or --output-dir (one)");
        return 2;
      }
      FleetSimulator sim =
          new FleetSimulator(
              new FleetSimulator.Config(
                  seed, s, span, nodes, "sim-cluster", Duration.ofSeconds(10), true));
      if (outputDir != null) {
        long t0 = System.nanoTime();
        Map<String, Long> n = io.burnrate.tools.simulator.NdjsonWriter.write(sim, outputDir, gzip);
        System.out.printf(
            "wrote %,d records (%s to %s) to %s in %.1fs: %s%n",
            n.values().stream().mapToLong(Long::longValue).sum(),
            s,
            s.plus(span),
            outputDir,
            (System.nanoTime() - t0) / 1e9,
            n);
        return 0;
      }
      Properties p = new Properties();
      p.setProperty("bootstrap.servers", bootstrap);
      EmbeddedKafka.createTopics(p, partitions);
      long t0 = System.nanoTime();
      try (SimulatorPublisher pub = new SimulatorPublisher(p)) {
        long[] lastPrint = {System.nanoTime()};
        long n =
            pub.publish(
                sim,
                speedup,
                rate,
                simNow -> {
                  if (System.nanoTime() - lastPrint[0] > 5_000_000_000L) {
                    lastPrint[0] = System.nanoTime();
                    System.out.printf(
                        "simulated %s, %,d records%n",
                        Instant.ofEpochMilli(simNow), pub.published());
                  }
                });
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "published %,d records (%s to %s) in %.1fs (%,.0f records/s)%n",
            n, s, s.plus(span), secs, n / secs);
      }
      return 0;
    }
  }

  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description =
          "Measures end-to-end throughput of the analytics job through Kafka against the bare"
              + " consume-and-parse ceiling of the same events on the same machine.")
  static final class Bench implements Callable<Integer> {
    @Option(
        names = "--hours",
        defaultValue = "4",
        description = "Simulated hours of load (default ${DEFAULT-VALUE}).")
    double hours;

    @Option(
        names = "--nodes",
        defaultValue = "96",
        description = "Simulated GPU nodes (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--parallelism", defaultValue = "2")
    int parallelism;

    @Option(names = "--dir", defaultValue = "target/bench")
    Path dir;

    @Option(names = "--json", description = "Also print the result as one JSON line.")
    boolean json;

    @Option(
        names = "--alert-latency",
        description =
            "Measure alert latency instead: the simulator in real time (event time = now), p50/p99"
                + " of receive time (read_committed) - window end of memory-pressure alerts.")
    boolean alertLatency;

    @Option(
        names = "--minutes",
        defaultValue = "5",
        description = "With --alert-latency: real minutes of load (default ${DEFAULT-VALUE}).")
    int minutes;

    @Option(
        names = "--scrape",
        defaultValue = "1s",
        description = "With --alert-latency: scrape interval (default ${DEFAULT-VALUE}).")
    String scrape;

    @Option(
        names = "--out-of-orderness",
        defaultValue = "20s",
        description = "With --alert-latency: time.max-out-of-orderness (default ${DEFAULT-VALUE}).")
    String outOfOrderness;

    @Option(
        names = "--checkpoint",
        defaultValue = "1s",
        description = "Checkpoint interval of the job (default ${DEFAULT-VALUE}).")
    String checkpoint;

    @Option(
        names = "--iceberg",
        description =
            "Also land the history in an Iceberg folder warehouse and report rows per second and"
                + " data files per commit.")
    boolean iceberg;

    @Option(
        names = "--alert-delivery",
        defaultValue = "exactly-once",
        description =
            "With --alert-latency: alerts.delivery, exactly-once or at-least-once (default"
                + " ${DEFAULT-VALUE}).")
    String alertDelivery;

    @Override
    public Integer call() throws Exception {
      if (alertLatency) {
        if (!alertDelivery.equals("at-least-once") && !alertDelivery.equals("exactly-once")) {
          throw new picocli.CommandLine.ParameterException(
              new picocli.CommandLine(this),
              "--alert-delivery: must be 'exactly-once' or 'at-least-once', got '"
                  + alertDelivery
                  + "'");
        }
        new io.burnrate.tools.bench.AlertLatencyBench(
                dir,
                Duration.ofMinutes(minutes),
                nodes,
                org.apache.flink.util.TimeUtils.parseDuration(scrape),
                org.apache.flink.util.TimeUtils.parseDuration(outOfOrderness),
                org.apache.flink.util.TimeUtils.parseDuration(checkpoint),
                parallelism,
                alertDelivery.equals("at-least-once"),
                json,
                System.out)
            .run();
        return 0;
      }
      new Benchmark(
              dir,
              hours,
              nodes,
              parallelism,
              org.apache.flink.util.TimeUtils.parseDuration(checkpoint),
              json,
              System.out)
          .withIceberg(iceberg)
          .run();
      return 0;
    }
  }

  @Command(
      name = "backtest",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the production anomaly detector over a recorded series: a CSV with a 'timestamp'"
            + " column (ISO-8601, 'yyyy-MM-dd HH:mm:ss' or epoch seconds/millis) and a 'value'"
            + " column at any, possibly irregular, interval. Writes timestamp,value,anomaly_score,"
            + "alert (plus expected_low,expected_high,reason unless --no-explain).",
        "Choosing a threshold: docs/anomaly-detection.md."
      })
  static final class BacktestCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "Input CSV.")
    Path input;

    @Option(names = "--output", required = true, description = "Output CSV.")
    Path output;

    @Option(
        names = "--threshold",
        description = "Alert threshold on the score, in (0, 1) (default: the detector's, 0.8).")
    Double threshold;

    @Option(
        names = "--warmup",
        description = "Points before the detector may alert (default: the detector's, 100).")
    Integer warmup;

    @Option(
        names = "--zone",
        defaultValue = "UTC",
        description =
            "Time zone of the daily and weekly rhythms, and of timestamps without an offset"
                + " (default ${DEFAULT-VALUE}).")
    String zone;

    @Option(names = "--no-explain", description = "Write only the four required columns.")
    boolean noExplain;

    @Option(names = "--json", description = "Print the summary as one JSON line on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      DetectorConfig cfg = DetectorConfig.defaults().withZone(zone);
      if (threshold != null) {
        cfg = cfg.withAlertThreshold(threshold);
      }
      if (warmup != null) {
        cfg = cfg.withWarmupPoints(warmup);
      }
      Backtest.Summary s;
      try {
        s = Backtest.run(input, output, cfg, !noExplain);
      } catch (Backtest.BacktestException e) {
        System.err.println("burnrate backtest: " + input + ": " + e.getMessage());
        return 2;
      } catch (java.nio.file.NoSuchFileException e) {
        System.err.println("burnrate backtest: no such file: " + e.getFile());
        return 2;
      }
      System.err.println(s.describe());
      if (json) {
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s));
      }
      return 0;
    }
  }
}
