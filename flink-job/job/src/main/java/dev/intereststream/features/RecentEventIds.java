package dev.intereststream.features;

import dev.intereststream.events.EventIds;
import java.util.Arrays;

/**
 * The part of {@link UserState} that remembers the user's last few event fingerprints ({@link EventIds})
 * in a ring, to tell re-sent events and reused ids from new ones.
 */
final class RecentEventIds {

  private int count;
  private int next;
  private long[] ids = new long[0];

  /** Looks {@code fingerprint} up among the remembered events. */
  UserState.Recency recency(long fingerprint) {
    UserState.Recency found = UserState.Recency.NEW;
    for (int i = 0; i < count; i++) {
      if (EventIds.sameId(ids[i], fingerprint)) {
        if (EventIds.sameContent(ids[i], fingerprint)) {
          return UserState.Recency.DUPLICATE;
        }
        found = UserState.Recency.CONFLICT;
      }
    }
    return found;
  }

  /** Remembers {@code fingerprint}, forgetting the oldest beyond {@code window} (0: remembers nothing). */
  void remember(long fingerprint, int window) {
    if (window == 0) {
      return;
    }
    if (ids.length != window) {
      // Restored state or a changed window: re-lay the ring oldest first, keeping the newest ids.
      long[] ordered = ordered();
      int keep = Math.min(ordered.length, window);
      ids = new long[window];
      System.arraycopy(ordered, ordered.length - keep, ids, 0, keep);
      count = keep;
      next = keep % window;
    }
    ids[next] = fingerprint;
    next = (next + 1) % window;
    count = Math.min(count + 1, window);
  }

  /** The remembered fingerprints, oldest first. */
  long[] ordered() {
    long[] ordered = new long[count];
    int start = count < ids.length ? 0 : next;
    for (int i = 0; i < count; i++) {
      ordered[i] = ids[(start + i) % ids.length];
    }
    return ordered;
  }

  /**
   * Replaces the content with {@code oldestFirst} (restored state): a full ring of that length, so the
   * next id overwrites the oldest.
   */
  void restore(long[] oldestFirst) {
    ids = oldestFirst;
    count = oldestFirst.length;
    next = 0;
  }

  int size() {
    return count;
  }

  void copyFrom(RecentEventIds o) {
    count = o.count;
    next = o.next;
    ids = o.ids.clone();
  }

  /** Equality of the remembered fingerprints in order, whatever the ring's layout. */
  @Override
  public boolean equals(Object o) {
    return o instanceof RecentEventIds r && Arrays.equals(ordered(), r.ordered());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ordered());
  }
}
