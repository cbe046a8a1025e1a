package dev.intereststream.events;

import dev.intereststream.contracts.DeadLetterCap;
import dev.intereststream.contracts.Topics;
import dev.intereststream.schemas.DeadLetter;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every click-events record into a {@link DecodedRecord}; never throws, so no record can make
 * the job restart. Unusable records become dead letters carrying the original key and value bytes (a
 * prefix of them, with sizes and hashes, where the whole would not fit a Kafka record) and their topic,
 * partition and offset. Valid events whose Kafka key is not their user id are counted in the metric
 * {@code keyMismatchEvents} (null keys in {@code unkeyedEvents}) and logged.
 */
public final class ClickEventDeserializationSchema implements KafkaRecordDeserializationSchema<DecodedRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(ClickEventDeserializationSchema.class);
  private static final long WARN_INTERVAL_MS = 60_000;

  private final long maxFutureSkewMs;
  private final int maxRecordBytes;
  private transient ClickEventDecoder decoder;
  private transient Counter keyMismatchEvents;
  private transient Counter unkeyedEvents;
  private transient long lastMismatchWarnMs;

  /**
   * @param maxFutureSkewMs how far event_time may lie ahead of the wall clock
   * @param maxRecordBytes the dead-letter sink's record size limit, which dead letters are cut to fit
   */
  public ClickEventDeserializationSchema(long maxFutureSkewMs, int maxRecordBytes) {
    this.maxFutureSkewMs = maxFutureSkewMs;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    decoder = new ClickEventDecoder(maxFutureSkewMs);
    keyMismatchEvents = context.getMetricGroup().counter("keyMismatchEvents");
    unkeyedEvents = context.getMetricGroup().counter("unkeyedEvents");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedRecord> out) {
    if (decoder == null) { // not opened by a source (a unit test)
      decoder = new ClickEventDecoder(maxFutureSkewMs);
      keyMismatchEvents = new SimpleCounter();
      unkeyedEvents = new SimpleCounter();
    }
    long now = System.currentTimeMillis();
    Click click = new Click();
    Rejection rejection = decoder.decode(record.value(), now, click);
    if (rejection == null) {
      checkKey(record, click.userId, now);
      out.collect(DecodedRecord.of(click));
    } else {
      out.collect(DecodedRecord.of(deadLetter(record, rejection, now, maxRecordBytes)));
    }
  }

  /**
   * Counts valid events whose key is not their user id. They are kept: the job keys by the value's
   * user id, so its state stays right. But the key chose the partition, and a user split across
   * partitions (librdkafka's default partitioner is CRC32-based, the Java client's murmur2) loses the
   * per-user order the watermarks and re-scoring rely on. Only the source sees key and coordinates, so
   * the check is here. A null key is counted apart without a warning: it is the producer's visible
   * choice (sticky partitioning), while a mismatch usually goes unnoticed and has one known fix.
   */
  private void checkKey(ConsumerRecord<byte[], byte[]> record, long userId, long now) {
    byte[] key = record.key();
    if (key == null) {
      unkeyedEvents.inc();
    } else if (!Topics.isUserKey(key, userId)) {
      keyMismatchEvents.inc();
      if (now - lastMismatchWarnMs >= WARN_INTERVAL_MS) { // one line a minute: it repeats for every record
        lastMismatchWarnMs = now;
        LOG.warn("{}-{} offset {}: key is not the event's user id (expected key \"{}\", {} such events so far in "
                + "this subtask); one user's events may be split across partitions and lose their order. "
                + "librdkafka producers (Python, Go, C) must set partitioner=murmur2_random and key by the "
                + "decimal user id", record.topic(), record.partition(), record.offset(), userId,
            keyMismatchEvents.getCount());
      }
    }
  }

  /**
   * The dead letter for {@code record}, keeping its coordinates and as much of its original bytes as
   * fits a record of {@code maxRecordBytes} (see {@link DeadLetterCap}).
   */
  public static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, Rejection rejection, long now,
      int maxRecordBytes) {
    DeadLetter.Builder builder = DeadLetter.newBuilder()
        .setErrorType(rejection.errorType().name())
        .setReason(rejection.reason())
        .setSourceTopic(record.topic())
        .setSourcePartition(record.partition())
        .setSourceOffset(record.offset())
        .setSourceTimestamp(Instant.ofEpochMilli(Math.max(0, record.timestamp())))
        .setDeadLetteredAt(Instant.ofEpochMilli(now));
    return DeadLetterCap.setOriginal(builder, record.key(), record.value(), maxRecordBytes).build();
  }

  @Override
  public TypeInformation<DecodedRecord> getProducedType() {
    return TypeInformation.of(DecodedRecord.class);
  }
}
