package dev.intereststream.candidates;

import dev.intereststream.schemas.Scenario;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The trending items of one scenario for the sliding window that ended at {@link #windowEnd}: the
 * scenario's top items overall, followed by further items that are among the top of their category.
 * Sorted by engagement count, highest first (ties by item id), each item once. Broadcast to every
 * parallel instance of the user feature function.
 */
public final class TrendingSnapshot {
  public Scenario scenario;
  /** Exclusive end of the window, event time in epoch millis. */
  public long windowEnd;
  public long[] items = new long[0];
  public long[] categories = new long[0];
  public long[] counts = new long[0];
  /** Positions of each category's items, ascending; built on first use, never stored in state. */
  private transient Map<Long, int[]> positionsByCategory;

  public TrendingSnapshot() {}

  public TrendingSnapshot(Scenario scenario, long windowEnd, long[] items, long[] categories, long[] counts) {
    this.scenario = scenario;
    this.windowEnd = windowEnd;
    this.items = items;
    this.categories = categories;
    this.counts = counts;
  }

  /** Deep copy. */
  public TrendingSnapshot copy() {
    return new TrendingSnapshot(scenario, windowEnd, items.clone(), categories.clone(), counts.clone());
  }

  public int size() {
    return items.length;
  }

  /**
   * Positions (ascending, so by engagement) of the items of {@code category}. Candidate selection asks
   * this for a few categories per request, where a scan of a snapshot of thousands of items per request
   * cost more than the lookups; the index is built once per snapshot instance. Not thread-safe: each
   * parallel instance holds its own copies.
   */
  public int[] positionsOf(long category) {
    if (positionsByCategory == null) {
      Map<Long, int[]> index = new HashMap<>();
      Map<Long, Integer> sizes = new HashMap<>();
      for (long c : categories) {
        sizes.merge(c, 1, Integer::sum);
      }
      Map<Long, Integer> filled = new HashMap<>();
      for (int i = 0; i < categories.length; i++) {
        int[] positions = index.computeIfAbsent(categories[i], c -> new int[sizes.get(c)]);
        positions[filled.merge(categories[i], 1, Integer::sum) - 1] = i;
      }
      positionsByCategory = index;
    }
    return positionsByCategory.getOrDefault(category, NO_POSITIONS);
  }

  private static final int[] NO_POSITIONS = new int[0];

  /** Key of this snapshot in the broadcast state: unique per scenario and window end. */
  public long stateKey() {
    return stateKey(scenario, windowEnd);
  }

  public static long stateKey(Scenario scenario, long windowEnd) {
    return windowEnd * 8 + scenario.ordinal();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrendingSnapshot t && scenario == t.scenario && windowEnd == t.windowEnd
        && Arrays.equals(items, t.items) && Arrays.equals(categories, t.categories) && Arrays.equals(counts, t.counts);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(stateKey());
  }

  @Override
  public String toString() {
    return "TrendingSnapshot{" + scenario + " end=" + windowEnd + " items=" + items.length + "}";
  }
}
