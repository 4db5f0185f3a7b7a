package io.burnrate.jobs.pricing;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What the sizing advice needs to know of a GPU model that neither telemetry nor the rate card
 * says: its memory, a compute figure to compare models by, and its MIG profiles. Figures are
 * NVIDIA's datasheets; MIG profiles (name, share of the GPU's compute slices, memory, most
 * instances of the profile on one GPU) are the tables of NVIDIA's MIG user guide ("Supported MIG
 * Profiles"). A model not listed here gets no sizing advice, never a guess.
 */
public final class GpuCatalog {
  private GpuCatalog() {}

  /**
   * A MIG profile: {@code slices} of the GPU's 7 compute slices, {@code memoryGb} (the nominal size
   * in its name), at most {@code perGpu} instances of it on one GPU.
   */
  public record MigProfile(String name, int slices, double memoryGb, int perGpu)
      implements Serializable {}

  /**
   * A GPU model.
   *
   * @param name the name used in evidence
   * @param memoryGb framebuffer, GB as NVIDIA names it
   * @param fp16TensorTflops dense FP16 tensor throughput (datasheet), to compare models' compute
   * @param mig MIG profiles smaller than the whole GPU, smallest first; empty without MIG
   */
  public record Gpu(String name, double memoryGb, double fp16TensorTflops, List<MigProfile> mig)
      implements Serializable {}

  private static final List<MigProfile> MIG_40 =
      List.of(
          new MigProfile("1g.5gb", 1, 5, 7),
          new MigProfile("1g.10gb", 1, 10, 4),
          new MigProfile("2g.10gb", 2, 10, 3),
          new MigProfile("3g.20gb", 3, 20, 2),
          new MigProfile("4g.20gb", 4, 20, 1));

  /** A100 80GB and H100 80GB share the profile table. */
  private static final List<MigProfile> MIG_80 =
      List.of(
          new MigProfile("1g.10gb", 1, 10, 7),
          new MigProfile("1g.20gb", 1, 20, 4),
          new MigProfile("2g.20gb", 2, 20, 3),
          new MigProfile("3g.40gb", 3, 40, 2),
          new MigProfile("4g.40gb", 4, 40, 1));

  public static final Gpu H100_80 = new Gpu("H100 80GB", 80, 989, MIG_80);
  public static final Gpu A100_80 = new Gpu("A100 80GB", 80, 312, MIG_80);
  public static final Gpu A100_40 = new Gpu("A100 40GB", 40, 312, MIG_40);
  public static final Gpu L40S = new Gpu("L40S", 48, 362, List.of());

  /** NVIDIA publishes no A10G datasheet; it is taken as the A10 (same GA102 class). */
  public static final Gpu A10G = new Gpu("A10G", 24, 125, List.of());

  public static final Gpu A10 = new Gpu("A10", 24, 125, List.of());
  public static final Gpu L4 = new Gpu("L4", 24, 121, List.of());
  public static final Gpu T4 = new Gpu("T4", 16, 65, List.of());
  public static final Gpu V100_16 = new Gpu("V100 16GB", 16, 125, List.of());
  public static final Gpu V100_32 = new Gpu("V100 32GB", 32, 125, List.of());

  /**
   * The model a dcgm-exporter {@code modelName} or rate-card {@code gpu_model} names ({@code NVIDIA
   * A100-SXM4-40GB}, {@code NVIDIA H100 80GB HBM3}, {@code Tesla T4}, ...), or null when unknown.
   */
  public static Gpu lookup(String model) {
    if (model == null) {
      return null;
    }
    String k = model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    k = k.startsWith("nvidia") ? k.substring(6) : k;
    k = k.startsWith("tesla") ? k.substring(5) : k;
    if (k.startsWith("h100")) {
      // the 94/96 GB variants (NVL, GH200) have other profiles: not listed
      return k.contains("94gb") || k.contains("96gb") || k.contains("nvl") ? null : H100_80;
    }
    if (k.startsWith("a100")) {
      return k.contains("80gb") ? A100_80 : A100_40;
    }
    if (k.startsWith("l40s")) {
      return L40S;
    }
    if (k.startsWith("a10g")) {
      return A10G;
    }
    if (k.equals("a10") || k.startsWith("a10pcie")) {
      return A10;
    }
    if (k.equals("l4") || k.startsWith("l4pcie")) {
      return L4;
    }
    if (k.startsWith("t4")) {
      return T4;
    }
    if (k.startsWith("v100")) {
      return k.contains("32gb") ? V100_32 : V100_16;
    }
    return null;
  }
}
