package io.burnrate.tools.simulator;

/** A pod of a simulated workload: where it runs, its phase and its progress counters. */
final class SimPod {
  String name;
  String uid;
  SimWorkload w;
  SimNode node;
  int[] gpus;
  long created;
  long start = -1;
  long end = -1;
  int restarts;
  double samplesTotal;
  double tokensTotal;
  double requestsTotal;
  double loss = 4.0;
  double valLoss = 4.2;
  long lastEval = -1;
  long nextRestart = -1;
  int jitterMs;
  boolean deleted;
  String phase = "Pending";
}
