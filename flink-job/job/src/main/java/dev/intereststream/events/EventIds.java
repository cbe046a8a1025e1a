package dev.intereststream.events;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit fingerprints of events, so per-user state remembers recent events in 8 bytes each instead of
 * the id's string. The high 48 bits identify the event id; the low 16 bits ({@link #CONTENT_MASK}) hash
 * the event's content, so that a re-sent event (same id, same content: a duplicate) is told apart from
 * an id reused for another event (a conflict). Two distinct ids of one user share the id bits with
 * probability about 2^-48 per pair; two different contents of one id share the content bits with
 * probability 2^-16, and such a conflict is then taken for a duplicate. Content bits 0 mean unknown
 * (state written before content was kept): such an entry matches any content.
 */
public final class EventIds {

  /** The bits of a fingerprint that hash the event's content. */
  public static final long CONTENT_MASK = 0xFFFFL;

  private EventIds() {}

  /** The id part of the fingerprint, content unknown: a well-mixed hash of the id's UTF-8 bytes. */
  public static long fingerprint(String eventId) {
    long h = 0xcbf29ce484222325L;
    byte[] bytes = eventId.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      h ^= (b & 0xFF);
      h *= 0x100000001b3L;
    }
    return mix(h) & ~CONTENT_MASK;
  }

  /**
   * The fingerprint of an event: its id and its content. Fingerprints are kept in savepoints, so this
   * function is part of the user state format: changing it (or the fields it reads) makes re-sent
   * copies of events from before the change look like conflicts. Enum symbols enter by name (String's
   * hash is specified), not by ordinal, so a symbol added to Scenario or Action changes nothing.
   */
  public static long fingerprint(Click click) {
    long h = click.userId;
    h = h * 0x9E3779B97F4A7C15L + click.itemId;
    h = h * 0x9E3779B97F4A7C15L + click.categoryId;
    h = h * 0x9E3779B97F4A7C15L + click.scenario.name().hashCode();
    h = h * 0x9E3779B97F4A7C15L + click.action.name().hashCode();
    h = h * 0x9E3779B97F4A7C15L + click.dwellMs;
    h = h * 0x9E3779B97F4A7C15L + click.eventTime;
    long content = mix(h) & CONTENT_MASK;
    return fingerprint(click.eventId) | (content == 0 ? 1 : content);
  }

  /** Whether two fingerprints name the same event id. */
  public static boolean sameId(long a, long b) {
    return ((a ^ b) & ~CONTENT_MASK) == 0;
  }

  /** Whether two fingerprints of one id may be the same event: equal content, or either unknown. */
  public static boolean sameContent(long a, long b) {
    long ca = a & CONTENT_MASK;
    long cb = b & CONTENT_MASK;
    return ca == cb || ca == 0 || cb == 0;
  }

  private static long mix(long h) {
    // MurmurHash3's 64-bit finalizer.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
