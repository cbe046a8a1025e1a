package dev.intereststream.scoring;

import dev.intereststream.schemas.CategoryInterest;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.ScoredItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link InterestUpdate} of a scored request: top K items by score, and the distribution. */
public final class UpdateAssembler {

  private final int topK;

  public UpdateAssembler(int topK) {
    if (topK < 1) {
      throw new IllegalArgumentException("scoring.top-k must be at least 1, was " + topK);
    }
    this.topK = topK;
  }

  public InterestUpdate assemble(ScoringRequest request, float[] scores, String scorer, String modelVersion,
      long scoredAt) {
    int[] top = topIndices(request.candidateItems, scores, topK);
    List<ScoredItem> items = new ArrayList<>(top.length);
    for (int i : top) {
      items.add(new ScoredItem(request.candidateItems[i], request.candidateCategories[i], scores[i]));
    }
    List<CategoryInterest> interests = new ArrayList<>(request.interestCategories.length);
    for (int j = 0; j < request.interestCategories.length; j++) {
      interests.add(new CategoryInterest(request.interestCategories[j], request.interestWeights[j]));
    }
    InterestUpdate update = new InterestUpdate();
    update.setUserId(request.userId);
    update.setScenario(request.scenario);
    update.setScorer(scorer);
    update.setModelVersion(modelVersion);
    update.setTriggerEventId(request.triggerEventId);
    update.setTriggerAction(request.triggerAction);
    update.setTriggerReason(request.triggerReason);
    update.setTriggerEventTime(Instant.ofEpochMilli(request.triggerEventTime));
    update.setScoredAt(Instant.ofEpochMilli(scoredAt));
    update.setCandidatesConsidered(request.candidateCount());
    update.setTopItems(items);
    update.setCategoryInterests(interests);
    return update;
  }

  /**
   * Indices of the k highest scores, best first; ties go to the smaller item id so that equal inputs
   * always give equal output.
   */
  static int[] topIndices(long[] items, float[] scores, int k) {
    int n = Math.min(k, scores.length);
    int[] top = new int[n];
    int filled = 0;
    for (int i = 0; i < scores.length; i++) {
      if (filled < n) {
        top[filled++] = i;
        siftUp(top, filled - 1, items, scores);
      } else if (better(i, top[n - 1], items, scores)) {
        top[n - 1] = i;
        siftUp(top, n - 1, items, scores);
      }
    }
    return top;
  }

  private static void siftUp(int[] top, int pos, long[] items, float[] scores) {
    int v = top[pos];
    while (pos > 0 && better(v, top[pos - 1], items, scores)) {
      top[pos] = top[pos - 1];
      pos--;
    }
    top[pos] = v;
  }

  private static boolean better(int a, int b, long[] items, float[] scores) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && items[a] < items[b]);
  }
}
