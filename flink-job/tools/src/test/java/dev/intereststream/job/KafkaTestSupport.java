package dev.intereststream.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
   * Reads a topic from the beginning with read_committed until {@code quiet} passes without a new
   * record, or {@code max} elapses.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, Duration quiet,
      Duration max) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + System.nanoTime());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long end = System.nanoTime() + max.toNanos();
    long lastRecord = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      while (System.nanoTime() < end && System.nanoTime() - lastRecord < quiet.toNanos()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r);
          lastRecord = System.nanoTime();
        }
      }
    }
    return out;
  }
}
