package dev.intereststream.events;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit fingerprints of event ids, so per-user state remembers recent ids in 8 bytes each instead of
 * the id's string. Two distinct ids of one user collide with probability about 2^-64 per pair.
 */
public final class EventIds {

  private EventIds() {}

  /** A well-mixed 64-bit hash of the id's UTF-8 bytes (FNV-1a followed by a MurmurHash3 finalizer). */
  public static long fingerprint(String eventId) {
    long h = 0xcbf29ce484222325L;
    byte[] bytes = eventId.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      h ^= (b & 0xFF);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
