package dev.intereststream.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for integration tests. */
public final class KafkaTestSupport {

  private KafkaTestSupport() {}

  /** A producer whose close fails if any record was not written: test input must never go missing. */
  public static final class TestProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();

    TestProducer(Properties props) {
      producer = new KafkaProducer<>(props);
    }

    public void send(String topic, byte[] key, byte[] value) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value), (m, e) -> {
        if (e != null) {
          failure.compareAndSet(null, e);
        }
      });
    }

    @Override
    public void close() {
      producer.flush();
      producer.close();
      if (failure.get() != null) {
        throw new IllegalStateException("test input was not written completely", failure.get());
      }
    }
  }

  public static TestProducer producer(String bootstrap) {
    return producer(bootstrap, new Properties());
  }

  public static TestProducer producer(String bootstrap, Properties extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new TestProducer(p);
  }

  /**
   * Reads a topic from the beginning with read_committed: every partition up to its last stable
   * offset, once no transaction is open in it (the last stable offset is then the end of the log, so
   * nothing written is still to be committed or aborted). While a partition keeps a transaction open
   * (a cancelled writer's), reading ends when {@code quiet} passes without a new record; in any case
   * after {@code max}.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, Duration quiet,
      Duration max) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long end = System.nanoTime() + max.toNanos();
    long lastRecord = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(reader(bootstrap, "read_committed"));
        KafkaConsumer<byte[], byte[]> logEnds = new KafkaConsumer<>(reader(bootstrap, "read_uncommitted"))) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, max).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (System.nanoTime() < end && System.nanoTime() - lastRecord < quiet.toNanos()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          out.add(r);
          lastRecord = System.nanoTime();
        }
        Map<TopicPartition, Long> stable = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> written = logEnds.endOffsets(partitions);
        boolean complete = true;
        for (TopicPartition p : partitions) {
          complete &= stable.get(p).equals(written.get(p)) && consumer.position(p) >= stable.get(p);
        }
        if (complete) {
          break;
        }
      }
    }
    return out;
  }

  private static Properties reader(String bootstrap, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }
}
