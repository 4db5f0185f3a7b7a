package io.burnrate.tools.simulator;

import io.burnrate.schemas.Topics;

/**
 * One GPU's scrape as dcgm-exporter's JSON shipper sends it: the device and the pod holding it (the
 * exporter's pod labels), then the DCGM fields by their own names ({@code DCGM_FI_DEV_*}, {@code
 * DCGM_FI_PROF_*} where the GPU has profiling metrics).
 */
final class DcgmExporterRecords {
  private DcgmExporterRecords() {}

  /**
   * @param pod the running pod holding the GPU, or null
   * @param energyMilliJoules the energy counter, or -1 where the node reports none
   */
  static SimRecord sample(
      String cluster,
      SimNode n,
      int g,
      SimPod pod,
      long ts,
      double util,
      double fbUsed,
      double watts,
      long energyMilliJoules) {
    boolean held = pod != null;
    Json j = new Json().open();
    j.str("timestamp", java.time.Instant.ofEpochMilli(ts).toString());
    j.str("cluster", cluster);
    j.str("Hostname", n.name);
    j.num("gpu", g);
    j.str("UUID", "GPU-" + FleetSimulator.uuidFor(n.name, g));
    j.str("device", "nvidia" + g);
    j.str("modelName", n.type.gpuModel());
    j.str("namespace", held ? pod.w.namespace : "");
    j.str("pod", held ? pod.name : "");
    j.str("container", held ? (pod.w.inference ? "server" : "trainer") : "");
    j.num("DCGM_FI_DEV_GPU_UTIL", Math.min(100, Math.round(util * 100 + (util > 0.05 ? 4 : 0))));
    if (n.type.profiling()) {
      j.num("DCGM_FI_PROF_SM_ACTIVE", FleetSimulator.round4(util));
      j.num("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", FleetSimulator.round4(util * 0.6));
    }
    j.num("DCGM_FI_DEV_FB_USED", fbUsed);
    j.num("DCGM_FI_DEV_FB_FREE", n.type.fbTotalMiB() - fbUsed);
    j.num("DCGM_FI_DEV_POWER_USAGE", watts);
    if (energyMilliJoules >= 0) {
      j.num("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", energyMilliJoules);
    }
    j.num("DCGM_FI_DEV_MEM_COPY_UTIL", Math.round(util * 45));
    j.num("DCGM_FI_DEV_GPU_TEMP", Math.round(34 + util * 40));
    j.close();
    return new SimRecord(Topics.TELEMETRY_GPU, cluster + "/" + n.name + "/" + g, j.bytes(), ts);
  }
}
