package io.burnrate.tools.simulator;

/** The instance types and teams the simulated fleet is built from. */
final class FleetCatalogue {
  private FleetCatalogue() {}

  /** The bundled rate card: what the simulated bill charges, and where spot prices exist. */
  static final io.burnrate.jobs.pricing.RateCard RATES =
      io.burnrate.jobs.pricing.RateCard.bundled();

  static final NodeType[] TYPES = {
    new NodeType(
        "aws",
        "p4d.24xlarge",
        8,
        "NVIDIA A100-SXM4-40GB",
        "us-east-1",
        "us-east-1a",
        false,
        true,
        40960),
    new NodeType(
        "aws",
        "p5.48xlarge",
        8,
        "NVIDIA H100 80GB HBM3",
        "us-east-1",
        "us-east-1b",
        false,
        true,
        81559),
    new NodeType(
        "aws", "g5.12xlarge", 4, "NVIDIA A10G", "us-west-2", "us-west-2a", true, false, 23028),
    new NodeType("aws", "g6.xlarge", 1, "NVIDIA L4", "eu-west-1", "eu-west-1a", true, false, 23034),
    new NodeType(
        "gcp",
        "a2-highgpu-8g",
        8,
        "NVIDIA A100-SXM4-40GB",
        "us-central1",
        "us-central1-a",
        false,
        true,
        40960),
    new NodeType(
        "azure",
        "Standard_NC24ads_A100_v4",
        1,
        "NVIDIA A100 80GB PCIe",
        "eastus",
        "eastus-1",
        true,
        false,
        81920),
  };

  /** An instance type deliberately absent from the rate card (a new SKU). */
  static final NodeType UNPRICED_TYPE =
      new NodeType(
          "aws",
          "p6-b200.48xlarge",
          8,
          "NVIDIA B200",
          "us-east-1",
          "us-east-1a",
          false,
          true,
          184320);

  static final String[][] TEAMS = {
    {"ml-infra", "llm-pretrain", "cc-42"},
    {"search", "ranking", "cc-17"},
    {"vision", "detector", "cc-23"},
    {"nlp", "assistant", "cc-31"},
  };
}
