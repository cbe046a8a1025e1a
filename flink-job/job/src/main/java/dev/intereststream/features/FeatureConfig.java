package dev.intereststream.features;

import dev.intereststream.schemas.Action;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * The per-user feature and re-scoring settings, resolved from the job's options once (by the job's wiring) and
 * shipped with the function.
 *
 * @param sequenceLength engagements kept per user (L)
 * @param trackedCategories (scenario, category) counters kept per user
 * @param dedupWindow recent event ids remembered per user
 * @param sessionGapMs inactivity that starts a new session
 * @param userTtlMs event-time inactivity after which the user's state is deleted
 * @param allowedLatenessMs events older than the user's newest by more than this do not trigger
 * @param debounceMs minimum event-time spacing of non-strong-action updates per user and scenario
 * @param strongActions actions that trigger an update at once
 */
public record FeatureConfig(
    int sequenceLength,
    int trackedCategories,
    int dedupWindow,
    long sessionGapMs,
    long userTtlMs,
    long allowedLatenessMs,
    long debounceMs,
    Set<Action> strongActions) implements Serializable {

  public FeatureConfig {
    if (sequenceLength < 1 || sequenceLength > 1000) {
      throw new IllegalArgumentException("features.sequence-length must be in [1, 1000], was " + sequenceLength);
    }
    if (trackedCategories < 1 || trackedCategories > 255) {
      throw new IllegalArgumentException("features.tracked-categories must be in [1, 255], was " + trackedCategories);
    }
    if (dedupWindow < 0 || dedupWindow > 1000) {
      throw new IllegalArgumentException("features.dedup-window must be in [0, 1000], was " + dedupWindow);
    }
    if (strongActions.contains(Action.UNKNOWN) || strongActions.contains(Action.IMPRESSION)) {
      throw new IllegalArgumentException("rescoring.strong-actions may not contain UNKNOWN or IMPRESSION");
    }
    strongActions = EnumSet.copyOf(strongActions.isEmpty() ? EnumSet.noneOf(Action.class) : strongActions);
  }
}
