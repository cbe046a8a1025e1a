package dev.intereststream.features;

import static dev.intereststream.events.TestEvents.T0;
import static dev.intereststream.events.TestEvents.click;
import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.candidates.TrendingSnapshot;
import dev.intereststream.events.Click;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.TriggerReason;
import dev.intereststream.scoring.ScoringRequest;
import java.util.EnumSet;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserFeatureFunctionTest {

  static final long HOUR = 3_600_000L;
  static final FeatureConfig FEATURES = new FeatureConfig(5, 3, 4, 30 * 60_000L, HOUR, 10 * 60_000L, 30_000L,
      EnumSet.of(Action.CLICK, Action.PURCHASE));
  static final CandidateConfig CANDIDATES = new CandidateConfig(60_000L, 10_000L, 3, 2, 2, 5_000L);

  private KeyedBroadcastOperatorTestHarness<Long, Click, TrendingSnapshot, ScoringRequest> harness;

  /** An opened harness. */
  static KeyedBroadcastOperatorTestHarness<Long, Click, TrendingSnapshot, ScoringRequest> newHarness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new UserFeatureFunction(FEATURES, CANDIDATES, 5, true), new UserKey(), Types.LONG, UserFeatureFunction.TRENDING);
  }

  /** A harness not yet initialized, to restore a snapshot into. */
  static KeyedBroadcastOperatorTestHarness<Long, Click, TrendingSnapshot, ScoringRequest> unopenedHarness()
      throws Exception {
    return new KeyedBroadcastOperatorTestHarness<>(
        new CoBroadcastWithKeyedOperator<>(new UserFeatureFunction(FEATURES, CANDIDATES, 5, true),
            List.of(UserFeatureFunction.TRENDING)),
        new UserKey(), Types.LONG, 1, 1, 0);
  }

  @BeforeEach
  void setUp() throws Exception {
    harness = newHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private long maxTime = Long.MIN_VALUE;

  private void send(Click c) throws Exception {
    harness.processElement(c, c.eventTime);
    maxTime = Math.max(maxTime, c.eventTime);
  }

  /** Requests emitted once the watermark has caught up with the events sent (an in-order stream). */
  private List<ScoringRequest> requests() throws Exception {
    if (maxTime > Long.MIN_VALUE) {
      harness.watermark(maxTime);
    }
    return harness.extractOutputValues();
  }

  static UserState state(KeyedBroadcastOperatorTestHarness<Long, ?, ?, ?> h, long user) throws Exception {
    KeyedStateBackend<Long> backend = h.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(user);
    ValueState<UserState> s = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
        UserFeatureFunction.userStateDescriptor());
    return s.value();
  }

  static int stateEntries(KeyedBroadcastOperatorTestHarness<Long, ?, ?, ?> h) {
    return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
  }

  @Test
  void keepsTheLastEngagementsOfEachUserInEventTimeOrder() throws Exception {
    for (int i = 0; i < 7; i++) {
      send(click("a" + i, 1, 100 + i, 1, Action.LIKE, T0 + i * 1000));
      send(click("b" + i, 2, 200 + i, 2, Action.LIKE, T0 + i * 1000));
    }
    UserState one = state(harness, 1);
    assertThat(one.sequenceSize()).isEqualTo(5);
    assertThat(List.of(one.sequenceItem(0), one.sequenceItem(4))).containsExactly(102L, 106L);
    assertThat(one.lastEventTime()).isEqualTo(T0 + 6000);
    assertThat(state(harness, 2).sequenceItem(4)).isEqualTo(206L);
    assertThat(stateEntries(harness)).as("user states and pending requests").isEqualTo(4);
    requests(); // the watermark catches up: pending requests go out and leave state
    assertThat(stateEntries(harness)).isEqualTo(2);
  }

  @Test
  void insertsAnOutOfOrderEventAtItsPlace() throws Exception {
    send(click("a", 1, 10, 1, Action.LIKE, T0));
    send(click("c", 1, 30, 1, Action.LIKE, T0 + 2000));
    send(click("b", 1, 20, 1, Action.LIKE, T0 + 1000));
    UserState u = state(harness, 1);
    assertThat(List.of(u.sequenceItem(0), u.sequenceItem(1), u.sequenceItem(2))).containsExactly(10L, 20L, 30L);
    assertThat(u.lastEventTime()).isEqualTo(T0 + 2000);
  }

  @Test
  void ignoresADuplicateEventId() throws Exception {
    send(click("a", 1, 10, 1, Action.CLICK, T0));
    UserState before = state(harness, 1).copy();
    send(click("a", 1, 10, 1, Action.CLICK, T0));
    assertThat(requests()).hasSize(1);
    assertThat(state(harness, 1)).isEqualTo(before);
  }

  @Test
  void refusesAnEventIdReusedWithOtherContentToTheConflictOutputAndKeepsTheFirst() throws Exception {
    send(click("a", 1, 10, 1, Action.CLICK, T0));
    UserState before = state(harness, 1).copy();
    Click reused = click("a", 1, 11, 2, Action.PURCHASE, T0 + 1_000);
    send(reused);
    assertThat(requests()).hasSize(1);
    assertThat(state(harness, 1)).isEqualTo(before);
    assertThat(harness.getSideOutput(UserFeatureFunction.EVENT_ID_CONFLICTS))
        .extracting(r -> r.getValue()).containsExactly(reused);
  }

  @Test
  void strongActionsTriggerAtOnceAndOtherEventsAreDebouncedInEventTime() throws Exception {
    send(click("i1", 1, 10, 1, Action.IMPRESSION, T0));             // first event: debounce elapsed
    send(click("i2", 1, 11, 1, Action.IMPRESSION, T0 + 10_000));    // within 30 s: nothing
    send(click("c1", 1, 11, 1, Action.CLICK, T0 + 11_000));         // strong: at once
    send(click("l1", 1, 11, 1, Action.LIKE, T0 + 40_000));          // 29 s after the click: nothing
    send(click("i3", 1, 12, 1, Action.IMPRESSION, T0 + 41_000));    // 30 s after the click: trigger
    send(click("n1", 1, 12, 1, Scenario.NEWS, Action.IMPRESSION, T0 + 41_500)); // other scenario: own debounce
    assertThat(requests()).extracting(r -> r.triggerEventId).containsExactly("i1", "c1", "i3", "n1");
    assertThat(requests()).extracting(r -> r.triggerReason).containsExactly(TriggerReason.DEBOUNCE_ELAPSED,
        TriggerReason.STRONG_ACTION, TriggerReason.DEBOUNCE_ELAPSED, TriggerReason.DEBOUNCE_ELAPSED);
    ScoringRequest click = requests().get(1);
    assertThat(click.userId).isEqualTo(1);
    assertThat(click.triggerEventTime).isEqualTo(T0 + 11_000);
    assertThat(click.interestCategories).containsExactly(1L);
    assertThat(click.interestWeights).containsExactly(1f);
  }

  @Test
  void eventsLaterThanTheAllowedLatenessUpdateStateButNeverTrigger() throws Exception {
    send(click("a", 1, 10, 1, Action.CLICK, T0 + HOUR / 2));
    send(click("late", 1, 20, 2, Action.CLICK, T0 + HOUR / 2 - 10 * 60_000L - 1));
    assertThat(requests()).extracting(r -> r.triggerEventId).containsExactly("a");
    assertThat(state(harness, 1).sequenceSize()).isEqualTo(2);
  }

  @Test
  void expiresIdleUsersWithOneEventTimeTimerEach() throws Exception {
    send(click("a", 1, 10, 1, Action.CLICK, T0));
    send(click("b", 1, 11, 1, Action.CLICK, T0 + 1000));
    send(click("c", 2, 12, 1, Action.CLICK, T0 + 2000));
    assertThat(requests()).hasSize(3);
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    assertThat(stateEntries(harness)).isEqualTo(2);

    harness.watermark(T0 + HOUR); // user 1's first timer fires; its last event was later: re-armed
    assertThat(stateEntries(harness)).isEqualTo(2);
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);

    harness.watermark(T0 + HOUR + 1000); // user 1 idle for the TTL
    assertThat(state(harness, 1)).isNull();
    assertThat(stateEntries(harness)).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    harness.watermark(T0 + HOUR + 2000);
    assertThat(stateEntries(harness)).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void anEventAfterTheTtlStartsAFreshStateEvenBeforeTheTimerFires() throws Exception {
    send(click("a", 1, 10, 1, Action.CLICK, T0));
    send(click("b", 1, 11, 2, Action.CLICK, T0 + HOUR));
    UserState u = state(harness, 1);
    assertThat(u.sequenceSize()).isEqualTo(1);
    assertThat(u.sequenceItem(0)).isEqualTo(11L);
    harness.watermark(T0 + HOUR); // the stale timer fires and must not clear the fresh state
    assertThat(state(harness, 1)).isEqualTo(u);
  }

  @Test
  void snapshotAndRestoreGiveIdenticalStateAndOutput() throws Exception {
    harness.processBroadcastElement(snapshot(Scenario.ECOMMERCE, T0, new long[] {50, 51}, new long[] {1, 2}), T0);
    for (int i = 0; i < 20; i++) {
      send(click("e" + i, 1 + i % 3, 100 + i, 1 + i % 4, i % 5 == 0 ? Action.CLICK : Action.IMPRESSION,
          T0 + 10_000 + i * 700));
    }
    OperatorSubtaskState snapshot = harness.snapshot(1, T0);
    var restored = unopenedHarness();
    restored.initializeState(snapshot);
    restored.open();
    for (long user = 1; user <= 3; user++) {
      assertThat(state(restored, user)).isEqualTo(state(harness, user));
    }
    assertThat(restored.numEventTimeTimers()).isEqualTo(harness.numEventTimeTimers());
    Click next = click("next", 2, 999, 3, Action.CLICK, T0 + 60_000);
    harness.processElement(next, next.eventTime);
    restored.processElement(next, next.eventTime);
    harness.watermark(next.eventTime);
    restored.watermark(next.eventTime);
    List<ScoringRequest> original = harness.extractOutputValues();
    ScoringRequest a = original.get(original.size() - 1);
    List<ScoringRequest> afterRestore = restored.extractOutputValues();
    ScoringRequest b = afterRestore.get(afterRestore.size() - 1);
    assertThat(b).usingRecursiveComparison().isEqualTo(a);
    assertThat(b.candidateItems).containsExactly(50L, 51L);
    restored.close();
  }

  @Test
  void picksCandidatesFromTheNewestSnapshotOlderThanTheGraceMinusConsumedItems() throws Exception {
    harness.processBroadcastElement(snapshot(Scenario.ECOMMERCE, T0, new long[] {50, 51, 52}, new long[] {1, 1, 2}), T0);
    harness.processBroadcastElement(snapshot(Scenario.ECOMMERCE, T0 + 10_000, new long[] {60, 61, 62}, new long[] {1, 1, 2}), T0);
    harness.processBroadcastElement(snapshot(Scenario.NEWS, T0, new long[] {70}, new long[] {1}), T0);

    send(click("a", 1, 51, 1, Action.CLICK, T0 + 14_999)); // newest with end <= t - 5 s is T0
    send(click("b", 1, 61, 1, Action.CLICK, T0 + 15_000)); // now the T0 + 10 s one
    List<ScoringRequest> out = requests();
    assertThat(out.get(0).candidateItems).containsExactly(50L, 52L);
    assertThat(out.get(1).candidateItems).containsExactly(60L, 62L);
    assertThat(out.get(1).candidatePopularity[0]).isEqualTo(1f);
    assertThat(out.get(1).candidateCategories).containsExactly(1L, 2L);
  }

  @Test
  void aRequestWaitsForTheWatermarkToPassItsSnapshotWindowThenUsesThatSnapshot() throws Exception {
    harness.watermark(T0);
    send(click("a", 1, 51, 1, Action.CLICK, T0 + 25_000)); // needs the window ending at T0 + 20 s
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isEqualTo(2); // the request's and the idle-expiry timer
    // the trending path delivers the snapshot before its watermark passes the window end
    harness.processBroadcastElement(snapshot(Scenario.ECOMMERCE, T0 + 20_000, new long[] {7, 8}, new long[] {1, 1}), T0);
    harness.watermark(T0 + 20_000);
    List<ScoringRequest> out = harness.extractOutputValues();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).candidateItems).containsExactly(7L, 8L);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
  }

  @Test
  void requestWithoutAnySnapshotHasNoCandidatesButIsStillEmitted() throws Exception {
    send(click("a", 1, 51, 1, Action.CLICK, T0));
    assertThat(requests()).hasSize(1);
    assertThat(requests().get(0).candidateItems).isEmpty();
  }

  @Test
  void keepsOnlySnapshotsARequestAtOrAfterTheWatermarkCouldSelect() throws Exception {
    harness.watermark(T0 + 90_000L);
    for (int i = 0; i <= 9; i++) {
      harness.processBroadcastElement(snapshot(Scenario.SOCIAL, T0 + i * 10_000L, new long[] {1}, new long[] {1}), T0);
    }
    harness.processBroadcastElement(snapshot(Scenario.NEWS, T0, new long[] {1}, new long[] {1}), T0);
    // bound: watermark - grace 5 s - 2 slides of 10 s = 65 s; kept: 70, 80, 90 and the newest before, 60
    List<Long> kept = new java.util.ArrayList<>();
    harness.getBroadcastState(UserFeatureFunction.TRENDING).entries().forEach(e -> {
      if (e.getValue().scenario == Scenario.SOCIAL) {
        kept.add(e.getValue().windowEnd - T0);
      }
    });
    assertThat(kept).containsExactlyInAnyOrder(60_000L, 70_000L, 80_000L, 90_000L);
    assertThat(harness.getBroadcastState(UserFeatureFunction.TRENDING).contains(
        TrendingSnapshot.stateKey(Scenario.NEWS, T0))).isTrue();
  }

  static TrendingSnapshot snapshot(Scenario scenario, long windowEnd, long[] items, long[] categories) {
    long[] counts = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      counts[i] = 100 - i;
    }
    return new TrendingSnapshot(scenario, windowEnd, items, categories, counts);
  }
}
