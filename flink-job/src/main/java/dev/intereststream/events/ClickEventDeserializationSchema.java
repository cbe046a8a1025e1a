package dev.intereststream.events;

import dev.intereststream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every click-events record into a {@link DecodedRecord}; never throws, so no record can make
 * the job restart. Unusable records become dead letters carrying the original key and value bytes and
 * their topic, partition and offset.
 */
public final class ClickEventDeserializationSchema implements KafkaRecordDeserializationSchema<DecodedRecord> {

  private final long maxFutureSkewMs;
  private transient ClickEventDecoder decoder;

  public ClickEventDeserializationSchema(long maxFutureSkewMs) {
    this.maxFutureSkewMs = maxFutureSkewMs;
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
    out.collect(rejection == null ? DecodedRecord.of(click) : DecodedRecord.of(deadLetter(record, rejection, now)));
  }

  /** The dead letter for {@code record}, keeping its original bytes and coordinates. */
  public static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, Rejection rejection, long now) {
    return DeadLetter.newBuilder()
        .setErrorType(rejection.errorType().name())
        .setReason(rejection.reason())
        .setSourceTopic(record.topic())
        .setSourcePartition(record.partition())
        .setSourceOffset(record.offset())
        .setSourceTimestamp(Instant.ofEpochMilli(Math.max(0, record.timestamp())))
        .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
        .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
        .setDeadLetteredAt(Instant.ofEpochMilli(now))
        .build();
  }

  @Override
  public TypeInformation<DecodedRecord> getProducedType() {
    return TypeInformation.of(DecodedRecord.class);
  }
}
