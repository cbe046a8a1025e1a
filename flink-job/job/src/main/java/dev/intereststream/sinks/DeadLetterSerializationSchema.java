package dev.intereststream.sinks;

import dev.intereststream.contracts.DeadLetterCap;
import dev.intereststream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeadLetter records keyed by the original record's key (the prefix the dead letter keeps). One still
 * over the size limit (a long reason, or a dead letter not built by {@link DeadLetterCap}) is cut
 * further until it fits.
 */
public final class DeadLetterSerializationSchema extends SingleObjectSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSerializationSchema.class);

  /**
   * @param topicName the dead-letter topic
   * @param maxRecordBytes the largest key plus value written
   */
  public DeadLetterSerializationSchema(String topicName, int maxRecordBytes) {
    super(topicName, DeadLetter.class, maxRecordBytes);
  }

  @Override
  byte[] key(DeadLetter deadLetter) {
    ByteBuffer key = deadLetter.getOriginalKey();
    if (key == null) {
      return null;
    }
    byte[] bytes = new byte[key.remaining()];
    key.duplicate().get(bytes);
    return bytes;
  }

  @Override
  ProducerRecord<byte[], byte[]> oversized(DeadLetter deadLetter, byte[] key, byte[] value, KafkaSinkContext context,
      Long timestamp) {
    DeadLetter d = deadLetter;
    // Cutting n bytes shrinks the encoding by at least n (length prefixes only get shorter); a dead
    // letter built without DeadLetterCap gains its sizes and hashes (~80 bytes) in the first pass, so
    // it usually needs the second one.
    for (int attempt = 0; attempt < 3 && d != null; attempt++) {
      d = DeadLetterCap.shrink(d, excess(key, value));
      if (d != null) {
        key = key(d);
        value = encode(d);
        if (fits(key, value)) {
          return new ProducerRecord<>(topicName, null, null, key, value);
        }
      }
    }
    // Unreachable with the minimum sink.max-record-bytes; reported rather than failing the job.
    LOG.error("dead letter for {}-{} offset {} ({}) does not fit {} bytes even without its original bytes and "
        + "reason; not written", deadLetter.getSourceTopic(), deadLetter.getSourcePartition(),
        deadLetter.getSourceOffset(), deadLetter.getErrorType(), maxRecordBytes);
    return null;
  }
}
