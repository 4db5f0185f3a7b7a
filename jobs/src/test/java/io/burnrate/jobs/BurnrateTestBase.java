package io.burnrate.jobs;

import io.burnrate.jobs.allocation.NodeEvent;
import io.burnrate.jobs.allocation.NodeMeta;
import io.burnrate.jobs.allocation.PodMinute;
import io.burnrate.jobs.allocation.PodSpan;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.CostWindow;
import io.burnrate.schemas.model.GpuSample;
import io.burnrate.schemas.model.NodeInfo;
import io.burnrate.schemas.model.PodInfo;
import io.burnrate.schemas.model.WorkloadProgress;
import java.time.Instant;

/** Named instants and event factories shared by the jobs module's unit tests. */
public abstract class BurnrateTestBase {
  /** A minute (and hour) boundary. */
  public static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  public static final long MINUTE = 60_000L;
  public static final long HOUR = 3_600_000L;

  public static final String CLUSTER = "prod";
  public static final String NODE = "ip-10-0-1-17";
  public static final String NODE_KEY = CLUSTER + "/" + NODE;

  /** p4d.24xlarge on-demand us-east-1 in the bundled rate card. */
  public static final double P4D_PRICE = 21.9576;

  /** Epoch ms of T0 plus the given seconds. */
  public static long t(double seconds) {
    return T0.toEpochMilli() + Math.round(seconds * 1000);
  }

  // ---- pure cost model -------------------------------------------------------------------

  public static NodeMeta nodeMeta(int gpus, double pricePerHour) {
    NodeMeta m = new NodeMeta();
    m.cluster = CLUSTER;
    m.name = NODE;
    m.instanceType = "p4d.24xlarge";
    m.capacityType = "on-demand";
    m.region = "us-east-1";
    m.gpuCapacity = gpus;
    m.known = true;
    m.pricePerHour = pricePerHour;
    if (!Double.isNaN(pricePerHour)) {
      m.currency = "USD";
      m.costBasis = CostWindow.BASIS_ESTIMATED;
    } else {
      m.costBasis = CostWindow.BASIS_UNPRICED;
    }
    return m;
  }

  public static PodSpan podSpan(String podKey, int gpus, long start, long end) {
    PodSpan s = new PodSpan();
    s.podKey = podKey;
    int slash = podKey.indexOf('/');
    s.namespace = podKey.substring(0, slash);
    s.name = podKey.substring(slash + 1);
    s.workload = s.namespace + "/Job/" + s.name;
    s.team = "research";
    s.gpus = gpus;
    s.start = start;
    s.end = end;
    return s;
  }

  // ---- Kubernetes and telemetry events ---------------------------------------------------

  public static NodeInfo nodeInfo(
      String eventType, String instanceType, int gpus, long created, long deleted, long ts) {
    NodeInfo n = new NodeInfo();
    n.eventType = eventType;
    n.timestamp = ts;
    n.cluster = CLUSTER;
    n.name = NODE;
    n.instanceType = instanceType;
    n.capacityType = NodeInfo.ON_DEMAND;
    n.region = "us-east-1";
    n.instanceId = "i-0abc";
    n.gpuCapacity = gpus;
    n.createdTime = created;
    n.deletedTime = deleted;
    return n;
  }

  public static NodeEvent nodeAdded(String instanceType, int gpus, long created) {
    return event(nodeInfo("ADDED", instanceType, gpus, created, -1, created));
  }

  public static NodeEvent nodeDeleted(String instanceType, int gpus, long created, long deleted) {
    return event(nodeInfo("DELETED", instanceType, gpus, created, deleted, deleted));
  }

  public static PodInfo podInfo(String name, int gpus, long start, long end, long ts) {
    PodInfo p = new PodInfo();
    p.eventType = end >= 0 ? "MODIFIED" : "ADDED";
    p.timestamp = ts;
    p.cluster = CLUSTER;
    p.namespace = "ml";
    p.name = name;
    p.uid = "uid-" + name;
    p.nodeName = NODE;
    p.phase = end >= 0 ? "Succeeded" : "Running";
    p.gpuRequest = gpus;
    p.ownerKind = "Job";
    p.ownerName = name;
    p.startTime = start;
    p.endTime = end;
    p.labels.put("team", "research");
    return p;
  }

  public static NodeEvent podScheduled(String name, int gpus, long start) {
    return event(podInfo(name, gpus, start, -1, start));
  }

  public static NodeEvent podEnded(String name, int gpus, long start, long end) {
    return event(podInfo(name, gpus, start, end, end));
  }

  public static GpuSample gpuSample(long ts, int gpu, String pod, double smActive) {
    GpuSample s = new GpuSample();
    s.timestamp = ts;
    s.cluster = CLUSTER;
    s.hostname = NODE;
    s.gpu = gpu;
    s.uuid = "GPU-" + gpu;
    s.modelName = "NVIDIA A100-SXM4-40GB";
    if (pod != null) {
      s.namespace = "ml";
      s.pod = pod;
      s.container = "main";
    }
    s.smActive = smActive;
    return s;
  }

  public static NodeEvent sampleEvent(long ts, int gpu, String pod, double smActive) {
    NodeEvent e = new NodeEvent();
    e.sample = gpuSample(ts, gpu, pod, smActive);
    e.sourceTopic = Topics.TELEMETRY_GPU;
    e.sourcePartition = 0;
    e.sourceOffset = ts;
    return e;
  }

  public static NodeEvent event(NodeInfo n) {
    NodeEvent e = new NodeEvent();
    e.node = n;
    e.sourceTopic = Topics.K8S_EVENTS;
    return e;
  }

  public static NodeEvent event(PodInfo p) {
    NodeEvent e = new NodeEvent();
    e.pod = p;
    e.sourceTopic = Topics.K8S_EVENTS;
    return e;
  }

  public static WorkloadProgress progress(long ts, String pod, double samplesTotal) {
    WorkloadProgress w = new WorkloadProgress();
    w.timestamp = ts;
    w.cluster = CLUSTER;
    w.namespace = "ml";
    w.pod = pod;
    w.container = "main";
    w.samplesTotal = samplesTotal;
    return w;
  }

  public static PodMinute podMinute(String pod, long minuteStart, double gpuSeconds, double cost) {
    PodMinute m = new PodMinute();
    m.podKey = "ml/" + pod;
    m.namespace = "ml";
    m.pod = pod;
    m.workload = "ml/Job/" + pod;
    m.team = "research";
    m.cluster = CLUSTER;
    m.node = NODE;
    m.instanceType = "p4d.24xlarge";
    m.capacityType = "on-demand";
    m.region = "us-east-1";
    m.gpuModel = "NVIDIA A100-SXM4-40GB";
    m.minuteStart = minuteStart;
    m.gpus = 4;
    m.gpuSeconds = gpuSeconds;
    m.cost = cost;
    m.costBasis = Double.isNaN(cost) ? CostWindow.BASIS_UNPRICED : CostWindow.BASIS_ESTIMATED;
    m.currency = Double.isNaN(cost) ? null : "USD";
    return m;
  }
}
