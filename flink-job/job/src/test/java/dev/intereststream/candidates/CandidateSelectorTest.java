package dev.intereststream.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.schemas.Scenario;
import dev.intereststream.scoring.ScoringRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CandidateSelectorTest {

  private static final CandidateConfig CONFIG = new CandidateConfig(60_000, 5_000, 3, 2, 2, 10_000);

  /** Items 1..10 by count; categories: 1,2,1,3,2,2,1,3,2,1. */
  private static TrendingSnapshot snapshot() {
    long[] items = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    long[] categories = {1, 2, 1, 3, 2, 2, 1, 3, 2, 1};
    long[] counts = {100, 90, 80, 70, 60, 50, 40, 30, 20, 10};
    return new TrendingSnapshot(Scenario.NEWS, 5_000, items, categories, counts);
  }

  @Test
  void picksTopTrendingThenTopItemsOfTheUsersCategoriesInSnapshotOrder() {
    ScoringRequest r = new ScoringRequest();
    new CandidateSelector(CONFIG).select(snapshot(), new long[] {2, 1, 3}, new long[0], r);
    // top 3 overall: 1, 2, 3; then two of category 2 (5, 6) and two of category 1 (7, 10), in snapshot order
    assertThat(r.candidateItems).containsExactly(1, 2, 3, 5, 6, 7, 10);
    assertThat(r.candidateCategories).containsExactly(1, 2, 1, 2, 2, 1, 1);
    assertThat(r.candidatePopularity[3]).isEqualTo(0.6f);
  }

  @Test
  void skipsConsumedItemsAndFillsTheCategoryQuotaFromLaterItems() {
    ScoringRequest r = new ScoringRequest();
    new CandidateSelector(CONFIG).select(snapshot(), new long[] {2, 2}, new long[] {2, 5}, r);
    // item 2 consumed (overall), 5 consumed (category 2): category 2 gives 6 and 9; the repeat adds nothing
    assertThat(r.candidateItems).containsExactly(1, 3, 6, 9);
  }

  @Test
  void emptySnapshotGivesNoCandidates() {
    ScoringRequest r = new ScoringRequest();
    new CandidateSelector(CONFIG).select(null, new long[] {1}, new long[0], r);
    assertThat(r.candidateItems).isEmpty();
    assertThat(r.candidateCount()).isZero();
  }

  @Test
  void matchesAScanOfTheWholeSnapshotOnRandomSnapshots() {
    Random random = new Random(3);
    CandidateConfig config = new CandidateConfig(60_000, 5_000, 20, 5, 3, 10_000);
    CandidateSelector selector = new CandidateSelector(config);
    for (int round = 0; round < 200; round++) {
      int size = random.nextInt(400);
      long[] items = random.longs(size, 1, 1_000_000).distinct().toArray();
      long[] categories = new long[items.length];
      long[] counts = new long[items.length];
      for (int i = 0; i < items.length; i++) {
        categories[i] = 1 + random.nextInt(12);
        counts[i] = items.length - i;
      }
      TrendingSnapshot s = new TrendingSnapshot(Scenario.ECOMMERCE, 0, items, categories, counts);
      long[] user = random.longs(random.nextInt(5), 1, 13).toArray();
      long[] consumed = random.longs(random.nextInt(30), 0, Math.max(1, items.length))
          .map(i -> items.length == 0 ? 7 : items[(int) i]).sorted().toArray();
      ScoringRequest r = new ScoringRequest();
      selector.select(s, user, consumed, r);
      assertThat(r.candidateItems).as("round %d", round).containsExactly(scan(config, s, user, consumed));
    }
  }

  /** The selection as a scan over every snapshot item, the first category match deciding. */
  private static long[] scan(CandidateConfig config, TrendingSnapshot s, long[] user, long[] consumed) {
    List<Long> picked = new ArrayList<>();
    int overall = Math.min(config.trendingItems(), s.size());
    for (int i = 0; i < overall; i++) {
      if (Arrays.binarySearch(consumed, s.items[i]) < 0) {
        picked.add(s.items[i]);
      }
    }
    int top = Math.min(config.userTopCategories(), user.length);
    int[] taken = new int[top];
    for (int i = overall; i < s.size(); i++) {
      for (int c = 0; c < top; c++) {
        if (user[c] == s.categories[i]) {
          if (taken[c] < config.itemsPerCategory() && Arrays.binarySearch(consumed, s.items[i]) < 0) {
            picked.add(s.items[i]);
            taken[c]++;
          }
          break;
        }
      }
    }
    return picked.stream().mapToLong(Long::longValue).toArray();
  }
}
