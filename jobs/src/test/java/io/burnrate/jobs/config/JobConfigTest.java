package io.burnrate.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.connectors.iceberg.CatalogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
  @TempDir Path dir;

  private static Map<String, String> valid() {
    Map<String, String> m = new HashMap<>();
    m.put("kafka.bootstrap-servers", "broker-1:9092,broker-2:9092");
    return m;
  }

  private static JobConfig from(Map<String, String> m) {
    return JobConfig.from(Configuration.fromMap(m));
  }

  @Test
  void missingBootstrapServersNamesTheKey() {
    assertThatThrownBy(() -> from(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.bootstrap-servers");
    assertThatThrownBy(() -> from(Map.of("kafka.bootstrap-servers", "  ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.bootstrap-servers");
  }

  @Test
  void transactionTimeoutShorterThanTheCheckpointIntervalNamesTheKey() {
    Map<String, String> m = valid();
    m.put("kafka.transaction-timeout", "5 s");
    m.put("checkpoint.interval", "10 s");
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.transaction-timeout");
  }

  @Test
  void jobModeAndLakeMaintenanceAreValidatedByName() {
    Map<String, String> m = valid();
    m.put("job.mode", "lake");
    assertThatThrownBy(() -> from(m)).hasMessageContaining("job.mode").hasMessageContaining("lake");
    m.put("job.mode", "history");
    assertThatThrownBy(() -> from(m))
        .hasMessageContaining("job.mode")
        .hasMessageContaining("iceberg.warehouse");
    m.put("iceberg.warehouse", dir.toString());
    JobConfig history = from(m);
    assertThat(history.mode).isEqualTo(JobConfig.Mode.HISTORY);
    assertThat(history.lakeMaintenance.compactEveryCommits()).isEqualTo(12);
    m.put("lake.orphan-min-age", "10 min");
    assertThatThrownBy(() -> from(m)).hasMessageContaining("lake.orphan-min-age");
    m.remove("lake.orphan-min-age");
    m.put("lake.maintenance", "false");
    assertThat(from(m).lakeMaintenance).isNull();
    m.put("job.mode", "analytics");
    assertThat(from(m).mode).isEqualTo(JobConfig.Mode.ANALYTICS);
  }

  @Test
  void unknownCatalogTypeNamesTheKey() {
    Map<String, String> m = valid();
    m.put("iceberg.warehouse", dir.toString());
    m.put("iceberg.catalog-type", "foo");
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iceberg.catalog-type")
        .hasMessageContaining("foo");
  }

  @Test
  void jdbcCatalogWithoutUriNamesTheKey() {
    Map<String, String> m = valid();
    m.put("iceberg.warehouse", dir.toString());
    m.put("iceberg.catalog-type", "jdbc");
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iceberg.uri");
  }

  @Test
  void shortNodeStalenessNamesTheKey() {
    Map<String, String> m = valid();
    m.put("cost.node-staleness", "90 s");
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cost.node-staleness");
  }

  @Test
  void unreadableRateCardNamesTheKey() {
    Map<String, String> m = valid();
    m.put("pricing.rate-card", dir.resolve("absent.csv").toString());
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pricing.rate-card");
  }

  @Test
  void aRateCardPriceOverTheBoundNamesTheKeyAndTheRow() throws Exception {
    String header =
        "provider,region,instance_type,capacity_type,gpu_model,gpu_count,price_per_hour,currency,"
            + "as_of,source\n";
    java.nio.file.Path card =
        java.nio.file.Files.writeString(
            dir.resolve("card.csv"),
            header + "aws,*,p5.48xlarge,on-demand,NVIDIA H100,8,1e15,USD,2026-01-01,typo\n");
    Map<String, String> m = valid();
    m.put("pricing.rate-card", card.toString());
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pricing.rate-card: " + card)
        .hasMessageContaining("p5.48xlarge")
        .hasMessageContaining("bounds.max-gpu-hour-price");
    java.nio.file.Files.writeString(
        card, header + "aws,*,p5.48xlarge,on-demand,NVIDIA H100,8,55.04,USD,2026-01-01,list\n");
    assertThat(from(m).rateCardPath).isEqualTo(card.toString());
  }

  @Test
  void unparsableDurationNamesTheKey() {
    Map<String, String> m = valid();
    m.put("checkpoint.interval", "ten seconds");
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checkpoint.interval");
  }

  @Test
  void sizingAndTrainingOptionsAreReadAndOutOfRangeValuesNameTheirKey() {
    JobConfig defaults = from(valid());
    assertThat(defaults.sizing).isEqualTo(io.burnrate.jobs.actions.SizingConfig.defaults());
    assertThat(defaults.training.assumedRemainingHours()).isEqualTo(24.0);
    Map<String, String> m = valid();
    m.put("actions.sizing.observe-for", "2 h");
    m.put("actions.sizing.target-utilization", "0.6");
    m.put("actions.sizing.memory-headroom", "0.3");
    m.put("actions.share-gpu.max-per-gpu", "7");
    m.put("actions.smaller-gpu-type.min-saving", "0.25");
    m.put("actions.scale-to-load.min-replicas", "3");
    m.put("training.assumed-remaining-hours", "8");
    JobConfig c = from(m);
    assertThat(c.sizing)
        .isEqualTo(new io.burnrate.jobs.actions.SizingConfig(120, 0.6, 0.3, 7, 0.25, 3));
    assertThat(c.training.assumedRemainingHours()).isEqualTo(8.0);
    assertThat(c.detection(io.burnrate.jobs.pricing.RateCard.bundled()).sizing())
        .isEqualTo(c.sizing);
    for (String[] bad :
        new String[][] {
          {"actions.sizing.observe-for", "5 min"},
          {"actions.sizing.observe-for", "25 h"},
          {"actions.sizing.observe-for", "90 s"},
          {"actions.sizing.target-utilization", "0"},
          {"actions.sizing.target-utilization", "1.5"},
          {"actions.sizing.memory-headroom", "-0.1"},
          {"actions.share-gpu.max-per-gpu", "1"},
          {"actions.smaller-gpu-type.min-saving", "1"},
          {"actions.scale-to-load.min-replicas", "0"},
          {"training.assumed-remaining-hours", "0"},
          {"training.assumed-remaining-hours", "1000"}
        }) {
      Map<String, String> w = valid();
      w.put(bad[0], bad[1]);
      assertThatThrownBy(() -> from(w)).as("%s=%s", bad[0], bad[1]).hasMessageStartingWith(bad[0]);
    }
  }

  @Test
  void budgetForecastSettingsAreReadAndTheMarginIsValidatedByName() {
    Map<String, String> m = valid();
    assertThat(from(m).budgetForecast)
        .isEqualTo(io.burnrate.jobs.budgets.ForecastSettings.defaults());
    m.put("budgets.forecast.resolve-margin", "0.1");
    m.put("budgets.forecast.resolve-after", "30 min");
    m.put("budgets.scope-history", "8 d");
    io.burnrate.jobs.budgets.ForecastSettings f = from(m).budgetForecast;
    assertThat(f.resolveMargin()).isEqualTo(0.1);
    assertThat(f.resolveAfterMs()).isEqualTo(Duration.ofMinutes(30).toMillis());
    assertThat(f.scopeHistoryMs()).isEqualTo(Duration.ofDays(8).toMillis());
    m.put("budgets.forecast.resolve-margin", "1.5");
    assertThatThrownBy(() -> from(m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budgets.forecast.resolve-margin");
  }

  @Test
  void validConfigKeepsDefaultsAndPassesKafkaPropertiesThrough() {
    Map<String, String> m = valid();
    m.put("kafka.properties.security.protocol", "SASL_SSL");
    m.put("kafka.properties.sasl.mechanism", "SCRAM-SHA-512");

    JobConfig c = from(m);

    assertThat(c.kafka.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
    assertThat(c.kafka.clientProperties())
        .containsOnly(
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("sasl.mechanism", "SCRAM-SHA-512"));
    assertThat(c.kafka.toProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(c.groupId).isEqualTo("burnrate-analytics");
    assertThat(c.transactionTimeout).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.checkpointInterval).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.nodeStaleness).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.labelKeys).containsExactly("team", "project", "cost-center");
    assertThat(c.iceberg).as("no warehouse, no Iceberg").isNull();
    assertThat(c.rateCardPath).isNull();
  }

  @Test
  void hadoopCatalogInAFolder() {
    Map<String, String> m = valid();
    m.put("iceberg.warehouse", dir.toString());
    m.put("attribution.label-keys", "team;owner");

    JobConfig c = from(m);

    assertThat(c.iceberg.type()).isEqualTo(CatalogConfig.Type.HADOOP);
    assertThat(c.iceberg.name()).isEqualTo("burnrate");
    assertThat(c.iceberg.warehouse()).startsWith("file:");
    assertThat(c.labelKeys).isEqualTo(List.of("team", "owner"));
  }
}
