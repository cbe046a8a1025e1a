package dev.intereststream.sinks;

import dev.intereststream.contracts.DeadLetterCap;
import dev.intereststream.contracts.Topics;
import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.schemas.InterestUpdate;
import java.time.Instant;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InterestUpdate records keyed by user id (decimal UTF-8), so each user's updates stay in order. An
 * update over the size limit (only possible with very large top-K or category settings) goes to the
 * dead-letter topic instead, as a DeadLetter of type {@value #UPDATE_TOO_LARGE} holding a prefix of the
 * encoded update; it is counted in the metric {@code oversizedUpdates} and logged.
 */
public final class InterestUpdateSerializationSchema extends SingleObjectSerializationSchema<InterestUpdate> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(InterestUpdateSerializationSchema.class);
  /** error_type of the dead letter that replaces an oversized update. */
  public static final String UPDATE_TOO_LARGE = "UPDATE_TOO_LARGE";
  private static final long WARN_INTERVAL_MS = 60_000;

  private final DeadLetterSerializationSchema deadLetters;
  private transient Counter oversizedUpdates;
  private transient long lastWarnMs;

  /**
   * @param topicName the updates topic
   * @param deadLetterTopic where an update over the limit is reported instead
   * @param maxRecordBytes the largest key plus value written
   */
  public InterestUpdateSerializationSchema(String topicName, String deadLetterTopic, int maxRecordBytes) {
    super(topicName, InterestUpdate.class, maxRecordBytes);
    this.deadLetters = new DeadLetterSerializationSchema(deadLetterTopic, maxRecordBytes);
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    oversizedUpdates = context.getMetricGroup().counter("oversizedUpdates");
  }

  @Override
  byte[] key(InterestUpdate update) {
    return Topics.userKey(update.getUserId());
  }

  @Override
  ProducerRecord<byte[], byte[]> oversized(InterestUpdate update, byte[] key, byte[] value, KafkaSinkContext context,
      Long timestamp) {
    if (oversizedUpdates == null) { // not opened by a sink (a unit test)
      oversizedUpdates = new SimpleCounter();
    }
    oversizedUpdates.inc();
    String reason = String.format("InterestUpdate of user %d (trigger event %s, %d top items, %d categories) "
            + "encodes to %d bytes with its key, more than sink.max-record-bytes %d", update.getUserId(),
        update.getTriggerEventId(), update.getTopItems().size(), update.getCategoryInterests().size(),
        (key == null ? 0 : key.length) + value.length, maxRecordBytes);
    long now = System.currentTimeMillis();
    // Once a setting makes updates this large, most updates are: one line a minute is enough to see it.
    if (now - lastWarnMs >= WARN_INTERVAL_MS) {
      lastWarnMs = now;
      LOG.warn("{}; written to the dead-letter topic as {} instead ({} so far in this subtask)", reason,
          UPDATE_TOO_LARGE, oversizedUpdates.getCount());
    }
    DeadLetter.Builder d = DeadLetter.newBuilder()
        .setErrorType(UPDATE_TOO_LARGE)
        .setReason(reason)
        .setSourceTopic(topicName)
        .setSourcePartition(-1)
        .setSourceOffset(-1L)
        .setSourceTimestamp(update.getTriggerEventTime())
        .setDeadLetteredAt(Instant.ofEpochMilli(now));
    return deadLetters.serialize(DeadLetterCap.setOriginal(d, key, value, maxRecordBytes).build(), context, timestamp);
  }
}
