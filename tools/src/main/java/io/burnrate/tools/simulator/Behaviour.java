package io.burnrate.tools.simulator;

/** How a simulated workload behaves (the incidents it stands for). */
enum Behaviour {
  HEALTHY,
  IDLE,
  DEGRADING,
  RESTARTING,
  LOW_UTIL,
  MEMORY_PRESSURE,
  /** A one-GPU inference service using a few percent of its GPU and under a tenth of its memory. */
  LIGHT
}
