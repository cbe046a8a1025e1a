package dev.intereststream.candidates;

import java.io.Serializable;

/**
 * Candidate and trending settings, resolved from the job's options by the wiring.
 *
 * @param windowMs trending window length
 * @param slideMs trending window slide (bucket length)
 * @param trendingItems trending items of the scenario offered to every user
 * @param itemsPerCategory trending items kept per category
 * @param userTopCategories user's top categories whose items are offered
 * @param snapshotGraceMs requests at time t use the newest list whose window ended by t minus this
 */
public record CandidateConfig(long windowMs, long slideMs, int trendingItems, int itemsPerCategory,
    int userTopCategories, long snapshotGraceMs) implements Serializable {

  public CandidateConfig {
    if (slideMs <= 0 || windowMs < slideMs || windowMs % slideMs != 0) {
      throw new IllegalArgumentException("candidates.trending-window (" + windowMs
          + " ms) must be a positive multiple of candidates.trending-slide (" + slideMs + " ms)");
    }
    if (windowMs / slideMs > 1000) {
      throw new IllegalArgumentException("candidates.trending-window may span at most 1000 slides");
    }
    if (trendingItems < 0 || itemsPerCategory < 0 || userTopCategories < 0) {
      throw new IllegalArgumentException("candidate counts must not be negative");
    }
  }

  /** Most candidates a request can have: the trending items plus those of the user's top categories. */
  public int maxCandidates() {
    return Math.max(1, trendingItems + userTopCategories * itemsPerCategory);
  }

  /**
   * End of the newest trending window a request at {@code eventTime} may use: the last slide boundary
   * at least the snapshot grace before it.
   */
  public long snapshotEndFor(long eventTime) {
    return Math.floorDiv(eventTime - snapshotGraceMs, slideMs) * slideMs;
  }

  /** Number of slide buckets in one window. */
  public int buckets() {
    return (int) (windowMs / slideMs);
  }
}
