package dev.intereststream.candidates;

import dev.intereststream.schemas.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Ranks the items of one scenario by their engagements in the window ending at a bucket end and
 * builds the {@link TrendingSnapshot}: the top items overall, then the best further items of each
 * category. Ties go to the smaller item id, so equal counts always give equal snapshots.
 */
final class TrendingRanking {

  private TrendingRanking() {}

  /**
   * Ranks the items and drops from {@code windows} those with nothing left in the window.
   *
   * @param windows item id to its window; iterated with removal
   */
  static TrendingSnapshot snapshot(Scenario scenario, long windowEnd, Iterator<Map.Entry<Long, ItemWindow>> windows,
      CandidateConfig config) {
    int buckets = config.buckets();
    long current = windowEnd / config.slideMs();
    List<long[]> ranked = new ArrayList<>(); // {item, category, count}
    while (windows.hasNext()) {
      Map.Entry<Long, ItemWindow> e = windows.next();
      ItemWindow w = e.getValue();
      long sum = w.sum(current, buckets);
      if (sum > 0) {
        ranked.add(new long[] {e.getKey(), w.categoryId, sum});
      } else if (w.newestBucket() <= current) {
        windows.remove(); // nothing left in the window and nothing newer pending
      }
    }
    ranked.sort((a, b) -> a[2] != b[2] ? Long.compare(b[2], a[2]) : Long.compare(a[0], b[0]));

    int overall = Math.min(config.trendingItems(), ranked.size());
    Map<Long, Integer> perCategory = new HashMap<>();
    List<long[]> kept = new ArrayList<>(ranked.subList(0, overall));
    for (int i = overall; i < ranked.size(); i++) {
      long[] r = ranked.get(i);
      int n = perCategory.getOrDefault(r[1], 0);
      if (n < config.itemsPerCategory()) {
        kept.add(r);
        perCategory.put(r[1], n + 1);
      }
    }
    long[] itemIds = new long[kept.size()];
    long[] categories = new long[kept.size()];
    long[] counts = new long[kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      itemIds[i] = kept.get(i)[0];
      categories[i] = kept.get(i)[1];
      counts[i] = kept.get(i)[2];
    }
    return new TrendingSnapshot(scenario, windowEnd, itemIds, categories, counts);
  }
}
