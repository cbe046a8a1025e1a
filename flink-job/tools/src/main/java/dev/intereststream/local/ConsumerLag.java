package dev.intereststream.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group's committed offsets trail the end of a topic: how the benchmark and the
 * tests tell that the job has consumed its input (the job commits offsets on each checkpoint).
 * The topic's partitions are looked up once, so a poll costs two requests.
 */
public final class ConsumerLag {

  private static final long TIMEOUT_S = 10;

  private final Admin admin;
  private final String group;
  private final List<TopicPartition> partitions;

  /** The lag of {@code group} on {@code topic}; {@code admin} stays the caller's. */
  public ConsumerLag(Admin admin, String group, String topic) throws Exception {
    this.admin = admin;
    this.group = group;
    this.partitions = partitions(admin, topic);
  }

  /**
   * Records of the topic the group has not committed yet, summed over its partitions. A partition
   * without a committed offset counts from offset 0 (the tools' topics keep every record).
   */
  public long records() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
    long lag = 0;
    for (var end : endOffsets(admin, partitions).entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      lag += Math.max(0, end.getValue() - (c == null ? 0 : c.offset()));
    }
    return lag;
  }

  /** The partitions of {@code topic}. */
  public static List<TopicPartition> partitions(Admin admin, String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(topic)
        .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  /** The end offset of each partition of {@code topic}. */
  public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    return endOffsets(admin, partitions(admin, topic));
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<TopicPartition> partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(latest).all().get(TIMEOUT_S, TimeUnit.SECONDS).forEach((p, o) -> out.put(p, o.offset()));
    return out;
  }
}
