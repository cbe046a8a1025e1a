package dev.intereststream.sim;

import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.ReleasedSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Malformed click-events values of every kind the job must dead-letter, for tests, the demo and fuzz
 * runs. Field-level faults are written field by field with Avro's own encoder under the current
 * schema's header, so each value is wrong in exactly the named way.
 */
public final class PoisonRecords {

  /** The kinds of malformed value. */
  public enum Kind {
    TOMBSTONE, RANDOM_BYTES, TOO_SHORT, BAD_HEADER, UNKNOWN_FINGERPRINT, TRUNCATED, TRAILING_BYTES,
    HUGE_STRING_LENGTH, BAD_ENUM_INDEX, EMPTY_EVENT_ID, LONG_EVENT_ID, MISSING_USER_ID, MISSING_ITEM_ID,
    NEGATIVE_DWELL, ANCIENT_EVENT_TIME, FUTURE_EVENT_TIME
  }

  /** One malformed value (null for a tombstone) and what is wrong with it. */
  public record Poison(Kind kind, byte[] value) {}

  private static final long FINGERPRINT = ReleasedSchemas.fingerprint(ClickEvent.getClassSchema());

  private final SplittableRandom random;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private BinaryEncoder encoder;

  public PoisonRecords(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A malformed value of a random kind; {@code valid} is a well-formed value to corrupt. */
  public Poison next(byte[] valid, long nowMs) {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    return new Poison(kind, make(kind, valid, nowMs));
  }

  /** A malformed value of the given kind. */
  public byte[] make(Kind kind, byte[] valid, long nowMs) {
    long user = 1 + random.nextInt(1000);
    String id = "poison-" + Long.toHexString(random.nextLong());
    return switch (kind) {
      case TOMBSTONE -> null;
      case RANDOM_BYTES -> randomBytes(1 + random.nextInt(200));
      case TOO_SHORT -> randomBytes(random.nextInt(10));
      case BAD_HEADER -> {
        byte[] v = valid.clone();
        v[0] = (byte) (v[0] ^ (1 + random.nextInt(255)));
        yield v;
      }
      case UNKNOWN_FINGERPRINT -> {
        byte[] v = valid.clone();
        v[2 + random.nextInt(8)] ^= (byte) (1 + random.nextInt(255));
        yield v;
      }
      case TRUNCATED -> Arrays.copyOf(valid, 10 + random.nextInt(valid.length - 10));
      case TRAILING_BYTES -> {
        byte[] v = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(16));
        v[valid.length] = (byte) (1 + random.nextInt(255));
        yield v;
      }
      case HUGE_STRING_LENGTH -> write(e -> {
        e.writeLong(1_500_000_000L); // event_id claims 1.5 GB, then a few bytes follow
        e.writeFixed(new byte[] {'a', 'b', 'c'});
      });
      case BAD_ENUM_INDEX -> fields(id, user, 5, 7, 1, 50 + random.nextInt(50), null, nowMs);
      case EMPTY_EVENT_ID -> fields("", user, 5, 7, 1, 2, null, nowMs);
      case LONG_EVENT_ID -> fields("x".repeat(10_000), user, 5, 7, 1, 2, null, nowMs);
      case MISSING_USER_ID -> fields(id, random.nextBoolean() ? 0 : -user, 5, 7, 1, 2, null, nowMs);
      case MISSING_ITEM_ID -> fields(id, user, 0, 7, 1, 2, null, nowMs);
      case NEGATIVE_DWELL -> fields(id, user, 5, 7, 3, 2, -1L - random.nextInt(10_000), nowMs);
      case ANCIENT_EVENT_TIME -> fields(id, user, 5, 7, 1, 2, null, random.nextInt(1_000_000));
      case FUTURE_EVENT_TIME -> fields(id, user, 5, 7, 1, 2, null, nowMs + 86_400_000L * (1 + random.nextInt(365)));
    };
  }

  private byte[] fields(String eventId, long user, long item, long category, int scenarioIndex, int actionIndex,
      Long dwell, long eventTime) {
    return write(e -> {
      e.writeString(eventId);
      e.writeLong(user);
      e.writeLong(item);
      e.writeLong(category);
      e.writeEnum(scenarioIndex);
      e.writeEnum(actionIndex);
      if (dwell == null) {
        e.writeIndex(0);
      } else {
        e.writeIndex(1);
        e.writeLong(dwell);
      }
      e.writeLong(eventTime);
    });
  }

  private interface Body {
    void write(BinaryEncoder e) throws IOException;
  }

  private byte[] write(Body body) {
    buffer.reset();
    buffer.write(0xC3);
    buffer.write(0x01);
    buffer.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(FINGERPRINT).array());
    encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
    try {
      body.write(encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }
}
