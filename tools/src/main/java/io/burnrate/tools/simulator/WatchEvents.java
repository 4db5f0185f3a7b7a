package io.burnrate.tools.simulator;

import io.burnrate.schemas.Topics;
import java.time.Instant;

/**
 * The simulated fleet's Kubernetes watch events, as the API server sends them: {@code {"type":
 * ADDED|MODIFIED|DELETED, "object": Node|Pod}} with the labels, resources and status fields
 * Burnrate reads (docs/data-contracts.md).
 */
final class WatchEvents {
  private WatchEvents() {}

  static SimRecord node(String type, SimNode n, long at, String resourceVersion) {
    String ts = Instant.ofEpochMilli(at).toString();
    Json j = new Json().open();
    j.str("type", type);
    j.open("object");
    j.str("apiVersion", "v1").str("kind", "Node");
    j.open("metadata");
    j.str("name", n.name).str("uid", "node-" + n.name).str("resourceVersion", resourceVersion);
    j.str("creationTimestamp", Instant.ofEpochMilli(n.created).toString());
    if ("DELETED".equals(type)) {
      j.str("deletionTimestamp", ts);
    }
    j.open("labels");
    j.str("kubernetes.io/hostname", n.name);
    if (n.site == null) {
      j.str("node.kubernetes.io/instance-type", n.type.instanceType());
      j.str("topology.kubernetes.io/region", n.type.region());
      j.str("topology.kubernetes.io/zone", n.type.zone());
    }
    j.str("nvidia.com/gpu.product", n.type.gpuModel().replace(' ', '-'));
    j.str("nvidia.com/gpu.count", Integer.toString(n.type.gpus()));
    if (n.site != null) {
      j.str("burnrate.io/site", n.site); // owned: no instance type, region or capacity type
    }
    switch (n.site != null ? "onprem" : n.type.provider()) {
      case "onprem" -> {
        // bare metal: no capacity-type label
      }
      case "aws" -> j.str("karpenter.sh/capacity-type", n.type.spot() ? "spot" : "on-demand");
      case "gcp" -> {
        if (n.type.spot()) {
          j.str("cloud.google.com/gke-spot", "true");
        }
      }
      default -> j.str("kubernetes.azure.com/scalesetpriority", n.type.spot() ? "spot" : "regular");
    }
    j.close(); // labels
    j.close(); // metadata
    j.open("spec");
    if (n.providerId != null) {
      j.str("providerID", n.providerId);
    }
    if (n.cordoned) {
      j.bool("unschedulable", true);
    }
    j.close();
    j.open("status");
    String gpus = Integer.toString(n.type.gpus());
    j.open("capacity").str("cpu", "96").str("memory", "1143Gi").str("nvidia.com/gpu", gpus).close();
    j.open("allocatable")
        .str("cpu", "95")
        .str("memory", "1100Gi")
        .str("nvidia.com/gpu", gpus)
        .close();
    j.array("conditions");
    j.open()
        .str("type", "Ready")
        .str("status", "True")
        .str("lastHeartbeatTime", ts)
        .str("lastTransitionTime", Instant.ofEpochMilli(n.created).toString())
        .close();
    j.closeArray();
    j.close(); // status
    j.close(); // object
    j.close();
    return new SimRecord(Topics.K8S_EVENTS, "Node/" + n.name, j.bytes(), at);
  }

  static SimRecord pod(String type, SimPod p, long at, String resourceVersion) {
    SimWorkload w = p.w;
    Json j = new Json().open();
    j.str("type", type);
    j.open("object");
    j.str("apiVersion", "v1").str("kind", "Pod");
    j.open("metadata");
    j.str("name", p.name)
        .str("namespace", w.namespace)
        .str("uid", p.uid)
        .str("resourceVersion", resourceVersion);
    j.str("creationTimestamp", Instant.ofEpochMilli(p.created).toString());
    if ("DELETED".equals(type)) {
      j.str("deletionTimestamp", Instant.ofEpochMilli(at).toString());
    }
    j.open("labels");
    j.str("app", w.name)
        .str("team", w.team[0])
        .str("project", w.team[1])
        .str("cost-center", w.team[2]);
    if ("Job".equals(w.kind)) {
      j.str("batch.kubernetes.io/job-name", w.name);
    } else {
      j.str("pod-template-hash", "7d9f8b6c5");
    }
    if (w.critical) {
      j.str(FleetSimulator.CRITICAL, "true");
    }
    j.close();
    if (w.spotTolerant) {
      j.open("annotations").str(FleetSimulator.SPOT_TOLERANT, "true").close();
    }
    j.array("ownerReferences");
    j.open()
        .str("apiVersion", "Job".equals(w.kind) ? "batch/v1" : "apps/v1")
        .str("kind", "Job".equals(w.kind) ? "Job" : "ReplicaSet")
        .str("name", "Job".equals(w.kind) ? w.name : w.name + "-7d9f8b6c5")
        .str("uid", "owner-" + w.name)
        .bool("controller", true)
        .bool("blockOwnerDeletion", true)
        .close();
    j.closeArray();
    j.close(); // metadata
    j.open("spec");
    j.str("restartPolicy", "Job".equals(w.kind) ? "Never" : "Always");
    j.str("priorityClassName", w.inference ? "production" : "batch");
    if (p.node != null) {
      j.str("nodeName", p.node.name);
    }
    j.array("containers");
    String g = Integer.toString(w.gpusPerPod);
    j.open()
        .str("name", w.inference ? "server" : "trainer")
        .str("image", "nvcr.io/nvidia/pytorch:24.05-py3");
    j.open("resources");
    j.open("requests").str("cpu", "8").str("memory", "64Gi").str("nvidia.com/gpu", g).close();
    j.open("limits").str("nvidia.com/gpu", g).close();
    j.close();
    j.close();
    j.closeArray();
    j.close(); // spec
    j.open("status");
    j.str("phase", p.phase);
    if (p.node != null) {
      j.array("conditions");
      j.open()
          .str("type", "PodScheduled")
          .str("status", "True")
          .str(
              "lastTransitionTime",
              Instant.ofEpochMilli(Math.max(p.created, p.start - 1000)).toString())
          .close();
      j.closeArray();
    }
    if (p.start >= 0) {
      j.str("startTime", Instant.ofEpochMilli(p.start).toString());
      j.array("containerStatuses");
      j.open().str("name", w.inference ? "server" : "trainer").num("restartCount", p.restarts);
      j.open("state");
      if (p.end >= 0) {
        j.open("terminated")
            .num("exitCode", "Succeeded".equals(p.phase) ? 0 : 137)
            .str("reason", "Succeeded".equals(p.phase) ? "Completed" : "Error")
            .str("startedAt", Instant.ofEpochMilli(p.start).toString())
            .str("finishedAt", Instant.ofEpochMilli(p.end).toString())
            .close();
      } else {
        long runningSince = p.restarts == 0 ? p.start : at;
        j.open("running").str("startedAt", Instant.ofEpochMilli(runningSince).toString()).close();
      }
      j.close();
      j.close();
      j.closeArray();
    }
    j.close(); // status
    j.close(); // object
    j.close();
    return new SimRecord(Topics.K8S_EVENTS, "Pod/" + w.namespace + "/" + p.name, j.bytes(), at);
  }
}
