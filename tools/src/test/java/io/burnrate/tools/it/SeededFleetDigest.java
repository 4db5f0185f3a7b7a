package io.burnrate.tools.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.burnrate.schemas.Topics;
import io.burnrate.tools.demo.EmbeddedKafka;
import io.burnrate.tools.simulator.FleetSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the suite (its name matches neither *Test nor *ITCase): run by hand with
 * -Dtest=SeededFleetDigest to compare the seeded fleet's outputs between two versions of the code.
 * Prints one SHA-256 per output topic over its records, canonical JSON sorted by content.
 */
class SeededFleetDigest {
  @RegisterExtension static final MiniClusterExtension FLINK = IntegrationEnv.miniCluster();
  @TempDir Path tmp;

  @Test
  void digest() throws Exception {
    EmbeddedKafka kafka = IntegrationEnv.kafka(tmp.resolve("kafka"), 2);
    try {
      FleetSimulator sim =
          new FleetSimulator(
              new FleetSimulator.Config(
                  7,
                  Instant.parse("2026-01-05T10:00:00Z"),
                  Duration.ofHours(6),
                  6,
                  "it",
                  Duration.ofSeconds(10),
                  true));
      IntegrationEnv.publish(kafka, sim);
      IntegrationEnv.runBounded(
          IntegrationEnv.jobConfig(kafka, tmp.resolve("wh"), "digest"), "digest");
      ObjectMapper canon =
          new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
      StringBuilder out = new StringBuilder();
      for (String topic :
          List.of(
              Topics.COST_WINDOWS,
              Topics.COST_ALLOCATIONS,
              Topics.ALERTS,
              Topics.ACTIONS,
              Topics.BUDGET_STATUS,
              Topics.DLQ)) {
        List<String> rows = new ArrayList<>();
        for (JsonNode n : IntegrationEnv.readCommitted(kafka, topic)) {
          Object tree = canon.treeToValue(n, Object.class);
          rows.add(canon.writeValueAsString(tree));
        }
        rows.sort(null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String r : rows) {
          sha.update(r.getBytes(StandardCharsets.UTF_8));
          sha.update((byte) '\n');
        }
        out.append(
            String.format(
                "%-28s %6d %s%n", topic, rows.size(), HexFormat.of().formatHex(sha.digest())));
        Files.write(
            Path.of(System.getProperty("digest.dir", "/tmp")).resolve(topic + ".ndjson"), rows);
      }
      System.out.println("DIGEST\n" + out);
    } finally {
      kafka.close();
    }
  }
}
