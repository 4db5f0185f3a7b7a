package io.burnrate.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.burnrate.schemas.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code burnrate.cost.windows}, {@code burnrate.dlq}, {@code burnrate.alerts}, {@code
 * burnrate.actions} and {@code burnrate.budget.status} (read_committed, as any downstream consumer
 * would) and keeps a compact picture: the latest minute per workload and per node, and one line per
 * alert, action and budget change (status or thresholds crossed) since the last print.
 */
public final class LiveView implements Runnable, AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Map<String, JsonNode> latestWorkload = new HashMap<>();
  private final Map<String, JsonNode> latestIdle = new HashMap<>();
  private final Map<String, Integer> dlqReasons = new HashMap<>();
  private final List<String> newEvents = new ArrayList<>();
  private final Map<String, String> budgetState = new HashMap<>();
  private long windows;
  private long newestWindowEnd;

  public LiveView(Properties kafka) {
    Properties p = new Properties();
    p.putAll(kafka);
    p.setProperty("group.id", "burnrate-demo-live-view");
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("auto.offset.reset", "earliest");
    p.setProperty("enable.auto.commit", "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(
        List.of(
            Topics.COST_WINDOWS, Topics.DLQ, Topics.ALERTS, Topics.ACTIONS, Topics.BUDGET_STATUS));
  }

  @Override
  public void run() {
    while (!stop.get()) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        try {
          JsonNode n = MAPPER.readTree(r.value());
          synchronized (this) {
            if (r.topic().equals(Topics.ALERTS)) {
              newEvents.add(alertLine(n));
              continue;
            }
            if (r.topic().equals(Topics.ACTIONS)) {
              newEvents.add(actionLine(n));
              continue;
            }
            if (r.topic().equals(Topics.BUDGET_STATUS)) {
              budgetLine(n);
              continue;
            }
            if (r.topic().equals(Topics.DLQ)) {
              dlqReasons.merge(n.path("reason").asText(), 1, Integer::sum);
              continue;
            }
            windows++;
            long end = Instant.parse(n.path("window_end").asText()).toEpochMilli();
            newestWindowEnd = Math.max(newestWindowEnd, end);
            if ("idle".equals(n.path("kind").asText())) {
              latestIdle.merge(n.path("node").asText(), n, LiveView::newer);
            } else {
              latestWorkload.merge(n.path("workload").asText(), n, LiveView::newer);
            }
          }
        } catch (Exception e) {
          // the view is best effort; the pipeline's own outputs are the record
        }
      }
    }
    consumer.close(Duration.ofSeconds(5));
  }

  private static JsonNode newer(JsonNode a, JsonNode b) {
    return b.path("window_end").asText().compareTo(a.path("window_end").asText()) >= 0 ? b : a;
  }

  /** Prints the top workloads by cost per hour in their latest minute, and idle dollars. */
  public synchronized void print(PrintStream out, int top) {
    String now = newestWindowEnd == 0 ? "-" : Instant.ofEpochMilli(newestWindowEnd).toString();
    List<JsonNode> current = new ArrayList<>();
    for (JsonNode n : latestWorkload.values()) {
      if (n.path("window_end").asText().equals(now)) {
        current.add(n);
      }
    }
    current.sort((a, b) -> Double.compare(b.path("cost").asDouble(0), a.path("cost").asDouble(0)));
    double idlePerHour = 0;
    double idleGpus = 0;
    for (JsonNode n : latestIdle.values()) {
      if (n.path("window_end").asText().equals(now)) {
        idlePerHour += n.path("cost").asDouble(0) * 60;
        idleGpus += n.path("idle_gpu_seconds").asDouble(0) / 60;
      }
    }
    double burn = idlePerHour;
    for (JsonNode n : current) {
      burn += n.path("cost").asDouble(0) * 60;
    }
    out.printf(
        "%n-- minute ending %s | %d windows | fleet burn $%,.2f/h | idle $%,.2f/h (%.1f GPUs) | dead letters %s%n",
        now, windows, burn, idlePerHour, idleGpus, dlqReasons.isEmpty() ? "0" : dlqReasons);
    String owned = ownedSiteLine(current);
    if (owned != null) {
      out.println(owned);
    }
    out.printf(
        "  %-44s %-12s %9s %5s %22s %10s%n",
        "workload", "team", "$/hour", "eff", "$ per unit of work", "basis");
    for (int i = 0; i < Math.min(top, current.size()); i++) {
      JsonNode n = current.get(i);
      String cps =
          n.path("cost_per_sample").isNumber()
              ? String.format("%.4f /1k samples", n.path("cost_per_sample").asDouble() * 1000)
              : n.path("cost_per_million_tokens").isNumber()
                  ? String.format("%.2f /1M tokens", n.path("cost_per_million_tokens").asDouble())
                  : "-";
      String eff =
          n.path("efficiency").isNumber()
              ? String.format("%3.0f%%", n.path("efficiency").asDouble() * 100)
              : "-";
      String cost =
          n.path("cost").isNumber()
              ? String.format("%,.2f", n.path("cost").asDouble() * 60)
              : "n/a";
      out.printf(
          "  %-44s %-12s %9s %5s %22s %10s%n",
          abbreviate(n.path("workload").asText(), 44),
          n.path("team").asText("-"),
          cost,
          eff,
          cps,
          n.path("cost_basis").asText());
    }
    for (String a : newEvents) {
      out.println(a);
    }
    newEvents.clear();
  }

  /**
   * Owned GPUs in the minute: what they cost (energy and amortisation) beside what the same
   * GPU-seconds would cost in the cloud; null when no owned site reported.
   */
  static String ownedSiteLine(List<JsonNode> current) {
    double owned = 0;
    double energy = 0;
    double onDemand = 0;
    double spot = 0;
    java.util.Set<String> sites = new java.util.TreeSet<>();
    for (JsonNode n : current) {
      if (n.path("site").isTextual()) {
        sites.add(n.path("site").asText());
        owned += n.path("cost").asDouble(0) * 60;
        energy += n.path("energy_cost").asDouble(0) * 60;
        onDemand += n.path("cloud_on_demand_cost").asDouble(0) * 60;
        spot += n.path("cloud_spot_cost").asDouble(0) * 60;
      }
    }
    if (sites.isEmpty()) {
      return null;
    }
    return String.format(
        "  owned GPUs (%s): $%,.2f/h (energy $%,.2f/h) vs the same GPU time in the cloud $%,.2f/h"
            + " on-demand, $%,.2f/h spot",
        String.join(", ", sites), owned, energy, onDemand, spot);
  }

  /** {@code ALERT firing IdleGpu: GPUs of ... are idle: utilisation 1% < 10%}. */
  static String alertLine(JsonNode n) {
    return String.format(
        "  ALERT  %-8s %s: %s",
        n.path("status").asText(),
        n.path("alertname").asText(),
        n.at("/annotations/summary").asText());
  }

  /** {@code ACTION open move_to_spot: ... (saves 1,234.00 USD/month)}. */
  static String actionLine(JsonNode n) {
    String savings =
        n.path("estimated_monthly_savings").isNumber() && "open".equals(n.path("status").asText())
            ? String.format(
                " (saves %,.2f %s/month)",
                n.path("estimated_monthly_savings").asDouble(), n.path("currency").asText("USD"))
            : "";
    return String.format(
        "  ACTION %-8s %s: %s%s",
        n.path("status").asText(),
        n.path("kind").asText().equals("budget_escalation")
            ? n.path("operation").asText()
            : n.path("kind").asText(),
        n.path("reason").asText(),
        savings);
  }

  /** One line when a budget's status or the thresholds it crossed change, not every minute. */
  private void budgetLine(JsonNode n) {
    String id = n.path("budget_id").asText();
    String state =
        n.path("period_start").asText()
            + n.path("status").asText()
            + n.path("thresholds_crossed")
            + n.path("forecast_thresholds_crossed");
    if (state.equals(budgetState.put(id, state))) {
      return;
    }
    String breach =
        n.path("projected_breach_at").isTextual()
            ? ", breach projected " + n.path("projected_breach_at").asText()
            : "";
    newEvents.add(
        String.format(
            "  BUDGET %-8s %s (%s, %s): %.0f%% of %,.2f %s spent, forecast %.0f%%%s",
            n.path("status").asText(),
            id,
            n.path("scope").asText(),
            n.path("period").asText(),
            n.path("percent").asDouble(),
            n.path("amount").asDouble(),
            n.path("currency").asText(),
            n.path("forecast_percent").asDouble(),
            breach));
  }

  private static String abbreviate(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }

  public void stop() {
    stop.set(true);
  }

  /** Stops the polling loop; the loop closes the consumer on its own thread. */
  @Override
  public void close() {
    stop();
  }
}
