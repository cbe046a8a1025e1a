package dev.intereststream.features;

import dev.intereststream.events.Click;
import dev.intereststream.schemas.TriggerReason;
import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.scoring.ScoringRequest;

/**
 * Builds the user part of a {@link ScoringRequest} from a user's state: the trigger, the category
 * interest distribution and, when a model scores, the model's user inputs. Candidates are added
 * later ({@link dev.intereststream.candidates.CandidateSelector}). Shared by the job and the
 * training-data replay.
 */
public final class RequestFactory {

  private final int topCategories;
  private final boolean modelInputs;
  private final long sessionGapMs;
  private final int sequenceLength;

  /**
   * @param topCategories categories in the interest distribution
   * @param modelInputs whether to encode the model's user inputs (only a model scorer reads them)
   */
  public RequestFactory(int topCategories, boolean modelInputs, long sessionGapMs) {
    this(topCategories, modelInputs, sessionGapMs, FeatureSpec.SEQUENCE_LENGTH);
  }

  /** With another model sequence length than the job's: for training-data ablations only. */
  public RequestFactory(int topCategories, boolean modelInputs, long sessionGapMs, int sequenceLength) {
    this.topCategories = topCategories;
    this.modelInputs = modelInputs;
    this.sessionGapMs = sessionGapMs;
    this.sequenceLength = sequenceLength;
  }

  /** A request for {@code user} as of the event {@code trigger}. */
  public ScoringRequest create(UserState user, Click trigger, TriggerReason reason) {
    ScoringRequest r = new ScoringRequest();
    r.userId = trigger.userId;
    r.scenario = trigger.scenario;
    r.triggerEventId = trigger.eventId;
    r.triggerAction = trigger.action;
    r.triggerReason = reason;
    r.triggerEventTime = trigger.eventTime;
    InterestProfile.Distribution d = InterestProfile.of(user, trigger.scenario, topCategories);
    r.interestCategories = d.categories();
    r.interestWeights = d.weights();
    if (modelInputs) {
      FeatureEncoder.encodeUser(user, trigger.scenario, trigger.eventTime, sessionGapMs, sequenceLength, r);
    }
    return r;
  }
}
