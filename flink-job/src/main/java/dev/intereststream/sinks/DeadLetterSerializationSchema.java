package dev.intereststream.sinks;

import dev.intereststream.schemas.DeadLetter;
import java.nio.ByteBuffer;

/** DeadLetter records keyed by the original record's key. */
public final class DeadLetterSerializationSchema extends SingleObjectSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;

  public DeadLetterSerializationSchema(String topicName) {
    super(topicName, DeadLetter.class);
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
}
