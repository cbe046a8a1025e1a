package dev.intereststream.features;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;

/**
 * The user's category interest distribution in one scenario:
 *
 * <pre>a(c) = W_HOUR * recent(c) + W_DAY * share(c, 1 d) + W_WEEK * share(c, 7 d)</pre>
 *
 * <ul>
 *   <li>recent(c): the category's share of the engagement sequence, each entry weighted by its action
 *       and by 2^(-age / 1 h);
 *   <li>share(c, h): the (scenario, category) counter over the scenario's engagement total at horizon h,
 *       so engagement in categories no longer tracked still dilutes the tracked ones.
 * </ul>
 *
 * Engagement in other scenarios counts with factor {@value #TRANSFER}: categories are shared, so
 * interest shown in e-commerce says something about news. W = {@value #W_HOUR} / {@value #W_DAY} /
 * {@value #W_WEEK} puts recent intent first. The top categories are returned, normalized to sum to 1.
 */
public final class InterestProfile {

  public static final float W_HOUR = 0.5f;
  public static final float W_DAY = 0.3f;
  public static final float W_WEEK = 0.2f;
  public static final float TRANSFER = 0.25f;
  private static final float[] CATEGORY_WEIGHTS = {W_DAY, W_WEEK};

  private InterestProfile() {}

  /** Top categories and their weights, highest first (ties: smaller id first). */
  public record Distribution(long[] categories, float[] weights) {}

  public static Distribution of(UserState u, Scenario scenario, int top) {
    int s = UserState.scenarioIndex(scenario);
    EngagementSequence q = u.sequence;
    TrackedCategories c = u.categories;
    long[] ids = new long[c.count + q.size];
    float[] weights = new float[ids.length];
    int n = 0;

    // recent intent from the sequence
    float recentTotal = 0f;
    float[] recent = new float[q.size];
    for (int i = 0; i < q.size; i++) {
      float factor = q.scenarios[i] == s ? 1f : TRANSFER;
      recent[i] = factor * UserState.actionWeight(Action.values()[q.actions[i]])
          * UserState.decayFactor(0, u.lastEventTime - q.times[i]);
      recentTotal += recent[i];
    }
    if (recentTotal > 0f) {
      for (int i = 0; i < q.size; i++) {
        n = add(ids, weights, n, q.categories[i], W_HOUR * recent[i] / recentTotal);
      }
    }

    // longer-term shares from the counters
    for (int k = 0; k < UserState.CH; k++) {
      int h = UserState.CATEGORY_HORIZONS[k];
      float total = 0f;
      for (int other = 0; other < UserState.SCENARIOS; other++) {
        total += (other == s ? 1f : TRANSFER) * u.counters.engagement[other * UserState.HORIZONS + h];
      }
      if (total <= 0f) {
        continue;
      }
      for (int i = 0; i < c.count; i++) {
        float factor = c.scenarios[i] == s ? 1f : TRANSFER;
        n = add(ids, weights, n, c.ids[i], CATEGORY_WEIGHTS[k] * factor * c.weights[i * UserState.CH + k] / total);
      }
    }

    // selection sort of the few entries, highest weight first
    int k = Math.min(top, n);
    for (int i = 0; i < k; i++) {
      int best = i;
      for (int j = i + 1; j < n; j++) {
        if (weights[j] > weights[best] || (weights[j] == weights[best] && ids[j] < ids[best])) {
          best = j;
        }
      }
      swap(ids, weights, i, best);
    }
    float sum = 0f;
    for (int i = 0; i < k; i++) {
      sum += weights[i];
    }
    long[] outIds = new long[k];
    float[] outWeights = new float[k];
    for (int i = 0; i < k; i++) {
      outIds[i] = ids[i];
      outWeights[i] = weights[i] / sum;
    }
    return new Distribution(outIds, outWeights);
  }

  private static int add(long[] ids, float[] weights, int n, long id, float w) {
    if (w <= 0f) {
      return n;
    }
    for (int j = 0; j < n; j++) {
      if (ids[j] == id) {
        weights[j] += w;
        return n;
      }
    }
    ids[n] = id;
    weights[n] = w;
    return n + 1;
  }

  private static void swap(long[] ids, float[] weights, int a, int b) {
    long id = ids[a];
    ids[a] = ids[b];
    ids[b] = id;
    float w = weights[a];
    weights[a] = weights[b];
    weights[b] = w;
  }
}
