package dev.intereststream.events;

import dev.intereststream.schemas.DeadLetter;

/**
 * What the Kafka source emits for each input record: either a valid {@link Click} or the
 * {@link DeadLetter} that explains why the record is unusable. Exactly one field is set.
 * Deciding this inside the source lets the watermark generator see event times per partition.
 */
public final class DecodedRecord {
  public Click click;
  public DeadLetter deadLetter;

  public DecodedRecord() {}

  public static DecodedRecord of(Click click) {
    DecodedRecord r = new DecodedRecord();
    r.click = click;
    return r;
  }

  public static DecodedRecord of(DeadLetter deadLetter) {
    DecodedRecord r = new DecodedRecord();
    r.deadLetter = deadLetter;
    return r;
  }
}
