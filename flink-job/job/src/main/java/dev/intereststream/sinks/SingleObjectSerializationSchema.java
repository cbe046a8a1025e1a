package dev.intereststream.sinks;

import dev.intereststream.contracts.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes Avro specific records to a Kafka topic in Avro single-object encoding (header C3 01, the
 * writer schema's CRC-64-AVRO fingerprint, then the binary body), with a key chosen per record.
 * The record timestamp is left to the producer (its send time), so consumers can measure latency.
 *
 * <p>A record whose key and value exceed {@code maxRecordBytes} is never handed to the producer: the
 * producer would fail it (RecordTooLargeException), fail the job, and the job would fail again on the
 * same record after every restart. Subclasses decide what to write instead.
 */
abstract class SingleObjectSerializationSchema<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  final String topicName;
  final int maxRecordBytes;
  private final Class<T> type;
  private transient BinaryMessageEncoder<T> encoder;
  private transient ByteArrayOutputStream buffer;

  SingleObjectSerializationSchema(String topicName, Class<T> type, int maxRecordBytes) {
    this.topicName = topicName;
    this.type = type;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** The record key, or null. */
  abstract byte[] key(T record);

  /**
   * What to write instead of {@code record}, whose {@code key} and {@code value} exceed the limit:
   * a record within the limit, or null only after reporting that nothing could be written.
   */
  abstract ProducerRecord<byte[], byte[]> oversized(T record, byte[] key, byte[] value, KafkaSinkContext context,
      Long timestamp);

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
    byte[] key = key(record);
    byte[] value = encode(record);
    if (fits(key, value)) {
      return new ProducerRecord<>(topicName, null, null, key, value);
    }
    return oversized(record, key, value, context, timestamp);
  }

  boolean fits(byte[] key, byte[] value) {
    return excess(key, value) <= 0;
  }

  /** By how many bytes {@code key} and {@code value} exceed the limit (zero or less if they fit). */
  int excess(byte[] key, byte[] value) {
    return (key == null ? 0 : key.length) + value.length - maxRecordBytes;
  }

  byte[] encode(T record) {
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
    return buffer.toByteArray();
  }
}
