package dev.intereststream.events;

import dev.intereststream.contracts.DeadLetterCap;
import dev.intereststream.events.Rejection.ErrorType;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.DeadLetter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The dead letter of an event refused because its id was reused ({@link Rejection.ErrorType#EVENT_ID_CONFLICT}).
 * The conflict is found after decoding, in the user's state, where the record's bytes and Kafka
 * coordinates are no longer at hand: the value is the refused event re-encoded as a ClickEvent
 * (single-object encoding of the current schema), the key the user id as producers write it, and the
 * source partition and offset are -1. Carrying the raw bytes through the keyed exchange for the rare
 * conflict would cost every event.
 */
public final class EventIdConflictDeadLetter implements MapFunction<Click, DeadLetter> {

  private static final long serialVersionUID = 1L;

  private final String sourceTopic;

  public EventIdConflictDeadLetter(String sourceTopic) {
    this.sourceTopic = sourceTopic;
  }

  @Override
  public DeadLetter map(Click click) {
    byte[] value;
    try {
      ByteBuffer encoded = ClickEvent.newBuilder()
          .setEventId(click.eventId)
          .setUserId(click.userId)
          .setItemId(click.itemId)
          .setCategoryId(click.categoryId)
          .setScenario(click.scenario)
          .setAction(click.action)
          .setDwellMs(click.dwellMs == Click.NO_DWELL ? null : (long) click.dwellMs)
          .setEventTime(Instant.ofEpochMilli(click.eventTime))
          .build()
          .toByteBuffer();
      value = new byte[encoded.remaining()];
      encoded.get(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // encoding a record built from valid fields into memory
    }
    long now = System.currentTimeMillis();
    DeadLetter.Builder builder = DeadLetter.newBuilder()
        .setErrorType(ErrorType.EVENT_ID_CONFLICT.name())
        .setReason("event_id '" + click.eventId + "' was used by another recent event of user " + click.userId
            + " with different content; the first one was kept, this one refused (value re-encoded from the "
            + "decoded event)")
        .setSourceTopic(sourceTopic)
        .setSourcePartition(-1)
        .setSourceOffset(-1)
        .setSourceTimestamp(Instant.ofEpochMilli(click.eventTime))
        .setDeadLetteredAt(Instant.ofEpochMilli(now));
    byte[] key = Long.toString(click.userId).getBytes(StandardCharsets.UTF_8);
    // A valid event is far below any record limit (event ids are at most 128 characters): never cut.
    return DeadLetterCap.setOriginal(builder, key, value, Integer.MAX_VALUE).build();
  }
}
