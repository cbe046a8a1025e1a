package dev.intereststream.sinks;

import dev.intereststream.job.Topics;
import dev.intereststream.schemas.InterestUpdate;

/** InterestUpdate records keyed by user id (decimal UTF-8), so each user's updates stay in order. */
public final class InterestUpdateSerializationSchema extends SingleObjectSerializationSchema<InterestUpdate> {
  private static final long serialVersionUID = 1L;

  public InterestUpdateSerializationSchema(String topicName) {
    super(topicName, InterestUpdate.class);
  }

  @Override
  byte[] key(InterestUpdate update) {
    return Topics.userKey(update.getUserId());
  }
}
