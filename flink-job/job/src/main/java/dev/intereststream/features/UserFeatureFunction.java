package dev.intereststream.features;

import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.candidates.CandidateSelector;
import dev.intereststream.candidates.TrendingSnapshot;
import dev.intereststream.events.Click;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.TriggerReason;
import dev.intereststream.scoring.ScoringRequest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keeps each user's rolling {@link UserState} (keyed by user id), decides when to re-score, and emits a
 * {@link ScoringRequest} with the user's interest distribution and candidates for every trigger.
 *
 * <p>Re-scoring is decided in event time from the user's own events only, so a replay of the same
 * input gives the same triggers: a strong action triggers at once; any other event triggers if the
 * debounce interval has passed since the user's last trigger in that scenario; duplicates (same event
 * id and content) and events older than the user's newest by more than the allowed lateness never
 * trigger. An event id reused for another event is refused to {@link #EVENT_ID_CONFLICTS}. These
 * decisions are {@link UserEventFold}'s, shared with the training-data export; this function keeps the
 * Flink side: state handles, timers, the conflict output, metrics and emitting requests.
 *
 * <p>Candidates come from the newest broadcast {@link TrendingSnapshot} whose window ended at least the
 * snapshot grace before the trigger's event time. If the watermark has not yet passed that window end
 * (a replay or catch-up outruns the trending path), the request waits in keyed state for an event-time
 * timer at the window end: the trending path emits a snapshot before it forwards the watermark past
 * its end, so the choice is the same however the broadcast and keyed inputs interleave. Live traffic
 * never waits when the grace exceeds the watermark's out-of-orderness bound, except an event stamped
 * ahead of the wall clock by more than that margin: the watermark follows the wall clock (see
 * {@code WallClockCappedWatermarks}), so such a user's update waits about as long as their clock runs
 * ahead.
 *
 * <p>Idle users expire in event time: one timer per user at its last event time plus the TTL.
 */
public final class UserFeatureFunction
    extends KeyedBroadcastProcessFunction<Long, Click, TrendingSnapshot, ScoringRequest> {

  /** Broadcast state of trending snapshots, by {@link TrendingSnapshot#stateKey()}. */
  public static final MapStateDescriptor<Long, TrendingSnapshot> TRENDING =
      new MapStateDescriptor<>("trending", Types.LONG, TypeInformation.of(TrendingSnapshot.class));

  /**
   * Events whose id a recent event of the same user had with another content: refused, for the
   * dead-letter topic.
   */
  public static final OutputTag<Click> EVENT_ID_CONFLICTS = new OutputTag<>("event-id-conflicts") {};

  private final FeatureConfig features;
  private final CandidateConfig candidates;
  private final int topCategories;
  private final boolean modelInputs;

  private transient ValueState<UserState> users;
  private transient ListState<PendingRequest> pending;
  private transient CandidateSelector selector;
  private transient UserEventFold fold;
  private transient RequestFactory requests;
  private transient Map<Scenario, NavigableMap<Long, TrendingSnapshot>> snapshotIndex;
  private transient Counter duplicates;
  private transient Counter conflicts;
  private transient Counter lateEvents;
  private transient Counter strongTriggers;
  private transient Counter debounceTriggers;
  private transient Counter expiredUsers;
  private transient Counter requestsWithoutCandidates;
  private transient Counter deferredRequests;

  /**
   * @param topCategories categories in an update's interest distribution
   * @param modelInputs whether requests carry the model's user inputs (a model scores them)
   */
  public UserFeatureFunction(FeatureConfig features, CandidateConfig candidates, int topCategories,
      boolean modelInputs) {
    this.features = features;
    this.candidates = candidates;
    this.topCategories = topCategories;
    this.modelInputs = modelInputs;
  }

  /** Descriptor of the per-user state, with its compact serializer. */
  public static ValueStateDescriptor<UserState> userStateDescriptor() {
    return new ValueStateDescriptor<>("user", new UserStateSerializer());
  }

  @Override
  public void open(OpenContext openContext) {
    users = getRuntimeContext().getState(userStateDescriptor());
    pending = getRuntimeContext().getListState(
        new ListStateDescriptor<>("pending-requests", TypeInformation.of(PendingRequest.class)));
    selector = new CandidateSelector(candidates);
    fold = new UserEventFold(features);
    requests = new RequestFactory(topCategories, modelInputs, features.sessionGapMs());
    var metrics = getRuntimeContext().getMetricGroup();
    duplicates = metrics.counter("duplicateEvents");
    conflicts = metrics.counter("eventIdConflicts");
    lateEvents = metrics.counter("lateEvents");
    strongTriggers = metrics.counter("strongActionTriggers");
    debounceTriggers = metrics.counter("debounceTriggers");
    expiredUsers = metrics.counter("expiredUsers");
    requestsWithoutCandidates = metrics.counter("requestsWithoutCandidates");
    deferredRequests = metrics.counter("deferredRequests");
  }

  @Override
  public void processElement(Click click, ReadOnlyContext ctx, Collector<ScoringRequest> out) throws Exception {
    UserEventFold.Outcome outcome = fold.apply(users.value(), click);
    count(outcome);
    if (outcome.kind() == UserEventFold.Kind.CONFLICT) {
      ctx.output(EVENT_ID_CONFLICTS, click);
    }
    if (!outcome.applied()) {
      return;
    }
    UserState u = outcome.state();
    if (outcome.triggers()) {
      PendingRequest p = new PendingRequest(requests.create(u, click, outcome.trigger()),
          ConsumedItems.of(u), candidates.snapshotEndFor(click.eventTime));
      if (ctx.currentWatermark() >= p.snapshotEnd) {
        out.collect(complete(p, ctx));
      } else {
        pending.add(p);
        ctx.timerService().registerEventTimeTimer(p.snapshotEnd);
        deferredRequests.inc();
      }
    }
    if (u.expiryTimer() == UserState.NEVER) {
      long expiry = u.lastEventTime() + features.userTtlMs();
      ctx.timerService().registerEventTimeTimer(expiry);
      u.setExpiryTimer(expiry);
    }
    users.update(u);
  }

  private void count(UserEventFold.Outcome outcome) {
    if (outcome.expired()) {
      expiredUsers.inc();
    }
    switch (outcome.kind()) {
      case DUPLICATE -> duplicates.inc();
      case CONFLICT -> conflicts.inc();
      case LATE -> lateEvents.inc();
      case UPDATED -> {
        if (outcome.trigger() == TriggerReason.STRONG_ACTION) {
          strongTriggers.inc();
        } else if (outcome.triggers()) {
          debounceTriggers.inc();
        }
      }
    }
  }

  private ScoringRequest complete(PendingRequest p, ReadOnlyContext ctx) throws Exception {
    ScoringRequest r = p.request;
    selector.select(snapshotFor(r.scenario, p.snapshotEnd, ctx), r.interestCategories, p.consumedItems, r);
    if (r.candidateCount() == 0) {
      requestsWithoutCandidates.inc();
    }
    return r;
  }

  private TrendingSnapshot snapshotFor(Scenario scenario, long latestWindowEnd, ReadOnlyContext ctx)
      throws Exception {
    if (snapshotIndex == null) {
      snapshotIndex = new EnumMap<>(Scenario.class);
      ReadOnlyBroadcastState<Long, TrendingSnapshot> state = ctx.getBroadcastState(TRENDING);
      for (Map.Entry<Long, TrendingSnapshot> e : state.immutableEntries()) {
        TrendingSnapshot s = e.getValue();
        snapshotIndex.computeIfAbsent(s.scenario, k -> new TreeMap<>()).put(s.windowEnd, s);
      }
    }
    NavigableMap<Long, TrendingSnapshot> byEnd = snapshotIndex.get(scenario);
    if (byEnd == null) {
      return null;
    }
    Map.Entry<Long, TrendingSnapshot> e = byEnd.floorEntry(latestWindowEnd);
    return e == null ? null : e.getValue();
  }

  @Override
  public void processBroadcastElement(TrendingSnapshot snapshot, Context ctx, Collector<ScoringRequest> out)
      throws Exception {
    BroadcastState<Long, TrendingSnapshot> state = ctx.getBroadcastState(TRENDING);
    // A copy: with object reuse on, the input may hand the same instance to the next element.
    state.put(snapshot.stateKey(), snapshot.copy());
    // Keep what a request can still select. Requests wait until the watermark passes their window, so
    // triggers at or after the watermark need windows ending at or after watermark - grace - slide. The
    // watermark, not the newest snapshot, bounds this: in a catch-up the trending path runs ahead of
    // the keyed input. The newest snapshot of each scenario is kept, and so is the newest one before the
    // bound: a window without engagements has no snapshot, and a request then falls back to that one.
    long watermark = ctx.currentWatermark();
    long keepFrom = watermark == Long.MIN_VALUE ? Long.MIN_VALUE
        : Math.min(snapshot.windowEnd, watermark - candidates.snapshotGraceMs() - 2 * candidates.slideMs());
    List<Long> stale = new ArrayList<>();
    long newestStale = Long.MIN_VALUE;
    for (Map.Entry<Long, TrendingSnapshot> e : state.entries()) {
      TrendingSnapshot s = e.getValue();
      if (s.scenario == snapshot.scenario && s.windowEnd < keepFrom) {
        stale.add(e.getKey());
        newestStale = Math.max(newestStale, s.windowEnd);
      }
    }
    for (Long key : stale) {
      if (key != TrendingSnapshot.stateKey(snapshot.scenario, newestStale)) {
        state.remove(key);
      }
    }
    snapshotIndex = null;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoringRequest> out) throws Exception {
    releasePending(timestamp, ctx, out);
    UserState u = users.value();
    if (u == null || u.expiryTimer() != timestamp) {
      return; // state was reset by processElement after this timer had been set
    }
    if (u.lastEventTime() + features.userTtlMs() <= timestamp) {
      users.clear();
      expiredUsers.inc();
    } else {
      long expiry = u.lastEventTime() + features.userTtlMs();
      ctx.timerService().registerEventTimeTimer(expiry);
      u.setExpiryTimer(expiry);
      users.update(u);
    }
  }

  /** Emits, in trigger order, the deferred requests whose snapshot window has ended by {@code time}. */
  private void releasePending(long time, ReadOnlyContext ctx, Collector<ScoringRequest> out) throws Exception {
    List<PendingRequest> waiting = new ArrayList<>();
    boolean released = false;
    for (PendingRequest p : pending.get()) {
      if (p.snapshotEnd <= time) {
        out.collect(complete(p, ctx));
        released = true;
      } else {
        waiting.add(p);
      }
    }
    if (released) {
      pending.update(waiting);
    }
  }

  /** A scoring request waiting for its trending snapshot, with what candidate selection needs. */
  public static final class PendingRequest {
    public ScoringRequest request;
    /** The user's consumed items at the trigger, sorted. */
    public long[] consumedItems;
    /** End of the trending window to select candidates from. */
    public long snapshotEnd;

    public PendingRequest() {}

    PendingRequest(ScoringRequest request, long[] consumedItems, long snapshotEnd) {
      this.request = request;
      this.consumedItems = consumedItems;
      this.snapshotEnd = snapshotEnd;
    }
  }
}
