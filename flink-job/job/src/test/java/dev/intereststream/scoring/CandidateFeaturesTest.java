package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.scoring.ScoringRequest;
import org.junit.jupiter.api.Test;

class CandidateFeaturesTest {

  @Test
  void candidateFeaturesCountTheCandidatesCategoryInTheSequence() {
    int l = 6;
    ScoringRequest r = new ScoringRequest();
    r.sequence = new int[FeatureSpec.SEQUENCE_FEATURES * l];
    long[] history = {4, 4, 9, 4, 9}; // categories of five behaviours; the sixth slot is padding
    for (int p = 0; p < history.length; p++) {
      r.sequence[p] = 100 + p; // item bucket, non-zero for a real behaviour
      r.sequence[l + p] = FeatureSpec.categoryBucket(history[p]);
    }
    r.interestCategories = new long[] {9, 4};
    r.interestWeights = new float[] {0.7f, 0.3f};
    r.candidateItems = new long[] {1, 2, 3};
    r.candidateCategories = new long[] {4, 9, 5};
    r.candidateCounts = new long[] {10, 0, 3};
    r.candidatePopularity = new float[] {1f, 0.5f, 0.25f};
    CandidateFeatures features = new CandidateFeatures();
    features.reset(r);
    float[] out = new float[4 * 3];
    for (int j = 0; j < 3; j++) {
      features.write(j, out, 4 * j);
    }
    assertThat(out).containsExactly(
        1f, (float) StrictMath.log1p(10), 0.3f, 3 / 5f,
        0.5f, 0f, 0.7f, 2 / 5f,
        0.25f, (float) StrictMath.log1p(3), 0f, 0f);
  }

  @Test
  void countFeatureIsStrictLog1pInsideAndOutsideItsTable() {
    for (long c = 0; c < CandidateFeatures.LOG1P_TABLE_SIZE + 3; c++) {
      assertThat(Float.floatToIntBits(CandidateFeatures.log1pCount(c)))
          .as("count %d", c)
          .isEqualTo(Float.floatToIntBits((float) StrictMath.log1p(c)));
    }
    assertThat(CandidateFeatures.log1pCount(5_000_000_000L)).isEqualTo((float) StrictMath.log1p(5_000_000_000L));
  }

  @Test
  void resetForgetsThePreviousRequestsSequence() {
    CandidateFeatures features = new CandidateFeatures();
    features.reset(request(new long[] {4, 4}, 4));
    ScoringRequest second = request(new long[] {9}, 4);
    features.reset(second);
    float[] out = new float[4];
    features.write(0, out, 0);
    assertThat(out[3]).isZero();
  }

  private static ScoringRequest request(long[] history, long candidateCategory) {
    int l = 4;
    ScoringRequest r = new ScoringRequest();
    r.sequence = new int[FeatureSpec.SEQUENCE_FEATURES * l];
    for (int p = 0; p < history.length; p++) {
      r.sequence[p] = 1;
      r.sequence[l + p] = FeatureSpec.categoryBucket(history[p]);
    }
    r.candidateItems = new long[] {1};
    r.candidateCategories = new long[] {candidateCategory};
    r.candidateCounts = new long[] {1};
    r.candidatePopularity = new float[] {1f};
    return r;
  }
}
