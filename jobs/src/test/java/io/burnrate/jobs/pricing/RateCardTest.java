package io.burnrate.jobs.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateCardTest {
  private static final String HEADER =
      "provider,region,instance_type,capacity_type,gpu_model,gpu_count,price_per_hour,currency,as_of,source";

  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    return Files.write(dir.resolve(name), java.util.List.of(lines));
  }

  @Test
  void bundledCardHasP4dOnDemandAndSpot() {
    RateCard card = RateCard.bundled();

    assertThat(card.size()).isGreaterThan(100);
    RateCard.Price od = card.lookup("p4d.24xlarge", "on-demand", null);
    assertThat(od).isNotNull();
    assertThat(od.region()).isEqualTo("*");
    assertThat(od.pricePerHour()).isEqualTo(21.9576);
    assertThat(od.gpuCount()).isEqualTo(8);
    assertThat(od.currency()).isEqualTo("USD");
    assertThat(od.gpuModel()).isEqualTo("NVIDIA A100-SXM4-40GB");
    RateCard.Price spot = card.lookup("p4d.24xlarge", "spot", null);
    assertThat(spot).isNotNull();
    assertThat(spot.pricePerHour()).isEqualTo(9.8809);
    assertThat(card.lookup("p4d.24xlarge", null, null))
        .as("no capacity type means on-demand")
        .isEqualTo(od);
  }

  @Test
  void exactRegionFirstThenTheStarRow() {
    RateCard card = RateCard.bundled();

    RateCard.Price euWest = card.lookup("p4d.24xlarge", "on-demand", "eu-west-1");
    assertThat(euWest.region()).isEqualTo("eu-west-1");
    assertThat(euWest.pricePerHour()).isEqualTo(24.1534);
    RateCard.Price elsewhere = card.lookup("p4d.24xlarge", "on-demand", "sa-east-1");
    assertThat(elsewhere.region()).isEqualTo("*");
    assertThat(elsewhere.pricePerHour()).isEqualTo(21.9576);
  }

  @Test
  void unknownInstanceTypeIsUnpriced() {
    RateCard card = RateCard.bundled();
    assertThat(card.lookup("x9.mystery", "on-demand", "us-east-1")).isNull();
    assertThat(card.lookup(null, "on-demand", "us-east-1")).isNull();
  }

  @Test
  void overrideReplacesABundledRowAndAddsANewType() throws IOException {
    Path file =
        write(
            "ours.csv",
            "# negotiated prices",
            HEADER,
            "aws,us-east-1,p4d.24xlarge,on-demand,NVIDIA A100-SXM4-40GB,8,15.5,usd,2025-09-01,EDP",
            "aws,*,x9.mystery,spot,NVIDIA B200,8,42.25,USD,2025-09-01,quote");

    RateCard card = RateCard.bundledWithOverride(file);

    assertThat(card.size()).isEqualTo(RateCard.bundled().size() + 1);
    RateCard.Price replaced = card.lookup("p4d.24xlarge", "on-demand", "us-east-1");
    assertThat(replaced.pricePerHour()).isEqualTo(15.5);
    assertThat(replaced.currency()).isEqualTo("USD");
    assertThat(replaced.source()).isEqualTo("EDP");
    assertThat(card.lookup("p4d.24xlarge", "on-demand", "eu-west-1").pricePerHour())
        .as("other rows stay")
        .isEqualTo(24.1534);
    RateCard.Price added = card.lookup("x9.mystery", "spot", "ap-south-1");
    assertThat(added).isNotNull();
    assertThat(added.pricePerHour()).isEqualTo(42.25);
    assertThat(card.lookup("x9.mystery", "on-demand", "ap-south-1")).isNull();
  }

  @Test
  void badHeaderFailsWithFileAndLine() throws IOException {
    Path file = write("bad-header.csv", "# comment", "provider,region,type,price");
    assertThatThrownBy(() -> RateCard.bundledWithOverride(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad-header.csv:2:")
        .hasMessageContaining("header");
  }

  @Test
  void negativePriceFailsWithFileAndLine() throws IOException {
    Path file =
        write(
            "negative.csv",
            HEADER,
            "aws,*,p4d.24xlarge,spot,NVIDIA A100-SXM4-40GB,8,9.88,USD,2025-09-01,ok",
            "aws,*,p4d.24xlarge,on-demand,NVIDIA A100-SXM4-40GB,8,-1.5,USD,2025-09-01,typo");
    assertThatThrownBy(() -> RateCard.bundledWithOverride(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative.csv:3:")
        .hasMessageContaining("price_per_hour");
  }

  @Test
  void badCapacityTypeFailsWithFileAndLine() throws IOException {
    Path file =
        write(
            "capacity.csv",
            HEADER,
            "aws,*,p4d.24xlarge,reserved,NVIDIA A100-SXM4-40GB,8,12.0,USD,2025-09-01,RI");
    assertThatThrownBy(() -> RateCard.bundledWithOverride(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity.csv:2:")
        .hasMessageContaining("capacity_type")
        .hasMessageContaining("reserved");
  }

  @Test
  void wrongColumnCountAndNonNumbersFailWithFileAndLine() throws IOException {
    Path columns = write("columns.csv", HEADER, "aws,*,p4d.24xlarge,spot,8,9.88");
    assertThatThrownBy(() -> RateCard.bundledWithOverride(columns))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("columns.csv:2:");
    Path numbers =
        write("numbers.csv", HEADER, "aws,*,p4d.24xlarge,spot,A100,eight,9.88,USD,2025-09-01,x");
    assertThatThrownBy(() -> RateCard.bundledWithOverride(numbers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numbers.csv:2:");
  }

  @Test
  void missingOverrideFileNamesTheKey() {
    assertThatThrownBy(() -> RateCard.bundledWithOverride(dir.resolve("absent.csv")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pricing.rate-card")
        .hasMessageContaining("absent.csv");
  }

  @Test
  void emptyOverrideFails() throws IOException {
    Path file = write("empty.csv", "# nothing here");
    assertThatThrownBy(() -> RateCard.bundledWithOverride(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.csv");
  }
}
