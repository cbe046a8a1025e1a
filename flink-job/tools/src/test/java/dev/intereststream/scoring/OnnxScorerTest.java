package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.intereststream.bench.CeilingBench;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OnnxScorerTest {

  @Test
  void splitsABatchWhereThePaddedRowsSavedPayForAnotherCall() {
    int[] mostlySmall = new int[22];
    Arrays.fill(mostlySmall, 0, 20, 60);
    Arrays.fill(mostlySmall, 20, 22, 100);
    // one call: 48 + 22 * 100 = 2248 rows; two: 48 + 20 * 60 + 48 + 2 * 100 = 1496
    assertThat(OnnxScorer.split(mostlySmall, 48)).containsExactly(20, 22);

    int[] equal = new int[32];
    Arrays.fill(equal, 100);
    assertThat(OnnxScorer.split(equal, 48)).containsExactly(32);
    assertThat(OnnxScorer.split(new int[] {7}, 48)).containsExactly(1);
    // close counts are not worth a call: 48 + 4 * 52 < 2 * 48 + 2 * 50 + 2 * 52
    assertThat(OnnxScorer.split(new int[] {50, 50, 52, 52}, 48)).containsExactly(4);
  }

  @Test
  void scoresOfASplitBatchEqualThoseOfEachRequestAlone() {
    OnnxModel model = OnnxModel.acquire(GoldenParityTest.MODEL.toString(), true);
    OnnxScorer scorer = new OnnxScorer(model, 32, 100);
    try {
      List<ScoringRequest> batch = new ArrayList<>();
      SplittableRandom random = new SplittableRandom(11);
      for (ScoringRequest r : CeilingBench.requests(24, 100, model.sequenceLength(), random)) {
        int k = 1 + random.nextInt(100);
        r.candidateItems = Arrays.copyOf(r.candidateItems, k);
        r.candidateCategories = Arrays.copyOf(r.candidateCategories, k);
        r.candidateCounts = Arrays.copyOf(r.candidateCounts, k);
        r.candidatePopularity = Arrays.copyOf(r.candidatePopularity, k);
        batch.add(r);
      }
      float[][] together = scorer.score(batch);
      for (int i = 0; i < batch.size(); i++) {
        float[] alone = scorer.score(List.of(batch.get(i)))[0];
        assertThat(together[i]).as("request %d", i).hasSize(batch.get(i).candidateCount());
        for (int c = 0; c < alone.length; c++) {
          assertThat(together[i][c]).isCloseTo(alone[c], within(1e-5f));
        }
      }
    } finally {
      scorer.close();
    }
  }
}
