package dev.intereststream.candidates;

import dev.intereststream.scoring.ScoringRequest;
import java.util.Arrays;

/**
 * Picks a user's candidates from a trending snapshot: the scenario's top trending items, plus the top
 * trending items of the user's strongest categories, minus items the user already engaged with.
 */
public final class CandidateSelector {

  private final CandidateConfig config;

  public CandidateSelector(CandidateConfig config) {
    this.config = config;
  }

  /** An item's popularity in a snapshot: its engagements over the top item's, in [0, 1]. */
  public static float popularity(TrendingSnapshot snapshot, long count) {
    return snapshot == null || snapshot.size() == 0 ? 0f : (float) (count / (double) Math.max(1, snapshot.counts[0]));
  }

  /**
   * Fills the candidate arrays of {@code request}.
   *
   * @param snapshot trending snapshot of the request's scenario, or null if none is known
   * @param userCategories the user's categories, strongest first (only the first few are used)
   * @param consumed the items the user engaged with at the trigger, sorted
   */
  public void select(TrendingSnapshot snapshot, long[] userCategories, long[] consumed, ScoringRequest request) {
    if (snapshot == null || snapshot.size() == 0) {
      request.candidateItems = new long[0];
      request.candidateCategories = new long[0];
      request.candidateCounts = new long[0];
      request.candidatePopularity = new float[0];
      return;
    }

    int overall = Math.min(config.trendingItems(), snapshot.size());
    int topCategories = Math.min(config.userTopCategories(), userCategories.length);
    int capacity = overall + topCategories * config.itemsPerCategory();
    int[] picked = new int[capacity];
    int n = 0;
    for (int i = 0; i < overall; i++) {
      if (Arrays.binarySearch(consumed, snapshot.items[i]) < 0) {
        picked[n++] = i;
      }
    }
    if (topCategories > 0 && config.itemsPerCategory() > 0) {
      // Items before `overall` were already considered; the snapshot lists each item once, so the
      // categories' items are disjoint. Picked in snapshot order, as one scan over the snapshot would.
      int first = n;
      for (int c = 0; c < topCategories; c++) {
        if (isRepeat(userCategories, c)) {
          continue;
        }
        int taken = 0;
        for (int i : snapshot.positionsOf(userCategories[c])) {
          if (taken == config.itemsPerCategory()) {
            break;
          }
          if (i >= overall && Arrays.binarySearch(consumed, snapshot.items[i]) < 0) {
            picked[n++] = i;
            taken++;
          }
        }
      }
      Arrays.sort(picked, first, n);
    }
    request.candidateItems = new long[n];
    request.candidateCategories = new long[n];
    request.candidateCounts = new long[n];
    request.candidatePopularity = new float[n];
    for (int j = 0; j < n; j++) {
      int i = picked[j];
      request.candidateItems[j] = snapshot.items[i];
      request.candidateCategories[j] = snapshot.categories[i];
      request.candidateCounts[j] = snapshot.counts[i];
      request.candidatePopularity[j] = popularity(snapshot, snapshot.counts[i]);
    }
  }

  private static boolean isRepeat(long[] categories, int c) {
    for (int d = 0; d < c; d++) {
      if (categories[d] == categories[c]) {
        return true;
      }
    }
    return false;
  }
}
