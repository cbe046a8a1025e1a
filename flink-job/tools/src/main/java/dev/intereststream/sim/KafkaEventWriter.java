package dev.intereststream.sim;

import dev.intereststream.contracts.Topics;
import dev.intereststream.schemas.ClickEvent;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes events to a Kafka topic keyed by user id (so one user's events stay in order in one
 * partition), with an idempotent producer. A failed send fails the next write instead of vanishing.
 */
public final class KafkaEventWriter implements EventWriter {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AtomicLong acknowledged = new AtomicLong();
  private final Callback callback = (metadata, exception) -> {
    if (exception != null) {
      failure.compareAndSet(null, exception);
    } else {
      acknowledged.incrementAndGet();
    }
  };

  public KafkaEventWriter(String bootstrapServers, Properties clientProperties, String topic) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(props);
    this.topic = topic;
  }

  /** Writes the event with its event time as the record's Kafka timestamp, so latency can be measured from it. */
  @Override
  public void write(ClickEvent event, byte[] encoded) throws Exception {
    send(new ProducerRecord<>(topic, null, event.getEventTime().toEpochMilli(), Topics.userKey(event.getUserId()),
        encoded));
  }

  @Override
  public void writeRaw(byte[] key, byte[] value) throws Exception {
    send(new ProducerRecord<>(topic, key, value));
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("sending to " + topic + " failed", e);
    }
    producer.send(record, callback);
  }

  @Override
  public boolean acceptsRaw() {
    return true;
  }

  /** Records the broker has acknowledged. */
  public long acknowledged() {
    return acknowledged.get();
  }

  @Override
  public void close() throws Exception {
    producer.flush();
    producer.close();
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("sending to " + topic + " failed", e);
    }
  }
}
