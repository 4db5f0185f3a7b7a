package io.burnrate.tools.simulator;

/** A simulated Job or Deployment: its team, behaviour, size and schedule. */
final class SimWorkload {
  String namespace;
  String name;
  String kind; // Job or Deployment
  String[] team;
  Behaviour behaviour;
  int gpusPerPod;
  int replicas;
  long start;
  long end; // -1: runs to the end
  double ratePerGpu; // samples (training) or tokens (inference) per GPU-second at full speed
  boolean inference;
  int generation;
  long scaleUpAt = -1; // a runaway: replicas added at this time
  int scaleUpTo;
  boolean spotTolerant; // annotated burnrate.io/spot-tolerant=true
  boolean critical; // labelled burnrate.io/critical=true
  boolean owned; // placed on the owned site only
  long plateauAt = -1; // training: val_loss stops improving from here (reported every 5 min)
  long divergeAt = -1; // training: the loss climbs from here and becomes NaN 5 minutes later
  long plannedSteps = -1; // training: total_steps reported beside step (-1: none)
}
