package dev.intereststream.features;

import static dev.intereststream.events.TestEvents.T0;
import static dev.intereststream.events.TestEvents.click;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.intereststream.events.Click;
import dev.intereststream.features.UserEventFold.Kind;
import dev.intereststream.features.UserEventFold.Outcome;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.TriggerReason;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class UserEventFoldTest {

  static final long MINUTE = 60_000L;
  /** TTL 1 h, allowed lateness 10 min, debounce 30 s; CLICK and PURCHASE are strong. */
  static final FeatureConfig CONFIG = new FeatureConfig(5, 3, 4, 30 * MINUTE, 60 * MINUTE, 10 * MINUTE, 30_000L,
      EnumSet.of(Action.CLICK, Action.PURCHASE));

  private final UserEventFold fold = new UserEventFold(CONFIG);

  /** A state that has folded in a LIKE (weak) at T0, which triggered. */
  private UserState likedAtT0() {
    return fold.apply(null, click("like", 1, 10, 1, Action.LIKE, T0)).state();
  }

  @Test
  void aNewUsersFirstEventIsFoldedIntoAFreshStateAndTriggersAsTheDebounceHasNeverRun() {
    Outcome o = fold.apply(null, click("a", 1, 10, 1, Action.LIKE, T0));
    assertThat(o.kind()).isEqualTo(Kind.UPDATED);
    assertThat(o.trigger()).isEqualTo(TriggerReason.DEBOUNCE_ELAPSED);
    assertThat(o.expired()).as("a missing state is not an expired one").isFalse();
    assertThat(o.state().sequenceItem(0)).isEqualTo(10);
    assertThat(o.state().lastTriggerTime(Scenario.ECOMMERCE)).isEqualTo(T0);
  }

  @Test
  void aWeakEventWithinTheDebounceIntervalUpdatesTheStateWithoutTriggering() {
    UserState u = likedAtT0();
    Outcome o = fold.apply(u, click("b", 1, 11, 1, Action.LIKE, T0 + 10_000));
    assertThat(o.kind()).isEqualTo(Kind.UPDATED);
    assertThat(o.triggers()).isFalse();
    assertThat(o.state()).isSameAs(u);
    assertThat(u.sequenceSize()).isEqualTo(2);
    assertThat(u.lastTriggerTime(Scenario.ECOMMERCE)).as("debounce clock unmoved").isEqualTo(T0);
  }

  @Test
  void aWeakEventOnceTheDebounceIntervalHasPassedTriggersAndMovesThatScenariosDebounceClock() {
    UserState u = likedAtT0();
    Outcome o = fold.apply(u, click("b", 1, 11, 1, Action.LIKE, T0 + 30_000));
    assertThat(o.trigger()).isEqualTo(TriggerReason.DEBOUNCE_ELAPSED);
    assertThat(u.lastTriggerTime(Scenario.ECOMMERCE)).isEqualTo(T0 + 30_000);
    assertThat(u.lastTriggerTime(Scenario.NEWS)).isEqualTo(UserState.NEVER);
  }

  @Test
  void theDebounceIntervalRunsPerScenario() {
    UserState u = likedAtT0();
    Outcome o = fold.apply(u, click("n", 1, 12, 1, Scenario.NEWS, Action.LIKE, T0 + 1_000));
    assertThat(o.trigger()).isEqualTo(TriggerReason.DEBOUNCE_ELAPSED);
  }

  @Test
  void aStrongActionTriggersAtOnceEvenWithinTheDebounceInterval() {
    UserState u = likedAtT0();
    Outcome o = fold.apply(u, click("c", 1, 11, 1, Action.CLICK, T0 + 1_000));
    assertThat(o.kind()).isEqualTo(Kind.UPDATED);
    assertThat(o.trigger()).isEqualTo(TriggerReason.STRONG_ACTION);
    assertThat(u.lastTriggerTime(Scenario.ECOMMERCE)).isEqualTo(T0 + 1_000);
  }

  @Test
  void anOutOfOrderTriggerWithinTheLatenessNeverMovesTheDebounceClockBack() {
    UserState u = likedAtT0();
    fold.apply(u, click("c", 1, 11, 1, Action.CLICK, T0 + 60_000));
    Outcome o = fold.apply(u, click("p", 1, 12, 1, Action.PURCHASE, T0 + 20_000));
    assertThat(o.trigger()).isEqualTo(TriggerReason.STRONG_ACTION);
    assertThat(u.lastTriggerTime(Scenario.ECOMMERCE)).isEqualTo(T0 + 60_000);
  }

  @Test
  void aReSentEventIsADuplicateAndLeavesTheStateUnchanged() {
    Click first = click("a", 1, 10, 1, Action.CLICK, T0);
    UserState u = fold.apply(null, first).state();
    UserState before = u.copy();
    Outcome o = fold.apply(u, click("a", 1, 10, 1, Action.CLICK, T0));
    assertThat(o.kind()).isEqualTo(Kind.DUPLICATE);
    assertThat(o.applied()).isFalse();
    assertThat(o.triggers()).isFalse();
    assertThat(o.state()).isSameAs(u).isEqualTo(before);
  }

  @Test
  void anIdReusedForAnotherEventIsAConflictAndLeavesTheFirstEventsStateUnchanged() {
    UserState u = fold.apply(null, click("a", 1, 10, 1, Action.CLICK, T0)).state();
    UserState before = u.copy();
    Outcome o = fold.apply(u, click("a", 1, 11, 2, Action.PURCHASE, T0 + 1_000));
    assertThat(o.kind()).isEqualTo(Kind.CONFLICT);
    assertThat(o.applied()).isFalse();
    assertThat(o.triggers()).isFalse();
    assertThat(u).isEqualTo(before);
  }

  @Test
  void anEventBeyondTheAllowedLatenessIsFoldedInButNeverTriggersEvenAsAStrongAction() {
    UserState u = fold.apply(null, click("a", 1, 10, 1, Action.LIKE, T0 + 20 * MINUTE)).state();
    Outcome o = fold.apply(u, click("old", 1, 9, 1, Action.PURCHASE, T0));
    assertThat(o.kind()).isEqualTo(Kind.LATE);
    assertThat(o.applied()).isTrue();
    assertThat(o.trigger()).isNull();
    assertThat(u.sequenceItem(0)).as("inserted at its event time").isEqualTo(9);
    assertThat(u.lastTriggerTime(Scenario.ECOMMERCE)).isEqualTo(T0 + 20 * MINUTE);
  }

  @Test
  void anEventWithinTheAllowedLatenessIsNotLate() {
    UserState u = fold.apply(null, click("a", 1, 10, 1, Action.LIKE, T0 + 10 * MINUTE)).state();
    Outcome o = fold.apply(u, click("old", 1, 9, 1, Action.PURCHASE, T0));
    assertThat(o.kind()).isEqualTo(Kind.UPDATED);
    assertThat(o.trigger()).isEqualTo(TriggerReason.STRONG_ACTION);
  }

  @Test
  void aStateIdleForTheTtlByTheUsersOwnClockIsReplacedByAFreshOneAndReportedExpired() {
    UserState u = likedAtT0();
    Outcome o = fold.apply(u, click("a", 1, 10, 1, Action.LIKE, T0 + 60 * MINUTE));
    assertThat(o.expired()).isTrue();
    assertThat(o.state()).isNotSameAs(u);
    assertThat(o.state().sequenceSize()).isEqualTo(1);
    assertThat(o.kind()).as("the old state's ids are forgotten with it").isEqualTo(Kind.UPDATED);
    assertThat(fold.apply(likedAtT0(), click("b", 1, 11, 1, Action.LIKE, T0 + 60 * MINUTE - 1)).expired())
        .as("one millisecond before the TTL").isFalse();
  }

  @Test
  void admitChangesNothingAndUpdateThenFoldsInWhatApplyWould() {
    UserState u = likedAtT0();
    UserState before = u.copy();
    Click c = click("c", 1, 11, 1, Action.CLICK, T0 + 1_000);
    UserEventFold.Admission a = fold.admit(u, c);
    assertThat(a.admitted()).isTrue();
    assertThat(a.state()).isSameAs(u).isEqualTo(before);
    Outcome stepwise = fold.update(a);

    Outcome direct = fold.apply(before, c);
    assertThat(stepwise.kind()).isEqualTo(direct.kind());
    assertThat(stepwise.trigger()).isEqualTo(direct.trigger());
    assertThat(stepwise.state()).isEqualTo(direct.state());
  }

  @Test
  void updateRefusesAnEventThatWasNotAdmitted() {
    UserState u = fold.apply(null, click("a", 1, 10, 1, Action.CLICK, T0)).state();
    UserEventFold.Admission a = fold.admit(u, click("a", 1, 10, 1, Action.CLICK, T0));
    assertThat(a.admitted()).isFalse();
    assertThatThrownBy(() -> fold.update(a)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DUPLICATE");
  }
}
