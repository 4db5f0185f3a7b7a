package io.burnrate.tools.simulator;

/** A node of the simulated fleet, with its GPUs' holders and energy counters. */
final class SimNode {
  String name;
  NodeType type;
  String providerId;
  long created;
  long deleted = -1;
  String[] gpuHolder; // pod key per GPU index, null when free
  boolean announced;
  int jitterMs;
  boolean cordoned; // spec.unschedulable: nothing is placed on it
  String site; // owned (burnrate.io/site); null for cloud capacity
  double[] energyMilliJoules; // DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION per GPU (owned nodes)
  long energyResetAt = -1; // a driver reload resets GPU 0's counter
}
