package io.burnrate.tools.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A second, deliberately simple implementation of the cost model of {@code docs/architecture.md}
 * ("The cost model") and {@code docs/reconciliation.md}, written from the documents for the
 * integration test that checks the job's {@code cost_allocations} against it. It reads the raw
 * records the job consumed (Kubernetes watch events, dcgm-exporter samples, FOCUS billing rows) as
 * plain JSON and the rate-card CSV the job used, and computes, with {@link BigDecimal} on exact
 * millisecond intervals, every node-hour's price and every pod-hour's GPU-seconds and cost,
 * estimated and billed.
 *
 * <p>It shares no code with the job: no parser of the schemas module, no allocation or
 * reconciliation class, no rate-card class. Everything is held until {@link #compute()}: the whole
 * run is known at once, so nothing here is incremental (the job's hardest part is that it is).
 *
 * <p>Rules, as the documents state them:
 *
 * <ul>
 *   <li>A node exists from {@code metadata.creationTimestamp} to the {@code deletionTimestamp} of
 *       its DELETED event. A bounded run "costs only the time that was observed": up to the end of
 *       the minute of the last record about the node (a GPU sample naming it, an event about it or
 *       about a pod bound to it).
 *   <li>Its price is the rate card's {@code price_per_hour} for (region, instance type, capacity
 *       type), else the {@code *} region's, else none (unpriced, null cost). A node-hour's price is
 *       that rate times the part of the hour the node existed, rounded half-even to micro-units.
 *   <li>GPUs offered: {@code nvidia.com/gpu.count} label, else {@code status.capacity}; GPU-seconds
 *       of the node-hour = GPUs x seconds it existed in the hour.
 *   <li>A pod bound to the node holds {@code nvidia.com/gpu} (limits, else requests, summed over
 *       containers, max'ed with init containers) from {@code status.startTime} to its end: the last
 *       container's {@code finishedAt} once the pod is Succeeded or Failed (or, restartPolicy
 *       Never, all containers terminated), else its deletion.
 *   <li>Each pod's share = price x its GPU-seconds / node GPU-seconds, rounded half-even to
 *       micro-units; idle = the price minus the shares (if that is of the other sign, it comes off
 *       the largest share and idle is 0).
 *   <li>Billing: {@code ChargeCategory = Usage} rows that name a resource. Of one resource and
 *       billing-account slice (account and billing month), a row survives unless a newer delivery
 *       ({@code x_DeliveredAt}, then {@code x_DeliveryId}) has a row whose period overlaps it. A
 *       surviving row goes on the hours of its period in which the node ran, weighted by the part
 *       of the hour it covers x the node's GPU-seconds in the hour, each part rounded half-even to
 *       micro-units and the heaviest hour taking the remainder. The billed amount of an hour is the
 *       sum of the {@code EffectiveCost} parts ({@code reconciliation.allocate-by} default); it is
 *       split over the same pods by the same GPU-seconds as the estimate.
 * </ul>
 *
 * <p>What it does not model (the test's fleet has none of it): MIG and time-sliced GPUs, prices
 * published on the pricing topic, owned (energy-priced) nodes, staleness of silent nodes, ghost
 * pods, pods claiming more GPUs than the node has, late samples.
 */
final class IndependentLedger {
  static final int SCALE = 6;
  static final long HOUR = 3_600_000L;
  static final long MINUTE = 60_000L;
  static final String IDLE = "idle";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One node-hour, estimated and (when billed) billed. */
  static final class NodeHour {
    String node;

    /** The billing key of the node's instance (null without a providerID). */
    String resource;

    long hourStart;
    long nodeMillis;
    int gpus;

    /** Exact GPU-seconds of the node in the hour (GPUs x seconds it existed). */
    BigDecimal nodeGpuSeconds;

    /** Exact GPU-seconds by pod key ({@code namespace/name}), in key order. */
    final TreeMap<String, BigDecimal> podGpuSeconds = new TreeMap<>();

    /** Rate-card price of the node-hour; null when unpriced. */
    BigDecimal estimatedPrice;

    /** Cost by pod key and {@link #IDLE}; null when unpriced. */
    Map<String, BigDecimal> estimated;

    /** True when a surviving billing row covers the hour. */
    boolean billed;

    BigDecimal billedCost = BigDecimal.ZERO.setScale(SCALE);
    BigDecimal effectiveCost = BigDecimal.ZERO.setScale(SCALE);

    /** The billed amount ({@code EffectiveCost}) split by pod key and {@link #IDLE}. */
    Map<String, BigDecimal> billedSplit;

    BigDecimal idleGpuSeconds() {
      BigDecimal held = BigDecimal.ZERO;
      for (BigDecimal g : podGpuSeconds.values()) {
        held = held.add(g);
      }
      return nodeGpuSeconds.subtract(held);
    }
  }

  private static final class Node {
    String name;
    long created = -1;
    long deleted = -1;
    long lastSeen = Long.MIN_VALUE;
    String instanceType;
    String capacityType;
    String region;
    String providerId;
    int gpus;

    void seen(long t) {
      lastSeen = Math.max(lastSeen, t);
    }
  }

  private static final class Pod {
    String key; // namespace/name
    String node;
    int gpus;
    long start = -1;
    long end = -1;
  }

  private record Charge(
      String resource,
      String slice,
      String delivery,
      long deliveredAt,
      long from,
      long to,
      BigDecimal billed,
      BigDecimal effective) {}

  private record Rate(String region, String instanceType, String capacityType, BigDecimal price) {}

  private final String cluster;
  private final List<Rate> rates;
  private final Map<String, Node> nodes = new TreeMap<>();
  private final Map<String, Pod> pods = new HashMap<>(); // by uid
  private final List<Charge> charges = new ArrayList<>();

  /** Billing rows of allocated nodes that a newer delivery replaced (after {@link #compute()}). */
  int superseded;

  /**
   * Node-hours whose hourly row changed amount from one delivery to another (after {@link
   * #compute()}): restatements in the input.
   */
  int restatedHours;

  /**
   * @param cluster the cluster the job assigns to the watch events (its {@code cluster} option);
   *     samples of other clusters are not about these nodes
   * @param rateCardCsv the rate card the job priced with
   */
  IndependentLedger(String cluster, InputStream rateCardCsv) throws IOException {
    this.cluster = cluster;
    this.rates = readRateCard(rateCardCsv);
  }

  /** Reads one raw input record as the job consumed it; other topics are ignored. */
  void accept(String topic, byte[] value) throws IOException {
    JsonNode n = JSON.readTree(value);
    if (Topics.K8S_EVENTS.equals(topic)) {
      watchEvent(n);
    } else if (Topics.TELEMETRY_GPU.equals(topic)) {
      if (cluster.equals(n.path("cluster").asText(cluster))) {
        node(n.path("Hostname").asText()).seen(time(n.path("timestamp")));
      }
    } else if (Topics.BILLING_FOCUS.equals(topic)) {
      billingRow(n);
    }
  }

  // ------------------------------------------------------------------ raw records

  private void watchEvent(JsonNode e) {
    String type = e.path("type").asText();
    JsonNode o = e.path("object");
    JsonNode meta = o.path("metadata");
    String kind = o.path("kind").asText();
    if (kind.equals("Node")) {
      Node n = node(meta.path("name").asText());
      JsonNode labels = meta.path("labels");
      n.created = time(meta.path("creationTimestamp"));
      if (type.equals("DELETED")) {
        n.deleted = time(meta.path("deletionTimestamp"));
      }
      n.instanceType = text(labels, "node.kubernetes.io/instance-type");
      n.region = text(labels, "topology.kubernetes.io/region");
      n.capacityType = capacityType(labels);
      n.providerId = text(o.path("spec"), "providerID");
      String count = text(labels, "nvidia.com/gpu.count");
      n.gpus =
          count != null
              ? Integer.parseInt(count)
              : o.path("status").path("capacity").path("nvidia.com/gpu").asInt(0);
      long newest = Math.max(n.created, time(meta.path("deletionTimestamp")));
      for (JsonNode c : o.path("status").path("conditions")) {
        newest = Math.max(newest, time(c.path("lastTransitionTime")));
        newest = Math.max(newest, time(c.path("lastHeartbeatTime")));
      }
      n.seen(newest);
    } else if (kind.equals("Pod")) {
      String nodeName = text(o.path("spec"), "nodeName");
      if (nodeName == null) {
        return; // not scheduled: holds no GPU of any node
      }
      String uid = meta.path("uid").asText();
      Pod p = pods.computeIfAbsent(uid, u -> new Pod());
      p.key = meta.path("namespace").asText("default") + "/" + meta.path("name").asText();
      p.node = nodeName;
      p.gpus = gpus(o.path("spec"));
      JsonNode status = o.path("status");
      long start = time(status.path("startTime"));
      if (start >= 0) {
        p.start = start;
      }
      long newest = Math.max(time(meta.path("creationTimestamp")), start);
      long deletion = time(meta.path("deletionTimestamp"));
      newest = Math.max(newest, deletion);
      long lastFinished = -1;
      boolean allTerminated = status.path("containerStatuses").size() > 0;
      for (JsonNode cs : status.path("containerStatuses")) {
        JsonNode state = cs.path("state");
        newest = Math.max(newest, time(state.path("running").path("startedAt")));
        newest = Math.max(newest, time(state.path("terminated").path("startedAt")));
        long finished = time(state.path("terminated").path("finishedAt"));
        newest = Math.max(newest, finished);
        lastFinished = Math.max(lastFinished, finished);
        allTerminated &= finished >= 0;
      }
      for (JsonNode c : status.path("conditions")) {
        newest = Math.max(newest, time(c.path("lastTransitionTime")));
      }
      String phase = status.path("phase").asText();
      boolean done =
          phase.equals("Succeeded")
              || phase.equals("Failed")
              || (allTerminated && "Never".equals(text(o.path("spec"), "restartPolicy")));
      long end = -1;
      if (done) {
        end = lastFinished >= 0 ? lastFinished : newest;
      } else if (type.equals("DELETED")) {
        end = deletion >= 0 ? deletion : newest;
      }
      if (end >= 0) {
        p.end = p.end < 0 ? end : Math.min(p.end, end);
      }
      node(nodeName).seen(newest);
    }
  }

  /** GPUs as the scheduler counts them: limits else requests, summed; max with init containers. */
  private static int gpus(JsonNode spec) {
    int sum = 0;
    for (JsonNode c : spec.path("containers")) {
      sum += containerGpus(c);
    }
    int init = 0;
    for (JsonNode c : spec.path("initContainers")) {
      init = Math.max(init, containerGpus(c));
    }
    return Math.max(sum, init);
  }

  private static int containerGpus(JsonNode c) {
    JsonNode limit = c.path("resources").path("limits").get("nvidia.com/gpu");
    JsonNode v = limit != null ? limit : c.path("resources").path("requests").get("nvidia.com/gpu");
    return v == null ? 0 : Integer.parseInt(v.asText().trim());
  }

  private static String capacityType(JsonNode labels) {
    String karpenter = text(labels, "karpenter.sh/capacity-type");
    if (karpenter != null) {
      return karpenter.equalsIgnoreCase("spot") ? "spot" : "on-demand";
    }
    String eks = text(labels, "eks.amazonaws.com/capacityType");
    if (eks != null) {
      return eks.equalsIgnoreCase("spot") ? "spot" : "on-demand";
    }
    if ("true".equals(text(labels, "cloud.google.com/gke-spot"))) {
      return "spot";
    }
    return "spot".equalsIgnoreCase(text(labels, "kubernetes.azure.com/scalesetpriority"))
        ? "spot"
        : "on-demand";
  }

  private void billingRow(JsonNode r) {
    String resource = text(r, "ResourceId");
    if (!"Usage".equalsIgnoreCase(text(r, "ChargeCategory")) || resource == null) {
      return; // credits, support, tax...: not node cost
    }
    BigDecimal billed = money(r.path("BilledCost"));
    JsonNode eff = r.path("EffectiveCost");
    BigDecimal effective = eff.isNumber() || eff.isTextual() ? money(eff) : billed;
    String month = text(r, "BillingPeriodStart").substring(0, 7);
    charges.add(
        new Charge(
            resourceKey(resource),
            text(r, "BillingAccountId") + "/" + month,
            text(r, "x_DeliveryId"),
            time(r.path("x_DeliveredAt")),
            time(r.path("ChargePeriodStart")),
            time(r.path("ChargePeriodEnd")),
            billed,
            effective));
  }

  /**
   * Where a billing ResourceId and a node's providerID meet (docs/reconciliation.md, Matching): the
   * instance id for AWS, the instance name for GCP, the lower-cased ARM id for Azure.
   */
  static String resourceKey(String id) {
    String s = id;
    if (s.startsWith("azure://")) {
      s = s.substring("azure://".length());
    }
    if (s.toLowerCase(Locale.ROOT).contains("/providers/microsoft.compute/")) {
      s = s.toLowerCase(Locale.ROOT);
      return s.startsWith("/") ? s : "/" + s;
    }
    return s.substring(s.lastIndexOf('/') + 1); // aws:///zone/i-..., gce://p/z/name, arn:...
  }

  // ------------------------------------------------------------------ the ledger

  /** Every node-hour the run should have allocated, by {@code node@hourStart}. */
  Map<String, NodeHour> compute() {
    superseded = 0;
    restatedHours = 0;
    Map<String, NodeHour> out = new TreeMap<>();
    Map<String, Map<Long, NodeHour>> byResource = new HashMap<>();
    for (Node n : nodes.values()) {
      if (n.created < 0 || n.gpus <= 0) {
        continue; // only telemetry knows it: unpriced, not modelled here
      }
      long from = n.created;
      long observedTo = Math.floorDiv(n.lastSeen, MINUTE) * MINUTE + MINUTE;
      long to = n.deleted >= 0 ? Math.min(n.deleted, observedTo) : observedTo;
      BigDecimal rate = price(n);
      for (long h = Math.floorDiv(from, HOUR) * HOUR; h < to; h += HOUR) {
        long a = Math.max(from, h);
        long b = Math.min(to, h + HOUR);
        if (b <= a) {
          continue;
        }
        NodeHour nh = new NodeHour();
        nh.node = n.name;
        nh.resource = n.providerId == null ? null : resourceKey(n.providerId);
        nh.hourStart = h;
        nh.nodeMillis = b - a;
        nh.gpus = n.gpus;
        nh.nodeGpuSeconds = seconds(n.gpus, b - a);
        for (Pod p : pods.values()) {
          if (!p.node.equals(n.name) || p.gpus <= 0 || p.start < 0) {
            continue;
          }
          long ps = Math.max(p.start, a);
          long pe = Math.min(p.end < 0 ? Long.MAX_VALUE : p.end, b);
          if (pe > ps) {
            nh.podGpuSeconds.merge(p.key, seconds(p.gpus, pe - ps), BigDecimal::add);
          }
        }
        if (rate != null) {
          nh.estimatedPrice =
              rate.multiply(BigDecimal.valueOf(b - a))
                  .divide(BigDecimal.valueOf(HOUR), SCALE, RoundingMode.HALF_EVEN);
          nh.estimated = split(nh, nh.estimatedPrice);
        }
        out.put(n.name + "@" + Instant.ofEpochMilli(h), nh);
        if (n.providerId != null) {
          byResource.computeIfAbsent(resourceKey(n.providerId), k -> new TreeMap<>()).put(h, nh);
        }
      }
    }
    bill(byResource);
    return out;
  }

  private void bill(Map<String, Map<Long, NodeHour>> byResource) {
    Map<String, java.util.Set<BigDecimal>> delivered = new HashMap<>();
    for (Charge c : charges) {
      Map<Long, NodeHour> hours = byResource.get(c.resource());
      if (hours == null) {
        continue;
      }
      if (c.to() - c.from() == HOUR) {
        delivered
            .computeIfAbsent(c.resource() + "@" + c.from(), k -> new java.util.HashSet<>())
            .add(c.effective());
      }
      if (superseded(c)) {
        superseded++;
        continue;
      }
      List<NodeHour> ran = new ArrayList<>();
      List<BigDecimal> weights = new ArrayList<>();
      for (NodeHour nh : hours.values()) {
        long overlap = Math.min(c.to(), nh.hourStart + HOUR) - Math.max(c.from(), nh.hourStart);
        if (overlap > 0) {
          nh.billed = true;
          ran.add(nh);
          weights.add(nh.nodeGpuSeconds.multiply(BigDecimal.valueOf(overlap)));
        }
      }
      if (ran.isEmpty()) {
        continue; // an unallocated line: not compared here
      }
      BigDecimal[] billed = spread(c.billed(), weights);
      BigDecimal[] effective = spread(c.effective(), weights);
      for (int i = 0; i < ran.size(); i++) {
        ran.get(i).billedCost = ran.get(i).billedCost.add(billed[i]);
        ran.get(i).effectiveCost = ran.get(i).effectiveCost.add(effective[i]);
      }
    }
    for (java.util.Set<BigDecimal> amounts : delivered.values()) {
      restatedHours += amounts.size() > 1 ? 1 : 0;
    }
    for (Map<Long, NodeHour> hours : byResource.values()) {
      for (NodeHour nh : hours.values()) {
        if (nh.billed) {
          nh.billedSplit = split(nh, nh.effectiveCost);
        }
      }
    }
  }

  /** A row restated by a newer delivery of the same resource and slice overlapping its period. */
  private boolean superseded(Charge c) {
    for (Charge o : charges) {
      boolean newer =
          o.deliveredAt() > c.deliveredAt()
              || (o.deliveredAt() == c.deliveredAt() && o.delivery().compareTo(c.delivery()) > 0);
      if (newer
          && o.resource().equals(c.resource())
          && o.slice().equals(c.slice())
          && o.from() < c.to()
          && c.from() < o.to()) {
        return true;
      }
    }
    return false;
  }

  /** {@code amount} over {@code weights}: each part rounded, the first heaviest takes the rest. */
  static BigDecimal[] spread(BigDecimal amount, List<BigDecimal> weights) {
    BigDecimal total = BigDecimal.ZERO;
    int heaviest = 0;
    for (int i = 0; i < weights.size(); i++) {
      total = total.add(weights.get(i));
      if (weights.get(i).compareTo(weights.get(heaviest)) > 0) {
        heaviest = i;
      }
    }
    BigDecimal[] parts = new BigDecimal[weights.size()];
    BigDecimal rest = amount;
    for (int i = 0; i < parts.length; i++) {
      if (i != heaviest) {
        parts[i] = amount.multiply(weights.get(i)).divide(total, SCALE, RoundingMode.HALF_EVEN);
        rest = rest.subtract(parts[i]);
      }
    }
    parts[heaviest] = rest;
    return parts;
  }

  /**
   * True when a pod's share of {@code amount} falls exactly on half a micro-unit and half-even
   * rounds it down (where half-up would not): the shares on which a wrong rounding mode shows.
   */
  static boolean evenTie(NodeHour nh, BigDecimal amount, String pod) {
    BigDecimal exact = amount.multiply(nh.podGpuSeconds.get(pod));
    BigDecimal q = exact.divide(nh.nodeGpuSeconds, SCALE + 1, RoundingMode.DOWN);
    return q.multiply(nh.nodeGpuSeconds).compareTo(exact) == 0
        && q.abs().unscaledValue().mod(java.math.BigInteger.TEN).intValue() == 5
        && !q.abs().unscaledValue().divide(java.math.BigInteger.TEN).testBit(0);
  }

  /** The node-hour's {@code amount} over its pods by GPU-seconds; idle takes the remainder. */
  static Map<String, BigDecimal> split(NodeHour nh, BigDecimal amount) {
    Map<String, BigDecimal> out = new TreeMap<>();
    BigDecimal rest = amount;
    String largest = null;
    for (Map.Entry<String, BigDecimal> e : nh.podGpuSeconds.entrySet()) {
      BigDecimal share =
          amount.multiply(e.getValue()).divide(nh.nodeGpuSeconds, SCALE, RoundingMode.HALF_EVEN);
      out.put(e.getKey(), share);
      rest = rest.subtract(share);
      if (largest == null || share.abs().compareTo(out.get(largest).abs()) > 0) {
        largest = e.getKey();
      }
    }
    if (largest != null && rest.signum() != 0 && rest.signum() != amount.signum()) {
      out.put(largest, out.get(largest).add(rest));
      rest = BigDecimal.ZERO.setScale(SCALE);
    }
    out.put(IDLE, rest);
    return out;
  }

  private BigDecimal price(Node n) {
    for (String region : new String[] {n.region, "*"}) {
      for (Rate r : rates) {
        if (r.region().equals(region)
            && r.instanceType().equals(n.instanceType)
            && r.capacityType().equals(n.capacityType)) {
          return r.price();
        }
      }
    }
    return null;
  }

  private static List<Rate> readRateCard(InputStream csv) throws IOException {
    List<Rate> out = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8))) {
      List<String> header = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        List<String> cells = List.of(line.split(",", -1));
        if (header == null) {
          header = cells;
          continue;
        }
        out.add(
            new Rate(
                cells.get(header.indexOf("region")).trim(),
                cells.get(header.indexOf("instance_type")).trim(),
                cells.get(header.indexOf("capacity_type")).trim(),
                new BigDecimal(cells.get(header.indexOf("price_per_hour")).trim())));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ small helpers

  private Node node(String name) {
    return nodes.computeIfAbsent(
        name,
        k -> {
          Node n = new Node();
          n.name = k;
          return n;
        });
  }

  /** GPU-seconds of {@code gpus} held for {@code millis}, exact. */
  static BigDecimal seconds(int gpus, long millis) {
    return BigDecimal.valueOf(gpus).multiply(BigDecimal.valueOf(millis, 3));
  }

  private static BigDecimal money(JsonNode v) {
    BigDecimal d = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim());
    return d.setScale(SCALE, RoundingMode.HALF_EVEN);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }

  /** Epoch ms of an RFC 3339 time; -1 when absent. */
  static long time(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull() || v.asText().isEmpty()) {
      return -1;
    }
    return OffsetDateTime.parse(v.asText()).toInstant().toEpochMilli();
  }
}
