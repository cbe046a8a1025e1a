package dev.intereststream.features;

import dev.intereststream.events.Click;
import dev.intereststream.schemas.TriggerReason;

/**
 * What one event does to a user: which state it applies to, whether it is too late to trigger, and
 * whether it triggers a re-scoring. Decided from the user's own events in event time only, so a
 * replay (after a failure, or to build training data) decides the same. Applied by
 * {@link UserEventFold}, which the job and the training-data replay both call.
 */
final class RescoringPolicy {

  private final FeatureConfig config;

  RescoringPolicy(FeatureConfig config) {
    this.config = config;
  }

  /**
   * The state an event at {@code eventTime} applies to: {@code current}, or a fresh state for a new
   * user or one idle for the TTL (by the user's own clock, whether or not the expiry timer has fired,
   * so the outcome does not depend on when watermarks arrive).
   */
  UserState stateFor(UserState current, long eventTime) {
    if (current == null || (!current.isEmpty() && eventTime >= current.lastEventTime() + config.userTtlMs())) {
      return new UserState();
    }
    return current;
  }

  /** Whether the event is older than the user's newest by more than the allowed lateness. */
  boolean isLate(UserState before, long eventTime) {
    return !before.isEmpty() && eventTime < before.lastEventTime() - config.allowedLatenessMs();
  }

  /**
   * Why the (already applied, not late, not duplicate) event re-scores the user, or null: strong
   * actions at once, other events once the debounce interval has passed in the event's scenario.
   */
  TriggerReason trigger(UserState after, Click click) {
    if (config.strongActions().contains(click.action)) {
      return TriggerReason.STRONG_ACTION;
    }
    long last = after.lastTriggerTime(click.scenario);
    if (last == UserState.NEVER || click.eventTime - last >= config.debounceMs()) {
      return TriggerReason.DEBOUNCE_ELAPSED;
    }
    return null;
  }
}
