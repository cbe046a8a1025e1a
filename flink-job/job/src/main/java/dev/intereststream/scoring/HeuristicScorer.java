package dev.intereststream.scoring;

import java.util.List;

/**
 * The transparent baseline: an item ranks by the user's affinity to its category first and by its
 * trending popularity only among items of (nearly) equal affinity,
 *
 * <pre>score(i) = (1 - e) * d(c_i) + e * pop(i)</pre>
 *
 * where d is the user's category interest distribution in the scenario (0 for a category outside it),
 * pop(i) in [0, 1] is the item's engagements in the trending window over those of the scenario's top item,
 * and e = {@value #POPULARITY_WEIGHT}. Both terms lie in [0, 1], so the score does too; it ranks and is
 * not a calibrated probability. Popularity can reorder two items only when their affinities differ by less
 * than e / (1 - e) (about 0.01); in practice that is among the items of categories the user has not shown
 * interest in (affinity 0, most impressions of a feed): those rank by popularity, and a user without
 * interests gets the most popular items.
 *
 * <p>Why not affinity times popularity (heuristic-v1): most impressions have zero trending popularity, so
 * the product scored them all zero, items of the user's favourite categories included, and ranked barely
 * above chance where affinity alone ranked well. The model evaluation (model/REPORT.md) measures this
 * scorer beside every single feature it could have used.
 *
 * <p>It stays as the fallback when no model is configured and as a baseline the Transformer must beat.
 */
public final class HeuristicScorer implements Scorer {

  /** Weight of popularity: small, so that it breaks ties of affinity instead of competing with it. */
  public static final float POPULARITY_WEIGHT = 0.01f;
  public static final String NAME = "heuristic";
  public static final String VERSION = "heuristic-v2";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String modelVersion() {
    return VERSION;
  }

  @Override
  public float[][] score(List<ScoringRequest> batch) {
    float[][] scores = new float[batch.size()][];
    for (int r = 0; r < batch.size(); r++) {
      scores[r] = score(batch.get(r));
    }
    return scores;
  }

  static float[] score(ScoringRequest request) {
    float[] scores = new float[request.candidateCount()];
    for (int i = 0; i < scores.length; i++) {
      float affinity = affinity(request, request.candidateCategories[i]);
      scores[i] = (1f - POPULARITY_WEIGHT) * affinity + POPULARITY_WEIGHT * request.candidatePopularity[i];
    }
    return scores;
  }

  private static float affinity(ScoringRequest request, long category) {
    long[] categories = request.interestCategories;
    for (int j = 0; j < categories.length; j++) {
      if (categories[j] == category) {
        return request.interestWeights[j];
      }
    }
    return 0f;
  }

  /** Creates heuristic scorers. */
  public static final class Factory implements ScorerFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public Scorer create() {
      return new HeuristicScorer();
    }
  }
}
