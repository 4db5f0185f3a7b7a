package io.burnrate.jobs.allocation;

/** A workload's minute being summed from its pod-minutes. */
public class WorkloadAcc {
  public String workload;
  public String cluster;
  public String namespace;
  public String team;
  public String project;
  public String costCenter;

  /** Union of the pods' labels (the first pod's value wins); null when none. */
  public java.util.Map<String, String> labels;

  public String node;
  public String instanceType;
  public String capacityType;
  public String region;
  public String gpuModel;
  public boolean mixedNode;
  public boolean mixedInstance;
  public int pods;

  /** Pod-minutes that held GPUs. */
  public int allocating;

  public double gpuSeconds;
  public double utilWeighted;
  public double utilWeight;

  /** Highest framebuffer use over the window (0-1); -1 when unknown. */
  public double memoryUsedMax = -1;

  /** Sum of the pods' shares of their nodes' idle cost. */
  public double idleShareCost;

  /** Owned nodes: site, energy part of cost, cloud equivalents (NaN when none). */
  public String site;

  public double energyCost = Double.NaN;
  public double cloudOnDemandCost = Double.NaN;
  public double cloudSpotCost = Double.NaN;

  /** Training gauges over the pods (the highest reading; data-parallel ranks agree). */
  public double loss = Double.NaN;

  public double valLoss = Double.NaN;
  public double step = Double.NaN;
  public double totalSteps = Double.NaN;
  public boolean lossNonFinite;

  /** Some pod held its GPUs for only part of the minute. */
  public boolean partMinute;

  public double cost;
  public boolean unpriced;
  public String costBasis;
  public String currency;
  public double samples = Double.NaN;
  public double tokens = Double.NaN;
  public double requests = Double.NaN;

  public WorkloadAcc() {}
}
