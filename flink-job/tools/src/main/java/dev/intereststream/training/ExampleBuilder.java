package dev.intereststream.training;

import dev.intereststream.candidates.CandidateSelector;
import dev.intereststream.candidates.TrendingReplay;
import dev.intereststream.events.Click;
import dev.intereststream.features.ConsumedItems;
import dev.intereststream.features.RequestFactory;
import dev.intereststream.features.UserState;
import dev.intereststream.schemas.Action;
import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.scoring.HeuristicScorer;
import dev.intereststream.scoring.ModelInputs;
import dev.intereststream.scoring.ScoringRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds training examples through the job's own request code: the {@link ScoringRequest} the job would
 * build for the user's state with the shown item as its one candidate (trending counts from the
 * {@link TrendingReplay}), turned into model inputs by {@link ModelInputs}, with the job's heuristic
 * score beside them. For logs without impressions it also samples negatives from recent engagements
 * of all users ({@link RecentItems}).
 */
final class ExampleBuilder {

  private final RequestFactory requests;
  private final TrendingReplay trending;
  private final int l;
  private final HeuristicScorer heuristic = new HeuristicScorer();
  private final ModelInputs inputs;
  private final RecentItems recent = new RecentItems(100_000, 0x7A0BA0L);
  private long syntheticSlates;

  /** @param l the model's sequence length */
  ExampleBuilder(RequestFactory requests, TrendingReplay trending, int l) {
    this.requests = requests;
    this.trending = trending;
    this.l = l;
    this.inputs = new ModelInputs(1, 1, l);
  }

  /** The example of {@code impression} shown to a user in state {@code u} (as before the impression). */
  TrainingExample build(UserState u, Click impression, int split) {
    ScoringRequest r = requests.create(u, impression, null);
    long count = trending.countOf(impression.scenario, impression.eventTime, impression.itemId);
    r.candidateItems = new long[] {impression.itemId};
    r.candidateCategories = new long[] {impression.categoryId};
    r.candidateCounts = new long[] {count};
    r.candidatePopularity = new float[] {
        CandidateSelector.popularity(trending.snapshotFor(impression.scenario, impression.eventTime), count)};
    inputs.start(1);
    inputs.add(r);
    TrainingExample x = new TrainingExample();
    x.time = impression.eventTime;
    x.user = impression.userId;
    x.item = impression.itemId;
    x.split = split;
    x.sequence = new int[FeatureSpec.SEQUENCE_FEATURES * l];
    for (int f = 0; f < FeatureSpec.SEQUENCE_FEATURES; f++) {
      System.arraycopy(inputs.ints(f), 0, x.sequence, f * l, l);
    }
    x.userDense = inputs.floats(6);
    x.scenario = inputs.ints(7)[0];
    x.candItem = inputs.ints(8)[0];
    x.candCategory = inputs.ints(9)[0];
    x.candDense = inputs.floats(10);
    x.heuristic = heuristic.score(List.of(r))[0][0];
    return x;
  }

  /**
   * A synthetic slate for a click in a log without impressions: the click as a positive, then up to
   * {@code negatives} recent items the user had not engaged with, shown at the same moment. Fewer
   * negatives while there is too little history to draw them from.
   */
  List<TrainingExample> sampledSlate(UserState u, Click click, int negatives, int split) {
    List<TrainingExample> slate = new ArrayList<>(1 + negatives);
    TrainingExample positive = build(u, click, split);
    positive.label = true;
    positive.slate = syntheticSlates++;
    slate.add(positive);
    long[] consumed = ConsumedItems.of(u);
    for (int i = 0; i < negatives; i++) {
      long[] other = recent.sample(click.itemId, consumed);
      if (other == null) {
        break;
      }
      Click shown = new Click(click.eventId + "-neg" + i, click.userId, other[0], other[1], click.scenario,
          Action.IMPRESSION, Click.NO_DWELL, click.eventTime);
      TrainingExample negative = build(u, shown, split);
      negative.slate = positive.slate;
      slate.add(negative);
    }
    return slate;
  }

  /** Records an event folded into its user's state, so later negatives can be drawn from it. */
  void observe(Click click) {
    if (click.isEngagement()) {
      recent.add(click.itemId, click.categoryId);
    }
  }
}
