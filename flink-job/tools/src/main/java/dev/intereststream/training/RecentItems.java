package dev.intereststream.training;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The last N engagements of all users (item and category), for sampling negatives by recent
 * popularity from logs that record no impressions: an item engaged with twice as often is drawn twice
 * as often, and only the past is used, so no example sees the future.
 */
final class RecentItems {

  private static final int TRIES = 20;

  private final long[] items;
  private final long[] categories;
  private final SplittableRandom random;
  private int size;
  private int next;

  RecentItems(int capacity, long seed) {
    items = new long[capacity];
    categories = new long[capacity];
    random = new SplittableRandom(seed);
  }

  void add(long item, long category) {
    items[next] = item;
    categories[next] = category;
    next = (next + 1) % items.length;
    size = Math.min(size + 1, items.length);
  }

  /**
   * A recent item other than {@code positive} and not in {@code consumed} (sorted), as {item, category};
   * null if none is found in a few tries (too little history yet).
   */
  long[] sample(long positive, long[] consumed) {
    for (int t = 0; t < TRIES && size > 0; t++) {
      int i = random.nextInt(size);
      long item = items[i];
      if (item != positive && Arrays.binarySearch(consumed, item) < 0) {
        return new long[] {item, categories[i]};
      }
    }
    return null;
  }
}
