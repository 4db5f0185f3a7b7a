package io.burnrate.engines.spark;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Asks Spark SQL (local mode, Iceberg's Spark runtime) the questions of a request file over an
 * Iceberg catalog, and writes the answers as JSON.
 *
 * <pre>
 * java --add-opens ... -cp CLASSES:$(cat target/spark-classpath.txt) \
 *     io.burnrate.engines.spark.SparkQueries REQUEST.json ANSWERS.json
 * </pre>
 *
 * <p>The request: {@code {"catalog": NAME, "namespace": NS, "properties": {Iceberg catalog
 * properties}, "views": {name: SQL}, "queries": {name: SQL}}}. The catalog is registered as {@code
 * spark.sql.catalog.NAME} (the same name the writer used: a JDBC catalog scopes tables by it) and
 * made current with its namespace, so tables are named bare; views are temporary views. The
 * answers: {@code {name: {"columns": [...], "rows": [[...], ...], "millis": N}}}, decimals written
 * exactly, plus {@code "session_millis"}. The request may hold credentials (JDBC password): they
 * are given to the catalog and printed nowhere.
 */
public final class SparkQueries {
  private SparkQueries() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: SparkQueries REQUEST.json ANSWERS.json");
      System.exit(2);
    }
    ObjectMapper json = new ObjectMapper();
    json.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    JsonNode request = json.readTree(Files.readAllBytes(Path.of(args[0])));
    String catalog = request.get("catalog").asText();
    long t0 = System.nanoTime();
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("burnrate-second-engine")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config("spark.sql.catalog." + catalog, "org.apache.iceberg.spark.SparkCatalog")
            .config("spark.sql.defaultCatalog", catalog);
    for (Iterator<Map.Entry<String, JsonNode>> it = request.get("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      b.config("spark.sql.catalog." + catalog + "." + p.getKey(), p.getValue().asText());
    }
    ObjectNode answers = json.createObjectNode();
    try (SparkSession spark = b.getOrCreate()) {
      spark.sparkContext().setLogLevel("WARN");
      spark.sql("USE " + catalog + "." + request.get("namespace").asText());
      answers.put("session_millis", (System.nanoTime() - t0) / 1_000_000);
      for (Iterator<Map.Entry<String, JsonNode>> it = request.path("views").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> v = it.next();
        spark.sql(
            "CREATE OR REPLACE TEMPORARY VIEW " + v.getKey() + " AS " + v.getValue().asText());
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = request.get("queries").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> q = it.next();
        long q0 = System.nanoTime();
        Dataset<Row> result = spark.sql(q.getValue().asText());
        List<Row> rows = result.collectAsList();
        ObjectNode answer = answers.putObject(q.getKey());
        ArrayNode columns = answer.putArray("columns");
        for (String c : result.columns()) {
          columns.add(c);
        }
        ArrayNode out = answer.putArray("rows");
        for (Row r : rows) {
          ArrayNode row = out.addArray();
          for (int i = 0; i < r.length(); i++) {
            Object v = r.get(i);
            if (v == null) {
              row.addNull();
            } else if (v instanceof BigDecimal d) {
              row.add(d);
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
              row.add(((Number) v).longValue());
            } else if (v instanceof Double || v instanceof Float) {
              row.add(((Number) v).doubleValue());
            } else {
              row.add(v.toString());
            }
          }
        }
        answer.put("millis", (System.nanoTime() - q0) / 1_000_000);
      }
    }
    Files.write(Path.of(args[1]), json.writeValueAsBytes(answers));
  }
}
