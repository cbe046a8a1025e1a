package dev.intereststream.candidates;

import dev.intereststream.schemas.Scenario;
import java.util.Arrays;

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
