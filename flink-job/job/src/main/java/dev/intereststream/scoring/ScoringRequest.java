package dev.intereststream.scoring;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.TriggerReason;

/**
 * Everything a {@link Scorer} needs to score one user in one scenario, taken from the user's state at
 * the trigger event: the category interest distribution and the candidate items with their trending
 * popularity. A Flink POJO of primitive arrays, so it ships between operators without Kryo.
 */
public final class ScoringRequest {
  public long userId;
  public Scenario scenario;
  public String triggerEventId;
  public Action triggerAction;
  public TriggerReason triggerReason;
  public long triggerEventTime;

  /** The user's category interest distribution in the scenario, highest weight first; sums to 1. */
  public long[] interestCategories = new long[0];
  public float[] interestWeights = new float[0];

  /**
   * Candidate items, their categories, their trending engagement counts and popularity in [0, 1]
   * (engagements over the scenario's top item's).
   */
  public long[] candidateItems = new long[0];
  public long[] candidateCategories = new long[0];
  public long[] candidateCounts = new long[0];
  public float[] candidatePopularity = new float[0];

  /**
   * The model's user inputs ({@code features.FeatureEncoder}), set only when the
   * job scores with a model: one row of L per sequence input, and the user's dense features.
   */
  public int[] sequence;
  public float[] userDense;

  public ScoringRequest() {}

  public int candidateCount() {
    return candidateItems.length;
  }
}
