package io.burnrate.jobs.run;

import io.burnrate.connectors.kafka.KafkaOptions;
import io.burnrate.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The start-up check of {@code ./burnrate run}: every input, configuration and output topic exists,
 * or is created (data topics with {@code partitions} partitions and the broker's default
 * replication, configuration topics compacted with one partition, as {@code EmbeddedKafka} does).
 */
public final class TopicCheck {
  private TopicCheck() {}

  /** What the check found and did. */
  public record Result(List<String> created, List<String> missing, String error) {
    public boolean ok() {
      return missing.isEmpty() && error == null;
    }
  }

  /** Every topic the job reads or writes. */
  static List<String> all() {
    List<String> all = new ArrayList<>(Topics.INPUTS);
    all.addAll(Topics.CONFIG);
    all.addAll(Topics.OUTPUTS);
    return all;
  }

  public static Result ensure(KafkaOptions kafka, boolean create, int partitions) {
    Properties p = kafka.toProperties();
    p.setProperty("request.timeout.ms", "10000");
    p.setProperty("default.api.timeout.ms", "20000");
    Admin admin;
    try {
      admin = Admin.create(p);
    } catch (org.apache.kafka.common.KafkaException e) {
      // e.g. no bootstrap address resolves: the client refuses to start
      return new Result(
          List.of(),
          List.of(),
          "cannot reach Kafka at " + kafka.bootstrapServers() + ": " + message(e));
    }
    try (Admin a = admin) {
      Set<String> existing;
      try {
        existing = a.listTopics().names().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        return new Result(
            List.of(),
            List.of(),
            "cannot list the topics of Kafka at " + kafka.bootstrapServers() + ": " + message(e));
      }
      List<String> missing = new ArrayList<>();
      for (String t : all()) {
        if (!existing.contains(t)) {
          missing.add(t);
        }
      }
      if (missing.isEmpty() || !create) {
        return new Result(List.of(), missing, null);
      }
      List<NewTopic> topics = new ArrayList<>();
      for (String t : missing) {
        topics.add(
            Topics.CONFIG.contains(t)
                ? new NewTopic(t, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact"))
                : new NewTopic(t, Optional.of(partitions), Optional.empty()));
      }
      List<String> created = new ArrayList<>();
      List<String> refused = new ArrayList<>();
      String error = null;
      var results = a.createTopics(topics).values();
      for (var e : results.entrySet()) {
        try {
          e.getValue().get(30, TimeUnit.SECONDS);
          created.add(e.getKey());
        } catch (ExecutionException ex) {
          if (ex.getCause() instanceof TopicExistsException) {
            continue; // created meanwhile by someone else
          }
          refused.add(e.getKey());
          error = message(ex);
        } catch (Exception ex) {
          refused.add(e.getKey());
          error = message(ex);
        }
      }
      created.sort(null);
      return new Result(created, refused, refused.isEmpty() ? null : error);
    }
  }

  /** The kafka-topics commands that create {@code missing}. */
  public static String commands(String bootstrap, List<String> missing, int partitions) {
    StringBuilder b = new StringBuilder();
    for (String t : missing) {
      if (b.length() > 0) {
        b.append(" && ");
      }
      b.append("kafka-topics.sh --bootstrap-server ")
          .append(bootstrap)
          .append(" --create --topic ")
          .append(t);
      if (Topics.CONFIG.contains(t)) {
        b.append(" --partitions 1 --config cleanup.policy=compact");
      } else {
        b.append(" --partitions ").append(partitions);
      }
    }
    return b.toString();
  }

  static String message(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName()
        + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }
}
