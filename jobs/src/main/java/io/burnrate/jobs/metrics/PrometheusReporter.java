package io.burnrate.jobs.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink metric reporter that serves every Flink metric in the Prometheus text format on {@code
 * http://<host>:<port>/metrics} (simpleclient's HTTPServer; host 127.0.0.1 unless configured).
 *
 * <p>Nothing runs on the hot path: registering a metric stores a reference, and counters, gauges,
 * meters and histograms are read only when Prometheus scrapes. Names follow {@link MetricNames}
 * ({@code burnrate_} + the Flink name in snake case); the metric's scope variables ({@code
 * job_name}, {@code task_name}, {@code operator_name}, {@code subtask_index}, and user groups such
 * as {@code reason} or {@code team}) become labels, and the Flink logical scope becomes the label
 * {@code scope}, so that a name registered at several levels (task and operator) stays apart.
 *
 * <p>Options ({@code metrics.reporter.<name>.<option>}): {@code port} (a port, a range {@code
 * 9250-9260}, or 0 for any free port; default 9249) and {@code host} (default 127.0.0.1).
 */
public final class PrometheusReporter implements MetricReporter {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusReporter.class);
  private static final CharacterFilter KEEP = s -> s;

  /**
   * Scope variables left out of the labels: hex ids that duplicate a name label ({@code task_id},
   * {@code operator_id}) or change on every restart ({@code task_attempt_id}), which would churn
   * series and bloat every scrape.
   */
  static final Set<String> DROPPED_LABELS = Set.of("task_id", "operator_id", "task_attempt_id");

  private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.99, 0.999};

  /** The ports reporters of this JVM serve on, for the demo to print. */
  private static final Set<Integer> BOUND = new CopyOnWriteArraySet<>();

  private final Map<Metric, Entry> metrics = new ConcurrentHashMap<>();
  private final CollectorRegistry registry = new CollectorRegistry(true);
  private HTTPServer server;

  private record Entry(String name, List<String> labelNames, List<String> labelValues) {}

  @Override
  public void open(MetricConfig config) {
    String host = config.getString("host", "127.0.0.1");
    String ports = config.getString("port", "9249");
    registry.register(new FlinkCollector());
    IOException last = null;
    for (int port : portRange(ports)) {
      try {
        server = new HTTPServer(new InetSocketAddress(host, port), registry, true);
        BOUND.add(server.getPort());
        LOG.info("Prometheus metrics on http://{}:{}/metrics", host, server.getPort());
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IllegalStateException(
        "metrics reporter: cannot bind " + host + " on port(s) " + ports, last);
  }

  /** The port this reporter serves on, -1 before {@link #open}. */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  /** Ports the reporters of this JVM serve on. */
  public static Set<Integer> boundPorts() {
    return Collections.unmodifiableSet(BOUND);
  }

  static List<Integer> portRange(String spec) {
    String s = spec.trim();
    int dash = s.indexOf('-');
    try {
      if (dash < 0) {
        return List.of(Integer.parseInt(s));
      }
      int from = Integer.parseInt(s.substring(0, dash).trim());
      int to = Integer.parseInt(s.substring(dash + 1).trim());
      if (from > to) {
        throw new IllegalArgumentException("metrics reporter port range is empty: " + spec);
      }
      List<Integer> out = new ArrayList<>();
      for (int p = from; p <= to; p++) {
        out.add(p);
      }
      return out;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "metrics reporter port: expected a port, a range such as 9250-9260, or 0; got " + spec);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      BOUND.remove(server.getPort());
      server.close();
      server = null;
    }
    metrics.clear();
  }

  @Override
  public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
    Map<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, String> v : group.getAllVariables().entrySet()) {
      String label = MetricNames.label(v.getKey());
      if (!DROPPED_LABELS.contains(label)) {
        labels.put(label, v.getValue() == null ? "" : v.getValue());
      }
    }
    labels.put("scope", scope(group));
    metrics.put(
        metric,
        new Entry(
            MetricNames.metric(metricName),
            List.copyOf(labels.keySet()),
            List.copyOf(labels.values())));
  }

  private static String scope(MetricGroup group) {
    try {
      return MetricNames.snake(LogicalScopeProvider.castFrom(group).getLogicalScope(KEEP, '_'));
    } catch (IllegalStateException e) {
      return "";
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
    metrics.remove(metric);
  }

  /** Reads every registered metric at scrape time. */
  private final class FlinkCollector extends Collector {
    @Override
    public List<MetricFamilySamples> collect() {
      Map<String, Family> families = new LinkedHashMap<>();
      for (Map.Entry<Metric, Entry> m : metrics.entrySet()) {
        Entry e = m.getValue();
        Metric metric = m.getKey();
        try {
          add(families, e, metric);
        } catch (RuntimeException ex) {
          LOG.debug("metric {} could not be read", e.name(), ex);
        }
      }
      List<MetricFamilySamples> out = new ArrayList<>(families.size());
      for (Family f : families.values()) {
        out.add(new MetricFamilySamples(f.name, f.type, f.help, f.samples));
      }
      return out;
    }

    private void add(Map<String, Family> families, Entry e, Metric metric) {
      if (metric instanceof Counter c) {
        // Flink counters may go down (dec()), so they are gauges in Prometheus terms.
        family(families, e.name(), Type.GAUGE, "Flink counter")
            .samples
            .add(sample(e.name(), e, c.getCount()));
      } else if (metric instanceof Gauge<?> g) {
        Double v = number(g.getValue());
        if (v != null) {
          family(families, e.name(), Type.GAUGE, "Flink gauge").samples.add(sample(e.name(), e, v));
        }
      } else if (metric instanceof Meter mt) {
        family(families, e.name(), Type.GAUGE, "Flink meter (rate per second)")
            .samples
            .add(sample(e.name(), e, mt.getRate()));
      } else if (metric instanceof Histogram h) {
        Family f = family(families, e.name(), Type.SUMMARY, "Flink histogram");
        HistogramStatistics st = h.getStatistics();
        for (double q : QUANTILES) {
          List<String> names = new ArrayList<>(e.labelNames());
          List<String> values = new ArrayList<>(e.labelValues());
          names.add("quantile");
          values.add(Double.toString(q));
          f.samples.add(new MetricFamilySamples.Sample(e.name(), names, values, st.getQuantile(q)));
        }
        f.samples.add(sample(e.name() + "_count", e, h.getCount()));
      }
    }

    private Family family(Map<String, Family> families, String name, Type type, String help) {
      return families.computeIfAbsent(name, n -> new Family(n, type, help));
    }

    private MetricFamilySamples.Sample sample(String name, Entry e, double value) {
      return new MetricFamilySamples.Sample(name, e.labelNames(), e.labelValues(), value);
    }
  }

  private static Double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1.0 : 0.0;
    }
    return null;
  }

  private static final class Family {
    final String name;
    final Collector.Type type;
    final String help;
    final List<Collector.MetricFamilySamples.Sample> samples = new ArrayList<>();

    Family(String name, Collector.Type type, String help) {
      this.name = name;
      this.type = type;
      this.help = help;
    }
  }
}
