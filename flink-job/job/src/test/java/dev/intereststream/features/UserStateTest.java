package dev.intereststream.features;

import static dev.intereststream.events.TestEvents.T0;
import static dev.intereststream.events.TestEvents.click;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.intereststream.events.Click;
import dev.intereststream.events.EventIds;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserStateTest {

  static final FeatureConfig CONFIG = new FeatureConfig(5, 3, 4, 1_800_000L, 7 * 86_400_000L, 600_000L, 30_000L,
      EnumSet.of(Action.CLICK, Action.PURCHASE));

  private static void apply(UserState u, Click c) {
    u.apply(c, EventIds.fingerprint(c), CONFIG);
  }

  @Test
  void keepsOnlyTheLastEngagementsAndCountsImpressionsSeparately() {
    UserState u = new UserState();
    for (int i = 0; i < 8; i++) {
      apply(u, click("e" + i, 1, 100 + i, 1 + i % 2, Action.CLICK, T0 + i * 1000));
      apply(u, click("i" + i, 1, 200 + i, 1, Action.IMPRESSION, T0 + i * 1000 + 1));
    }
    assertThat(u.sequenceSize()).isEqualTo(5);
    assertThat(u.sequenceItem(0)).isEqualTo(103);
    assertThat(u.sequenceItem(4)).isEqualTo(107);
    assertThat(u.sessionEvents()).isEqualTo(16);
    assertThat(u.impressions(Scenario.ECOMMERCE)).isGreaterThan(7.9f);
    assertThat(u.engagement(Scenario.ECOMMERCE, UserState.LONG_HORIZON)).isCloseTo(8f, within(0.01f));
  }

  @Test
  void decaysCountersWithTheirHalfLives() {
    UserState u = new UserState();
    apply(u, click("a", 1, 1, 1, Action.CLICK, T0));
    apply(u, click("b", 1, 2, 1, Action.IMPRESSION, T0 + 3_600_000L)); // one hour later
    assertThat(u.engagement(Scenario.ECOMMERCE, 0)).isCloseTo(0.5f, within(1e-4f));
    assertThat(u.engagement(Scenario.ECOMMERCE, 1)).isCloseTo((float) Math.pow(2, -1 / 24.0), within(1e-4f));
  }

  @Test
  void lateEventContributesWhatItWouldHaveContributedInOrder() {
    UserState inOrder = new UserState();
    apply(inOrder, click("a", 1, 1, 1, Action.CLICK, T0));
    apply(inOrder, click("b", 1, 2, 2, Action.PURCHASE, T0 + 60_000));
    apply(inOrder, click("c", 1, 3, 1, Action.CLICK, T0 + 120_000));
    UserState shuffled = new UserState();
    apply(shuffled, click("a", 1, 1, 1, Action.CLICK, T0));
    apply(shuffled, click("c", 1, 3, 1, Action.CLICK, T0 + 120_000));
    apply(shuffled, click("b", 1, 2, 2, Action.PURCHASE, T0 + 60_000));
    assertThat(shuffled.sequenceItem(1)).isEqualTo(2);
    for (int h = 0; h < UserState.HORIZONS; h++) {
      assertThat(shuffled.engagement(Scenario.ECOMMERCE, h)).isCloseTo(inOrder.engagement(Scenario.ECOMMERCE, h),
          within(1e-5f));
    }
  }

  @Test
  void startsANewSessionAfterTheGap() {
    UserState u = new UserState();
    apply(u, click("a", 1, 1, 1, Action.CLICK, T0));
    apply(u, click("b", 1, 2, 1, Action.CLICK, T0 + 1000));
    apply(u, click("c", 1, 3, 1, Action.CLICK, T0 + 1000 + CONFIG.sessionGapMs() + 1));
    assertThat(u.sessionEvents()).isEqualTo(1);
    assertThat(u.sessionStart()).isEqualTo(T0 + 1000 + CONFIG.sessionGapMs() + 1);
  }

  @Test
  void tracksTheStrongestCategoriesAndEvictsTheWeakest() {
    UserState u = new UserState();
    apply(u, click("a", 1, 1, 10, Action.PURCHASE, T0));
    apply(u, click("b", 1, 2, 20, Action.PURCHASE, T0 + 1));
    apply(u, click("c", 1, 3, 30, Action.CLICK, T0 + 2));
    apply(u, click("d", 1, 4, 40, Action.CLICK, T0 + 3)); // no stronger than category 30: not tracked
    assertThat(u.categories.find(UserState.scenarioIndex(Scenario.ECOMMERCE), 40)).isNegative();
    apply(u, click("e", 1, 5, 50, Action.PURCHASE, T0 + 4)); // outweighs category 30: replaces it
    assertThat(u.categories.find(UserState.scenarioIndex(Scenario.ECOMMERCE), 50)).isNotNegative();
    assertThat(u.categories.find(UserState.scenarioIndex(Scenario.ECOMMERCE), 30)).isNegative();
    assertThat(u.trackedCategoryCount()).isEqualTo(3);
  }

  @Test
  void remembersTheLastEventIds() {
    UserState u = new UserState();
    for (int i = 0; i < 6; i++) {
      apply(u, click("e" + i, 1, 1, 1, Action.IMPRESSION, T0 + i));
    }
    assertThat(u.recency(EventIds.fingerprint("e5"))).isNotEqualTo(UserState.Recency.NEW);
    assertThat(u.recency(EventIds.fingerprint("e2"))).isNotEqualTo(UserState.Recency.NEW);
    assertThat(u.recency(EventIds.fingerprint("e1"))).isEqualTo(UserState.Recency.NEW); // window of 4
    assertThat(u.copy()).isEqualTo(u);
  }

  @Test
  void tellsAReSentEventFromAnIdReusedForAnotherEvent() {
    UserState u = new UserState();
    Click first = click("e1", 1, 7, 3, Action.CLICK, T0);
    apply(u, first);
    assertThat(u.recency(EventIds.fingerprint(first))).isEqualTo(UserState.Recency.DUPLICATE);
    Click copy = click("e1", 1, 7, 3, Action.CLICK, T0);
    assertThat(u.recency(EventIds.fingerprint(copy))).isEqualTo(UserState.Recency.DUPLICATE);
    for (Click other : List.of(click("e1", 1, 8, 3, Action.CLICK, T0), click("e1", 1, 7, 4, Action.CLICK, T0),
        click("e1", 1, 7, 3, Action.LIKE, T0), click("e1", 1, 7, 3, Action.CLICK, T0 + 1))) {
      assertThat(u.recency(EventIds.fingerprint(other))).as(other.toString()).isEqualTo(UserState.Recency.CONFLICT);
    }
    assertThat(u.recency(EventIds.fingerprint(click("e2", 1, 7, 3, Action.CLICK, T0))))
        .isEqualTo(UserState.Recency.NEW);
    // An entry without content (state of format version 1) catches the id but never reports a conflict.
    UserState legacy = new UserState();
    legacy.apply(first, EventIds.fingerprint(first.eventId), CONFIG);
    assertThat(legacy.recency(EventIds.fingerprint(click("e1", 1, 8, 3, Action.CLICK, T0))))
        .isEqualTo(UserState.Recency.DUPLICATE);
  }
}
