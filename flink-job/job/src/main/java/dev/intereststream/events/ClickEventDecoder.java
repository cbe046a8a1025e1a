package dev.intereststream.events;

import dev.intereststream.events.Rejection.ErrorType;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.ReleasedSchemas;
import dev.intereststream.schemas.Scenario;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Decodes and validates click-events values (Avro single-object encoding of any released
 * {@link ClickEvent} version) without ever throwing: every failure becomes a {@link Rejection}.
 *
 * <p>Decoding is two passes over the body. The first only skips through the writer schema, which
 * checks every length prefix against the bytes actually present (and refuses a negative one, which
 * Avro's own skip would take for 0); the second materializes the record.
 * Avro allocates a string's buffer from its length prefix before reading it, so a corrupt prefix
 * would otherwise let one bad record allocate up to 2 GiB. The skip pass costs a fraction of the
 * decode on records of this size. Not thread-safe: one instance per task.
 */
public final class ClickEventDecoder {

  /** Longest accepted event_id, in characters. */
  public static final int MAX_EVENT_ID_LENGTH = 128;
  /** Longest accepted dwell: one day. */
  public static final long MAX_DWELL_MS = 86_400_000L;
  /** Earliest accepted event_time: 2000-01-01T00:00:00Z. */
  public static final long MIN_EVENT_TIME = 946_684_800_000L;

  static final int HEADER_LENGTH = 10;

  private final Map<Long, Version> versions = new HashMap<>();
  private final long maxFutureSkewMs;
  private BinaryDecoder decoder;
  private final LengthCheckingDecoder skipper = new LengthCheckingDecoder();
  private ClickEvent reuse;

  private record Version(Schema writer, SpecificDatumReader<ClickEvent> reader) {}

  /** A decoder of every released ClickEvent version. */
  public ClickEventDecoder(long maxFutureSkewMs) {
    this(maxFutureSkewMs, ReleasedSchemas.clickEvent());
  }

  /**
   * @param maxFutureSkewMs how far event_time may lie ahead of the wall clock
   * @param writerSchemas the writer schemas to accept, recognized by fingerprint
   */
  public ClickEventDecoder(long maxFutureSkewMs, java.util.List<Schema> writerSchemas) {
    this.maxFutureSkewMs = maxFutureSkewMs;
    for (Schema writer : writerSchemas) {
      versions.put(ReleasedSchemas.fingerprint(writer),
          new Version(writer, new SpecificDatumReader<>(writer, ClickEvent.getClassSchema())));
    }
  }

  /**
   * Decodes {@code value} into {@code target}.
   *
   * @param nowMs the wall clock, for the future-skew check
   * @return null if {@code target} now holds a valid click, else why the value is unusable
   */
  public Rejection decode(byte[] value, long nowMs, Click target) {
    if (value == null) {
      return new Rejection(ErrorType.NULL_VALUE, "record has a null value (tombstone)");
    }
    if (value.length < HEADER_LENGTH) {
      return new Rejection(ErrorType.BAD_HEADER,
          "value is " + value.length + " bytes, shorter than the 10-byte single-object header");
    }
    if (value[0] != (byte) 0xC3 || value[1] != (byte) 0x01) {
      return new Rejection(ErrorType.BAD_HEADER, String.format(
          "value starts with %02X %02X, not the Avro single-object marker C3 01", value[0] & 0xFF, value[1] & 0xFF));
    }
    long fingerprint = littleEndianLong(value, 2);
    Version version = versions.get(fingerprint);
    if (version == null) {
      return new Rejection(ErrorType.UNKNOWN_SCHEMA, String.format(
          "schema fingerprint %016X is not a released ClickEvent version", fingerprint));
    }
    int bodyLength = value.length - HEADER_LENGTH;
    try {
      decoder = DecoderFactory.get().binaryDecoder(value, HEADER_LENGTH, bodyLength, decoder);
      GenericDatumReader.skip(version.writer(), skipper.reset(decoder));
      if (!decoder.isEnd()) {
        return new Rejection(ErrorType.TRAILING_BYTES, "bytes follow the end of the record");
      }
      decoder = DecoderFactory.get().binaryDecoder(value, HEADER_LENGTH, bodyLength, decoder);
      reuse = version.reader().read(reuse, decoder);
    } catch (IOException | RuntimeException e) {
      return new Rejection(ErrorType.CORRUPT_PAYLOAD, "body does not decode as ClickEvent: " + describe(e));
    }
    return validate(reuse, nowMs, target);
  }

  private Rejection validate(ClickEvent e, long nowMs, Click target) {
    String eventId = e.getEventId();
    if (eventId.isBlank()) {
      return invalid("event_id is empty");
    }
    if (eventId.length() > MAX_EVENT_ID_LENGTH) {
      return invalid("event_id has " + eventId.length() + " characters, more than " + MAX_EVENT_ID_LENGTH);
    }
    if (e.getUserId() <= 0) {
      return invalid("user_id must be positive, was " + e.getUserId());
    }
    if (e.getItemId() <= 0) {
      return invalid("item_id must be positive, was " + e.getItemId());
    }
    if (e.getCategoryId() <= 0) {
      return invalid("category_id must be positive, was " + e.getCategoryId());
    }
    if (e.getScenario() == Scenario.UNKNOWN) {
      return invalid("scenario is UNKNOWN (a symbol this release does not know, or UNKNOWN itself)");
    }
    if (e.getAction() == Action.UNKNOWN) {
      return invalid("action is UNKNOWN (a symbol this release does not know, or UNKNOWN itself)");
    }
    Long dwell = e.getDwellMs();
    if (dwell != null && (dwell < 0 || dwell > MAX_DWELL_MS)) {
      return invalid("dwell_ms must be in [0, " + MAX_DWELL_MS + "], was " + dwell);
    }
    Instant time = e.getEventTime();
    long eventTime = time.toEpochMilli();
    if (eventTime < MIN_EVENT_TIME) {
      return new Rejection(ErrorType.EVENT_TIME_OUT_OF_RANGE, "event_time " + time + " is before 2000-01-01");
    }
    if (eventTime > nowMs + maxFutureSkewMs) {
      return new Rejection(ErrorType.EVENT_TIME_OUT_OF_RANGE, "event_time " + time + " is more than "
          + maxFutureSkewMs + " ms ahead of the wall clock " + Instant.ofEpochMilli(nowMs));
    }
    target.eventId = eventId;
    target.userId = e.getUserId();
    target.itemId = e.getItemId();
    target.categoryId = e.getCategoryId();
    target.scenario = e.getScenario();
    target.action = e.getAction();
    target.dwellMs = dwell == null ? Click.NO_DWELL : (int) (long) dwell;
    target.eventTime = eventTime;
    return null;
  }

  private static Rejection invalid(String reason) {
    return new Rejection(ErrorType.INVALID_FIELD, reason);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  static long littleEndianLong(byte[] bytes, int offset) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (bytes[offset + i] & 0xFFL);
    }
    return v;
  }
}
