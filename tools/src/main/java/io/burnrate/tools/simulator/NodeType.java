package io.burnrate.tools.simulator;

/** A GPU instance type of the simulated fleet: its cloud, shape, GPUs and where it runs. */
record NodeType(
    String provider,
    String instanceType,
    int gpus,
    String gpuModel,
    String region,
    String zone,
    boolean spot,
    boolean profiling,
    double fbTotalMiB) {}
