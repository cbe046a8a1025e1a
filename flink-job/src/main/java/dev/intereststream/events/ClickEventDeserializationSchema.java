package dev.intereststream.events;

import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.sinks.DeadLetterCap;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every click-events record into a {@link DecodedRecord}; never throws, so no record can make
 * the job restart. Unusable records become dead letters carrying the original key and value bytes (a
 * prefix of them, with sizes and hashes, where the whole would not fit a Kafka record) and their topic,
 * partition and offset.
 */
public final class ClickEventDeserializationSchema implements KafkaRecordDeserializationSchema<DecodedRecord> {

  private final long maxFutureSkewMs;
  private final int maxRecordBytes;
  private transient ClickEventDecoder decoder;

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
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DecodedRecord> out) {
    if (decoder == null) {
      decoder = new ClickEventDecoder(maxFutureSkewMs);
    }
    long now = System.currentTimeMillis();
    Click click = new Click();
    Rejection rejection = decoder.decode(record.value(), now, click);
    out.collect(rejection == null ? DecodedRecord.of(click) : DecodedRecord.of(deadLetter(record, rejection, now, maxRecordBytes)));
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
