package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeuristicScorerTest {

  private static final float E = HeuristicScorer.POPULARITY_WEIGHT;

  @Test
  void scoresAffinityFirstWithPopularityAsSmallTermWithinZeroAndOne() {
    ScoringRequest r = BatchingScorerTest.request(1);
    r.interestCategories = new long[] {5, 6};
    r.interestWeights = new float[] {0.8f, 0.2f};
    r.candidateItems = new long[] {1, 2, 3, 4};
    r.candidateCategories = new long[] {5, 6, 7, 5};
    r.candidatePopularity = new float[] {1f, 1f, 1f, 0.5f};
    float[] s = new HeuristicScorer().score(List.of(r))[0];
    assertThat(s[0]).isCloseTo((1 - E) * 0.8f + E, within(1e-6f));        // favourite category, top item
    assertThat(s[1]).isCloseTo((1 - E) * 0.2f + E, within(1e-6f));        // weaker category
    assertThat(s[2]).isCloseTo(E, within(1e-6f));                         // unknown category: popularity only
    assertThat(s[3]).isCloseTo((1 - E) * 0.8f + E * 0.5f, within(1e-6f)); // half as popular
    for (float v : s) {
      assertThat(v).isBetween(0f, 1f);
    }
  }

  @Test
  void popularityNeverLiftsAnItemAboveOneOfAClearlyHigherAffinity() {
    // The product of v1 ranked an unpopular item of the favourite category below a popular one the user
    // never engaged with; affinity now decides, popularity only orders items of equal affinity.
    ScoringRequest r = BatchingScorerTest.request(1);
    r.interestCategories = new long[] {5, 6};
    r.interestWeights = new float[] {0.9f, 0.1f};
    r.candidateItems = new long[] {1, 2, 3, 4};
    r.candidateCategories = new long[] {5, 6, 7, 8};
    r.candidatePopularity = new float[] {0f, 1f, 1f, 0.2f};
    float[] s = new HeuristicScorer().score(List.of(r))[0];
    assertThat(s[0]).isGreaterThan(s[1]);     // liked category, no trending engagement
    assertThat(s[1]).isGreaterThan(s[2]);     // some affinity beats none at equal popularity
    assertThat(s[2]).isGreaterThan(s[3]);     // no affinity: the more popular item first
    assertThat(s[0]).isGreaterThan(0f);       // v1 gave it 0
  }

  @Test
  void userWithoutInterestsRanksByPopularity() {
    ScoringRequest r = BatchingScorerTest.request(1);
    r.interestCategories = new long[0];
    r.interestWeights = new float[0];
    r.candidatePopularity = new float[] {0.3f, 1f, 0.6f};
    float[] s = new HeuristicScorer().score(List.of(r))[0];
    assertThat(s[1]).isGreaterThan(s[2]);
    assertThat(s[2]).isGreaterThan(s[0]);
    assertThat(s[1]).isCloseTo(E, within(1e-7f));
  }

  @Test
  void topIndicesAreSortedByScoreThenItemId() {
    int[] top = UpdateAssembler.topIndices(new long[] {9, 3, 7, 1}, new float[] {0.5f, 0.9f, 0.5f, 0.1f}, 3);
    assertThat(top).containsExactly(1, 2, 0);
  }
}
