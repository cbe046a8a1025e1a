package dev.intereststream.scoring;

import java.util.List;

/**
 * The transparent baseline: an item's score is the user's affinity to its category times the item's
 * trending popularity in the scenario,
 *
 * <pre>score(i) = (d(c_i) + a) / (max_c d(c) + a) * pop(i)</pre>
 *
 * where d is the user's category interest distribution in the scenario, pop(i) in (0, 1] is the item's
 * engagements in the trending window over those of the scenario's top item, and a = {@value #PRIOR}
 * keeps popular items of categories the user has not shown interest in rankable. Scores lie in
 * [0, 1] and rank; they are not calibrated probabilities. It stays as the fallback when no model is
 * configured and as the baseline the Transformer must beat.
 */
public final class HeuristicScorer implements Scorer {

  /** Smoothing added to category affinities. */
  public static final float PRIOR = 0.1f;
  public static final String NAME = "heuristic";
  public static final String VERSION = "heuristic-v1";

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
    float maxAffinity = 0f;
    for (float w : request.interestWeights) {
      maxAffinity = Math.max(maxAffinity, w);
    }
    float norm = 1f / (maxAffinity + PRIOR);
    float[] scores = new float[request.candidateCount()];
    for (int i = 0; i < scores.length; i++) {
      float affinity = affinity(request, request.candidateCategories[i]);
      scores[i] = Math.min(1f, (affinity + PRIOR) * norm * request.candidatePopularity[i]);
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
