package dev.intereststream.features;

import static dev.intereststream.events.TestEvents.T0;
import static dev.intereststream.events.TestEvents.click;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.intereststream.events.Click;
import dev.intereststream.events.EventIds;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import org.junit.jupiter.api.Test;

class InterestProfileTest {

  private static void apply(UserState u, Click c) {
    u.apply(c, EventIds.fingerprint(c), UserStateTest.CONFIG);
  }

  @Test
  void distributionSumsToOneHighestFirst() {
    UserState u = new UserState();
    apply(u, click("a", 1, 1, 7, Action.PURCHASE, T0));
    apply(u, click("b", 1, 2, 8, Action.CLICK, T0 + 1000));
    apply(u, click("c", 1, 3, 7, Action.CLICK, T0 + 2000));
    InterestProfile.Distribution d = InterestProfile.of(u, Scenario.ECOMMERCE, 10);
    assertThat(d.categories()).containsExactly(7L, 8L);
    float sum = 0;
    for (float w : d.weights()) {
      sum += w;
    }
    assertThat(sum).isCloseTo(1f, within(1e-6f));
    assertThat(d.weights()[0]).isGreaterThan(d.weights()[1]);
  }

  @Test
  void interestTransfersToAnotherScenarioThroughSharedCategories() {
    UserState u = new UserState();
    apply(u, click("a", 1, 1, 7, Scenario.ECOMMERCE, Action.PURCHASE, T0));
    InterestProfile.Distribution news = InterestProfile.of(u, Scenario.NEWS, 10);
    assertThat(news.categories()).containsExactly(7L);
  }

  @Test
  void keepsOnlyTheTopCategories() {
    UserState u = new UserState();
    apply(u, click("a", 1, 1, 7, Action.PURCHASE, T0));
    apply(u, click("b", 1, 2, 8, Action.CLICK, T0 + 1));
    apply(u, click("c", 1, 3, 9, Action.LIKE, T0 + 2));
    assertThat(InterestProfile.of(u, Scenario.ECOMMERCE, 1).categories()).containsExactly(7L);
    assertThat(InterestProfile.of(u, Scenario.ECOMMERCE, 1).weights()).containsExactly(1f);
  }
}
