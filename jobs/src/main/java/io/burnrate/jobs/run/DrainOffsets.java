package io.burnrate.jobs.run;

import io.burnrate.connectors.kafka.KafkaOptions;
import io.burnrate.schemas.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The end offsets of the input and configuration topics when a drain ({@code run --until-end})
 * starts, committed for the job's consumer groups when it has finished. The Kafka source commits
 * offsets only at checkpoints, and a split that reached its end is no longer in the final one, so
 * without this a later run re-read (and re-emitted) what the drain had already processed.
 */
final class DrainOffsets {
  private final KafkaOptions kafka;
  private final String groupId;
  private final Map<TopicPartition, Long> ends = new HashMap<>();

  DrainOffsets(KafkaOptions kafka, String groupId) {
    this.kafka = kafka;
    this.groupId = groupId;
  }

  static List<String> topics() {
    List<String> t = new ArrayList<>(Topics.INPUTS);
    t.addAll(Topics.CONFIG);
    return t;
  }

  /** The consumer group of {@code topic}'s source (as {@code BurnrateJob} names it). */
  String group(String topic) {
    return groupId + "-" + topic.substring(topic.lastIndexOf('.') + 1);
  }

  /** Reads the end offsets now (before the job's sources read theirs). */
  void capture() throws Exception {
    try (Admin a = Admin.create(kafka.toProperties())) {
      Map<TopicPartition, OffsetSpec> req = new HashMap<>();
      for (var d : a.describeTopics(topics()).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        d.partitions()
            .forEach(
                p -> req.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      a.listOffsets(req)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.put(tp, info.offset()));
    }
  }

  /**
   * Whether every consumer group has committed (at a completed checkpoint) the captured end of
   * every partition that had records.
   */
  boolean caughtUp() {
    try (Admin a = Admin.create(kafka.toProperties())) {
      for (String topic : topics()) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            a.listConsumerGroupOffsets(group(topic))
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        for (var e : ends.entrySet()) {
          if (e.getKey().topic().equals(topic) && e.getValue() > 0) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue()) {
              return false;
            }
          }
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Commits the captured offsets where a group's committed offset is behind; how many moved. */
  int commit() throws Exception {
    int moved = 0;
    try (Admin a = Admin.create(kafka.toProperties())) {
      for (String topic : topics()) {
        String group = group(topic);
        Map<TopicPartition, OffsetAndMetadata> committed =
            a.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> forward = new HashMap<>();
        for (var e : ends.entrySet()) {
          if (!e.getKey().topic().equals(topic)) {
            continue;
          }
          OffsetAndMetadata c = committed.get(e.getKey());
          if (e.getValue() > 0 && (c == null || c.offset() < e.getValue())) {
            forward.put(e.getKey(), new OffsetAndMetadata(e.getValue()));
          }
        }
        if (!forward.isEmpty()) {
          a.alterConsumerGroupOffsets(group, forward).all().get(30, TimeUnit.SECONDS);
          moved += forward.size();
        }
      }
    }
    return moved;
  }
}
