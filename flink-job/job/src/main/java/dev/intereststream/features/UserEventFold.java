package dev.intereststream.features;

import dev.intereststream.events.Click;
import dev.intereststream.events.EventIds;
import dev.intereststream.schemas.TriggerReason;

/**
 * Folds one user event into that user's {@link UserState} and says what the event did: refused as a
 * duplicate or an event-id conflict, folded in too late to trigger, or folded in with or without a
 * re-scoring trigger. The one copy of these decisions: {@link UserFeatureFunction} (serving) and the
 * training-data export both call it, so the state a model is trained on is the state it is served.
 *
 * <p>Pure apart from the state it updates: no Flink types, no clock, no I/O. Decisions come from the
 * user's own events in event time ({@link RescoringPolicy}), so a replay decides the same.
 *
 * <p>{@link #apply} is {@link #admit} then {@link #update}. The export calls the two steps itself,
 * because an example shows the model the user as of just before the event: it reads the admitted
 * state between them.
 */
public final class UserEventFold {

  private final FeatureConfig config;
  private final RescoringPolicy policy;

  public UserEventFold(FeatureConfig config) {
    this.config = config;
    this.policy = new RescoringPolicy(config);
  }

  /** What an event did to its user's state. */
  public enum Kind {
    /** A re-sent copy of a recent event (same id, same content): the state is unchanged. */
    DUPLICATE,
    /**
     * A recent event had this event's id with another content: refused, the state is unchanged (the
     * first event under an id is the one the state holds).
     */
    CONFLICT,
    /** Folded in, but older than the user's newest by more than the allowed lateness: never triggers. */
    LATE,
    /** Folded in; {@link Outcome#trigger()} says whether it re-scores the user. */
    UPDATED
  }

  /**
   * The outcome of one event.
   *
   * @param state the user's state after the event: the stored one, or a fresh one that replaced a
   *     missing or expired state (then the caller must store it)
   * @param expired whether a stored state had been idle for the TTL and was replaced by a fresh one
   * @param trigger why the event re-scores the user; null unless the kind is {@link Kind#UPDATED} and
   *     the event triggers
   */
  public record Outcome(Kind kind, UserState state, boolean expired, TriggerReason trigger) {

    /** Whether the event was folded into the state (late or not). */
    public boolean applied() {
      return kind == Kind.LATE || kind == Kind.UPDATED;
    }

    /** Whether the event re-scores the user. */
    public boolean triggers() {
      return trigger != null;
    }
  }

  /**
   * An event checked against its user's recent events, not yet folded in.
   *
   * @param state the state the event applies to (see {@link Outcome#state()}), still as before the event
   * @param fingerprint {@link EventIds#fingerprint(Click)} of the event
   */
  public record Admission(Click event, UserState state, boolean expired, long fingerprint,
      UserState.Recency recency) {

    /** Whether the event is new to the user and so is to be folded in ({@link #update}). */
    public boolean admitted() {
      return recency == UserState.Recency.NEW;
    }
  }

  /** Folds {@code event} into {@code stored} (null for a user without state). */
  public Outcome apply(UserState stored, Click event) {
    Admission a = admit(stored, event);
    if (!a.admitted()) {
      Kind kind = a.recency() == UserState.Recency.DUPLICATE ? Kind.DUPLICATE : Kind.CONFLICT;
      return new Outcome(kind, a.state(), a.expired(), null);
    }
    return update(a);
  }

  /**
   * First step of {@link #apply}: the state the event applies to (a fresh one for a new user, or one
   * idle for the TTL by the user's own clock) and whether the event's id is new to it. Changes nothing.
   */
  public Admission admit(UserState stored, Click event) {
    UserState u = policy.stateFor(stored, event.eventTime);
    long fingerprint = EventIds.fingerprint(event);
    return new Admission(event, u, stored != null && u != stored, fingerprint, u.recency(fingerprint));
  }

  /**
   * Second step of {@link #apply}: folds an admitted event into its state and decides the trigger; a
   * trigger moves the scenario's debounce clock to the event.
   *
   * @throws IllegalArgumentException if the event was not admitted (a duplicate or a conflict)
   */
  public Outcome update(Admission a) {
    if (!a.admitted()) {
      throw new IllegalArgumentException("event " + a.event().eventId + " was not admitted: " + a.recency());
    }
    Click event = a.event();
    UserState u = a.state();
    boolean late = policy.isLate(u, event.eventTime);
    u.apply(event, a.fingerprint(), config);
    if (late) {
      return new Outcome(Kind.LATE, u, a.expired(), null);
    }
    TriggerReason reason = policy.trigger(u, event);
    if (reason != null) {
      u.setLastTriggerTime(event.scenario, Math.max(u.lastTriggerTime(event.scenario), event.eventTime));
    }
    return new Outcome(Kind.UPDATED, u, a.expired(), reason);
  }
}
