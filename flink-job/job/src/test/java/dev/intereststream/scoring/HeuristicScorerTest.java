package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeuristicScorerTest {

  @Test
  void scoresAffinityTimesPopularityWithinZeroAndOne() {
    ScoringRequest r = BatchingScorerTest.request(1);
    r.interestCategories = new long[] {5, 6};
    r.interestWeights = new float[] {0.8f, 0.2f};
    r.candidateItems = new long[] {1, 2, 3, 4};
    r.candidateCategories = new long[] {5, 6, 7, 5};
    r.candidatePopularity = new float[] {1f, 1f, 1f, 0.5f};
    float[] s = new HeuristicScorer().score(List.of(r))[0];
    assertThat(s[0]).isEqualTo(1f);                       // favourite category, top item
    assertThat(s[1]).isCloseTo((0.2f + 0.1f) / 0.9f, within(1e-6f)); // weaker category
    assertThat(s[2]).isCloseTo(0.1f / 0.9f, within(1e-6f)); // unknown category: prior only
    assertThat(s[3]).isEqualTo(0.5f);                     // half as popular
    for (float v : s) {
      assertThat(v).isBetween(0f, 1f);
    }
  }

  @Test
  void userWithoutInterestsRanksByPopularity() {
    ScoringRequest r = BatchingScorerTest.request(1);
    r.interestCategories = new long[0];
    r.interestWeights = new float[0];
    r.candidatePopularity = new float[] {0.3f, 1f, 0.6f};
    float[] s = new HeuristicScorer().score(List.of(r))[0];
    assertThat(s).containsExactly(0.3f, 1f, 0.6f);
  }

  @Test
  void topIndicesAreSortedByScoreThenItemId() {
    int[] top = UpdateAssembler.topIndices(new long[] {9, 3, 7, 1}, new float[] {0.5f, 0.9f, 0.5f, 0.1f}, 3);
    assertThat(top).containsExactly(1, 2, 0);
  }
}
