package dev.intereststream.sinks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.message.BinaryMessageEncoder;
import dev.intereststream.job.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes Avro specific records to a Kafka topic in Avro single-object encoding (header C3 01, the
 * writer schema's CRC-64-AVRO fingerprint, then the binary body), with a key chosen per record.
 * The record timestamp is left to the producer (its send time), so consumers can measure latency.
 */
abstract class SingleObjectSerializationSchema<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final String topicName;
  private final Class<T> type;
  private transient BinaryMessageEncoder<T> encoder;
  private transient ByteArrayOutputStream buffer;

  SingleObjectSerializationSchema(String topicName, Class<T> type) {
    this.topicName = topicName;
    this.type = type;
  }

  /** The record key, or null. */
  abstract byte[] key(T record);

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
    if (encoder == null) {
      encoder = Topics.encoder(type);
      buffer = new ByteArrayOutputStream(256);
    }
    buffer.reset();
    try {
      encoder.encode(record, buffer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
    return new ProducerRecord<>(topicName, null, null, key(record), buffer.toByteArray());
  }
}
