package io.burnrate.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.Topics;
import io.burnrate.schemas.model.BillingLineItem;
import io.burnrate.schemas.model.K8sObject;
import io.burnrate.schemas.parse.FocusRowParser;
import io.burnrate.schemas.parse.GpuSampleParser;
import io.burnrate.schemas.parse.K8sEventParser;
import io.burnrate.schemas.parse.WorkloadProgressParser;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {
  private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

  private static List<SimRecord> run(long seed, int nodes, Duration span) {
    List<SimRecord> out = new ArrayList<>();
    new FleetSimulator(
            new FleetSimulator.Config(seed, START, span, nodes, "c", Duration.ofSeconds(10), true))
        .run(out::add);
    return out;
  }

  private static String digest(List<SimRecord> records) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (SimRecord r : records) {
      md.update(r.topic().getBytes());
      md.update(r.value());
      md.update(Long.toString(r.timestamp()).getBytes());
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  @Test
  void sameSeedSameRecordsByteForByte() throws Exception {
    assertThat(digest(run(3, 8, Duration.ofMinutes(40))))
        .isEqualTo(digest(run(3, 8, Duration.ofMinutes(40))))
        .isNotEqualTo(digest(run(4, 8, Duration.ofMinutes(40))));
  }

  @Test
  void everyRecordIsValidInputInNearEventTimeOrder() throws Exception {
    List<SimRecord> records = run(11, 8, Duration.ofMinutes(90));
    GpuSampleParser gpu = new GpuSampleParser("c");
    WorkloadProgressParser work = new WorkloadProgressParser("c");
    K8sEventParser k8s = new K8sEventParser("c", List.of("team", "project", "cost-center"));
    FocusRowParser focus = new FocusRowParser();
    Map<String, Double> billed = new HashMap<>();
    Map<String, Integer> perTopic = new HashMap<>();
    Set<String> resetPods = new HashSet<>();
    Map<String, Double> lastSamples = new HashMap<>();
    long newest = 0;
    for (SimRecord r : records) {
      perTopic.merge(r.topic(), 1, Integer::sum);
      // in event-time order up to a few seconds, well within the default 20 s out-of-orderness
      assertThat(r.timestamp()).isGreaterThan(newest - 10_000);
      newest = Math.max(newest, r.timestamp());
      switch (r.topic()) {
        case Topics.TELEMETRY_GPU ->
            assertThat(gpu.parse(r.value()).timestamp).isEqualTo(r.timestamp());
        case Topics.TELEMETRY_WORKLOAD -> {
          var w = work.parse(r.value());
          if (!Double.isNaN(w.samplesTotal)) {
            Double last = lastSamples.put(w.podKey(), w.samplesTotal);
            if (last != null && w.samplesTotal < last) {
              resetPods.add(w.podKey());
            }
          }
        }
        case Topics.BILLING_FOCUS -> {
          BillingLineItem b = focus.parse(r.value());
          // billing is late: it arrives after the hour it charges
          assertThat(b.chargePeriodEnd).isLessThanOrEqualTo(r.timestamp());
          billed.merge(b.chargeCategory, b.billedCost, Double::sum);
        }
        case Topics.CONFIG_BUDGETS ->
            assertThat(new io.burnrate.jobs.budgets.BudgetParser("UTC").parse(r.value(), "b").id)
                .isEqualTo(r.key());
        default -> {
          K8sObject o = k8s.parse(r.value(), r.timestamp());
          assertThat(o.pod != null || o.node != null).isTrue();
        }
      }
    }
    assertThat(perTopic)
        .containsKeys(
            Topics.TELEMETRY_GPU,
            Topics.TELEMETRY_WORKLOAD,
            Topics.K8S_EVENTS,
            Topics.BILLING_FOCUS,
            Topics.CONFIG_BUDGETS);
    assertThat(billed.get("Usage")).as("usage billed").isPositive();
    assertThat(billed.get("Credit")).as("a credit is real (negative) money").isNegative();
    assertThat(resetPods).as("a counter reset is simulated").isNotEmpty();
  }

  @Test
  void incidentsAreListedAsGroundTruth() {
    FleetSimulator sim = new FleetSimulator(FleetSimulator.Config.defaults(START));
    assertThat(sim.incidents())
        .extracting(FleetSimulator.Incident::kind)
        .contains(
            "idle_gpu",
            "throughput_degradation",
            "counter_reset",
            "under_utilisation",
            "memory_pressure",
            "runaway_scale_up",
            "spot_reclaimed",
            "unpriced_instance_type",
            "spot_tolerant_on_demand",
            "budget_thresholds",
            "budget_forecast");
  }

  @Test
  void theOwnedSiteReportsEnergyHasNoBillAndItsRunsPlateauAndDiverge() throws Exception {
    Duration span = Duration.ofMinutes(100);
    FleetSimulator.Config cfg =
        new FleetSimulator.Config(5, START, span, 6, "c", Duration.ofSeconds(10), true)
            .withOwnedSite();
    FleetSimulator sim = new FleetSimulator(cfg);
    List<SimRecord> records = new ArrayList<>();
    sim.run(records::add);
    GpuSampleParser gpu = new GpuSampleParser("c");
    WorkloadProgressParser work = new WorkloadProgressParser("c");
    K8sEventParser k8s = new K8sEventParser("c", List.of("team", "project", "cost-center"));
    Set<String> ownedNodes = new HashSet<>();
    Map<String, Double> lastEnergy = new HashMap<>();
    int resets = 0;
    int valLossReadings = 0;
    boolean nanLoss = false;
    boolean tokens = false;
    for (SimRecord r : records) {
      switch (r.topic()) {
        case Topics.K8S_EVENTS -> {
          K8sObject o = k8s.parse(r.value(), r.timestamp());
          if (o.node != null && FleetSimulator.OWNED_SITE.equals(o.node.site)) {
            ownedNodes.add(o.node.name);
            assertThat(o.node.instanceType).isNull();
          }
        }
        case Topics.TELEMETRY_GPU -> {
          var g = gpu.parse(r.value());
          if (g.hostname.startsWith("dgx-")) {
            assertThat(g.totalEnergy).as("energy counter on owned GPUs").isPositive();
            String k = g.hostname + "/" + g.gpu;
            Double before = lastEnergy.put(k, g.totalEnergy);
            if (before != null && g.totalEnergy < before) {
              resets++;
            }
          } else {
            assertThat(Double.isNaN(g.totalEnergy)).isTrue();
          }
        }
        case Topics.TELEMETRY_WORKLOAD -> {
          var w = work.parse(r.value());
          if (w.pod.startsWith("train-llm-finetune-0") && !Double.isNaN(w.valLoss)) {
            valLossReadings++;
          }
          nanLoss |= w.pod.startsWith("train-rl-unstable-0") && w.lossNonFinite;
          tokens |= w.pod.startsWith("serve-chat-llm") && w.tokensTotal > 0;
        }
        case Topics.BILLING_FOCUS ->
            assertThat(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("dgx-");
        default -> {}
      }
    }
    assertThat(ownedNodes).containsExactlyInAnyOrder("dgx-a100-lab-01", "dgx-a100-lab-02");
    assertThat(resets).as("one driver reload").isEqualTo(1);
    assertThat(valLossReadings).as("an evaluation every 5 minutes").isBetween(18, 20);
    assertThat(nanLoss).isTrue();
    assertThat(tokens).isTrue();
    assertThat(sim.incidents())
        .extracting(FleetSimulator.Incident::kind)
        .contains("training_plateau", "training_diverged", "energy_counter_reset");
  }

  @Test
  void theOwnedSiteLeavesTheCloudFleetsPlanAlone() throws Exception {
    Duration span = Duration.ofMinutes(30);
    List<SimRecord> cloud = run(3, 8, span);
    List<SimRecord> both = new ArrayList<>();
    new FleetSimulator(
            new FleetSimulator.Config(3, START, span, 8, "c", Duration.ofSeconds(10), true)
                .withOwnedSite())
        .run(both::add);
    // the same Node ADDED events for the cloud nodes: the owned site only adds
    K8sEventParser k8s = new K8sEventParser("c", List.of("team"));
    Set<String> cloudNodes = new HashSet<>();
    Set<String> bothNodes = new HashSet<>();
    for (SimRecord r : cloud) {
      if (r.topic().equals(Topics.K8S_EVENTS)) {
        K8sObject o = k8s.parse(r.value(), r.timestamp());
        if (o.node != null) {
          cloudNodes.add(o.node.name + "/" + o.node.instanceType);
        }
      }
    }
    for (SimRecord r : both) {
      if (r.topic().equals(Topics.K8S_EVENTS)) {
        K8sObject o = k8s.parse(r.value(), r.timestamp());
        if (o.node != null && o.node.site == null) {
          bothNodes.add(o.node.name + "/" + o.node.instanceType);
        }
      }
    }
    assertThat(bothNodes).isEqualTo(cloudNodes);
  }
}
