package io.burnrate.tools.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.K8sObject;
import io.burnrate.schemas.parse.GpuSampleParser;
import io.burnrate.schemas.parse.K8sEventParser;
import io.burnrate.schemas.parse.WorkloadProgressParser;
import java.time.Instant;
import java.util.List;

/**
 * The Kafka key and the record timestamp of one JSON record of a Burnrate input topic, as the fleet
 * simulator publishes them: GPU samples by {@code cluster/host/gpu}, workload progress by {@code
 * namespace/pod}, Kubernetes watch events by {@code Kind/namespace/name} (one object's events stay
 * in one partition, in order), billing rows by {@code ResourceId} (else {@code
 * ChargeCategory/ServiceName}), budgets by id, prices by {@code instance_type/capacity/region}. The
 * timestamp is the record's event time as the job reads it (parsed by the job's own parsers), or -1
 * when it carries none.
 */
public final class RecordKeys {
  private final GpuSampleParser gpu;
  private final WorkloadProgressParser workload;
  private final K8sEventParser k8s;

  public RecordKeys(String defaultCluster) {
    this.gpu = new GpuSampleParser(defaultCluster);
    this.workload = new WorkloadProgressParser(defaultCluster);
    this.k8s = new K8sEventParser(defaultCluster, List.of());
  }

  /** The key of {@code n} on {@code topic}, or null (other topics, missing fields). */
  public String key(String topic, JsonNode n, byte[] raw) {
    try {
      switch (topic) {
        case Topics.TELEMETRY_GPU -> {
          var s = gpu.parse(raw);
          return s.cluster + "/" + s.hostname + "/" + s.gpu;
        }
        case Topics.TELEMETRY_WORKLOAD -> {
          var w = workload.parse(raw);
          return w.namespace + "/" + w.pod;
        }
        case Topics.K8S_EVENTS -> {
          JsonNode o = n.path("object");
          String kind = text(o, "kind");
          String name = text(o.path("metadata"), "name");
          String ns = text(o.path("metadata"), "namespace");
          if (kind == null || name == null) {
            return null;
          }
          return ns == null || ns.isEmpty() ? kind + "/" + name : kind + "/" + ns + "/" + name;
        }
        case Topics.BILLING_FOCUS -> {
          String id = firstText(n, "ResourceId", "line_item_resource_id", "resource_id");
          if (id != null && !id.isEmpty()) {
            return id;
          }
          return billingKey(
              null,
              firstText(n, "ChargeCategory", "line_item_line_item_type"),
              firstText(n, "ServiceName", "product_servicecode", "line_item_product_code"));
        }
        case Topics.CONFIG_BUDGETS -> {
          return text(n, "id");
        }
        case Topics.CONFIG_PRICING -> {
          String type = text(n, "instance_type");
          if (type == null) {
            return null;
          }
          String cap = text(n, "capacity_type");
          String region = text(n, "region");
          String from = text(n, "valid_from");
          return type
              + "/"
              + (cap == null ? "on-demand" : cap)
              + "/"
              + (region == null ? "*" : region)
              + (from == null ? "" : "/" + from);
        }
        default -> {
          return null;
        }
      }
    } catch (Exception e) {
      return null; // the job's parser rejects it (dead letter); published without a key
    }
  }

  /** The key of a billing row: its resource, else its charge category and service. */
  public static String billingKey(String resourceId, String chargeCategory, String serviceName) {
    if (resourceId != null && !resourceId.isEmpty()) {
      return resourceId;
    }
    return (chargeCategory == null ? "" : chargeCategory)
        + "/"
        + (serviceName == null ? "" : serviceName);
  }

  /** The event time of {@code raw} on {@code topic} in epoch millis, or -1. */
  public long eventTime(String topic, JsonNode n, byte[] raw) {
    try {
      switch (topic) {
        case Topics.TELEMETRY_GPU -> {
          return gpu.parse(raw).timestamp;
        }
        case Topics.TELEMETRY_WORKLOAD -> {
          return workload.parse(raw).timestamp;
        }
        case Topics.K8S_EVENTS -> {
          K8sObject o = k8s.parse(raw, -1);
          long t =
              o.pod != null
                  ? o.pod.timestamp
                  : o.node != null ? o.node.timestamp : o.job != null ? o.job.timestamp : -1;
          return t;
        }
        case Topics.BILLING_FOCUS -> {
          String at = firstText(n, "x_DeliveredAt", "x_delivered_at");
          return at == null ? -1 : Instant.parse(at).toEpochMilli();
        }
        default -> {
          return -1;
        }
      }
    } catch (Exception e) {
      return -1;
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
  }

  private static String firstText(JsonNode n, String... fields) {
    for (String f : fields) {
      String v = text(n, f);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
