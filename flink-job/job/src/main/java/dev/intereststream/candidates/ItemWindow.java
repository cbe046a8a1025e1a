package dev.intereststream.candidates;

import java.util.Arrays;

/**
 * One item's engagement counts per slide bucket inside the sliding trending window, kept sparse: only
 * buckets with engagements are stored, oldest first, so an item engaged in a few buckets of a long
 * window (say 30 minutes in 5-second slides) costs a few entries, not 360. Shared by the job's
 * {@link TrendingItemsFunction} and the training-data replay, so both rank items the same way. A Flink
 * POJO.
 */
public final class ItemWindow {
  public long categoryId;
  /** Bucket numbers (bucket end / slide) with engagements, ascending; {@code size} are in use. */
  public long[] buckets = new long[2];
  public int[] counts = new int[2];
  public int size;

  public ItemWindow() {}

  /** Bucket number of the newest engagement, or Long.MIN_VALUE if none. */
  long newestBucket() {
    return size == 0 ? Long.MIN_VALUE : buckets[size - 1];
  }

  /**
   * Adds {@code count} engagements in bucket number {@code bucket} of a window of {@code window}
   * buckets, forgetting buckets that fell out of the window.
   *
   * @return false if the bucket is already older than the window (nothing added)
   */
  boolean add(long bucket, long count, long category, int window) {
    long newest = Math.max(bucket, newestBucket());
    if (bucket <= newest - window) {
      return false;
    }
    dropOlderThan(newest - window + 1);
    categoryId = category;
    int pos = size;
    while (pos > 0 && buckets[pos - 1] > bucket) {
      pos--;
    }
    if (pos > 0 && buckets[pos - 1] == bucket) {
      counts[pos - 1] += (int) count;
      return true;
    }
    if (size == buckets.length) {
      buckets = Arrays.copyOf(buckets, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    System.arraycopy(buckets, pos, buckets, pos + 1, size - pos);
    System.arraycopy(counts, pos, counts, pos + 1, size - pos);
    buckets[pos] = bucket;
    counts[pos] = (int) count;
    size++;
    return true;
  }

  /** Engagements in the window of {@code window} buckets whose newest bucket is {@code current}. */
  long sum(long current, int window) {
    long sum = 0;
    for (int i = 0; i < size; i++) {
      if (buckets[i] > current - window && buckets[i] <= current) {
        sum += counts[i];
      }
    }
    return sum;
  }

  private void dropOlderThan(long firstKept) {
    int drop = 0;
    while (drop < size && buckets[drop] < firstKept) {
      drop++;
    }
    if (drop > 0) {
      System.arraycopy(buckets, drop, buckets, 0, size - drop);
      System.arraycopy(counts, drop, counts, 0, size - drop);
      size -= drop;
    }
  }

  static ItemWindow create() {
    return new ItemWindow();
  }
}
