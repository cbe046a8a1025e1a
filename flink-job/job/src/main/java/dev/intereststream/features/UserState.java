package dev.intereststream.features;

import dev.intereststream.events.Click;
import dev.intereststream.events.EventIds;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import java.util.Arrays;

/**
 * Rolling state of one user: the last L engagements in event-time order, exponentially decayed
 * engagement counters per scenario (1 h, 1 d, 7 d) and per (scenario, category) (1 d, 7 d), decayed
 * impressions per scenario (1 d), session features,
 * the last few event-id fingerprints (to drop duplicates) and the re-scoring bookkeeping.
 *
 * <p>Impressions are counted but not kept in the sequence: the sequence is what the user chose to
 * engage with, which is what interest models read (and L impressions would push every engagement out).
 *
 * <p>Decayed counters hold the sum of {@code weight * 2^(-(T - t) / halfLife)} over events at times t,
 * referenced to T = {@link #lastEventTime()}. Adding an event is order-independent up to float
 * rounding, so a late event contributes exactly what it would have contributed in order. All
 * arithmetic uses {@link StrictMath} so a replay gives bit-identical state on any JVM.
 *
 * <p>The state is made of small parts, each owning its arrays: {@link EngagementSequence},
 * {@link ScenarioCounters}, {@link TrackedCategories} and {@link RecentEventIds}; this class keeps the
 * user's clock, session and re-scoring bookkeeping and folds an event into the parts.
 *
 * <p>Mutable and not thread-safe; {@link UserStateSerializer} stores it compactly.
 */
public final class UserState {

  /** Counter half-lives, shortest first: 1 hour, 1 day, 7 days. Fixed by the feature spec. */
  public static final long[] HALF_LIVES_MS = {3_600_000L, 86_400_000L, 604_800_000L};
  /** Number of half-lives (H). */
  public static final int HORIZONS = HALF_LIVES_MS.length;
  /** Index of the 7-day horizon, which ranks categories for eviction. */
  public static final int LONG_HORIZON = HORIZONS - 1;
  /** Index of the 1-day horizon, used for impressions. */
  public static final int DAY_HORIZON = 1;
  /**
   * Horizons kept per (scenario, category): 1 day and 7 days. The 1-hour view of categories comes from
   * the sequence itself (see {@link InterestProfile}), which saves 4 bytes per category in state.
   */
  public static final int[] CATEGORY_HORIZONS = {DAY_HORIZON, LONG_HORIZON};
  static final int CH = CATEGORY_HORIZONS.length;
  /** Index of the 7-day horizon within the category horizons. */
  static final int CATEGORY_LONG = CH - 1;
  /** Scenarios with state (ECOMMERCE, SOCIAL, NEWS), indexed by {@code ordinal() - 1}. */
  public static final int SCENARIOS = Scenario.values().length - 1;
  /** Marks "never" for times such as the last trigger. */
  public static final long NEVER = Long.MIN_VALUE;

  private static final double[] DECAY_RATE = new double[HORIZONS];

  static {
    for (int h = 0; h < HORIZONS; h++) {
      DECAY_RATE[h] = StrictMath.log(2.0) / HALF_LIVES_MS[h];
    }
  }

  // ---- the parts, each owning its arrays (UserStateSerializer reads and writes their fields) ----
  final EngagementSequence sequence = new EngagementSequence();
  final ScenarioCounters counters = new ScenarioCounters();
  final TrackedCategories categories = new TrackedCategories();
  final RecentEventIds recentIds = new RecentEventIds();

  // ---- clock and session ----
  long lastEventTime = NEVER;
  long sessionStart = NEVER;
  int sessionEvents;

  // ---- re-scoring bookkeeping ----
  final long[] lastTriggerTime = filled(SCENARIOS, NEVER);
  /** Event time of the pending idle-expiry timer, or {@link #NEVER}. */
  long expiryTimer = NEVER;

  /** Weight an engagement adds to the counters, by {@link Action#ordinal()}. */
  static float actionWeight(Action action) {
    return switch (action) {
      case CLICK, LIKE -> 1.0f;
      case COMMENT -> 1.5f;
      case SHARE, ADD_TO_CART -> 2.0f;
      case PURCHASE -> 3.0f;
      case IMPRESSION, UNKNOWN -> 0.0f;
    };
  }

  /** Index of a scenario in the per-scenario arrays. */
  public static int scenarioIndex(Scenario scenario) {
    return scenario.ordinal() - 1;
  }

  public boolean isEmpty() {
    return lastEventTime == NEVER;
  }

  /** What the user's recent events say about an event with this {@link EventIds} fingerprint. */
  public enum Recency {
    /** No recent event had its id. */
    NEW,
    /** A recent event had its id and the same content: a re-sent copy. */
    DUPLICATE,
    /** A recent event had its id but another content: the id was reused for a different event. */
    CONFLICT
  }

  /** Looks {@code fingerprint} up among the user's recent events. */
  public Recency recency(long fingerprint) {
    return recentIds.recency(fingerprint);
  }

  /**
   * Folds one event into the state. Decisions about the event (duplicate, late, trigger) are
   * {@link UserEventFold}'s; this only updates the counters, sequence and recent ids.
   *
   * @param eventIdFingerprint {@link EventIds#fingerprint(Click)} of the event
   */
  public void apply(Click click, long eventIdFingerprint, FeatureConfig config) {
    long t = click.eventTime;
    int s = scenarioIndex(click.scenario);
    // What the event adds at each horizon: 1 in order, decayed to the user's clock when late.
    float hour = 1f;
    float day = 1f;
    float week = 1f;
    if (isEmpty()) {
      lastEventTime = t;
      sessionStart = t;
      sessionEvents = 0;
    }
    if (t >= lastEventTime) {
      if (t > lastEventTime) {
        counters.decay(t - lastEventTime);
        categories.decay(t - lastEventTime);
        if (t - lastEventTime > config.sessionGapMs()) {
          sessionStart = t;
          sessionEvents = 0;
        }
        lastEventTime = t;
      }
    } else {
      hour = decayFactor(0, lastEventTime - t);
      day = decayFactor(DAY_HORIZON, lastEventTime - t);
      week = decayFactor(LONG_HORIZON, lastEventTime - t);
    }
    if (t >= sessionStart) {
      sessionEvents++;
    }
    counters.markActive(s);
    if (click.action == Action.IMPRESSION) {
      counters.addImpression(s, day);
    } else {
      float w = actionWeight(click.action);
      counters.addEngagement(s, w, hour, day, week);
      categories.add(s, click.categoryId, w * day, w * week, config.trackedCategories());
      sequence.insert(click, config.sequenceLength());
    }
    recentIds.remember(eventIdFingerprint, config.dedupWindow());
  }

  static float decayFactor(int horizon, long dt) {
    return (float) StrictMath.exp(-DECAY_RATE[horizon] * dt);
  }

  private static long[] filled(int n, long value) {
    long[] a = new long[n];
    Arrays.fill(a, value);
    return a;
  }

  // ---- read access for features, candidates and tests ----

  public long lastEventTime() {
    return lastEventTime;
  }

  public long sessionStart() {
    return sessionStart;
  }

  public int sessionEvents() {
    return sessionEvents;
  }

  /** Number of engagements in the sequence. */
  public int sequenceSize() {
    return sequence.size;
  }

  public long sequenceItem(int i) {
    return sequence.items[i];
  }

  public long sequenceCategory(int i) {
    return sequence.categories[i];
  }

  public long sequenceTime(int i) {
    return sequence.times[i];
  }

  public Action sequenceAction(int i) {
    return Action.values()[sequence.actions[i]];
  }

  public Scenario sequenceScenario(int i) {
    return Scenario.values()[sequence.scenarios[i] + 1];
  }

  /** Dwell of sequence entry i in milliseconds (to the second), or {@link Click#NO_DWELL}. */
  public int sequenceDwellMs(int i) {
    return sequence.dwellMs(i);
  }

  public boolean hasScenario(Scenario scenario) {
    return counters.active(scenarioIndex(scenario));
  }

  /** Decayed engagement weight in a scenario at horizon h, referenced to {@link #lastEventTime()}. */
  public float engagement(Scenario scenario, int h) {
    return counters.engagement[scenarioIndex(scenario) * HORIZONS + h];
  }

  /** Decayed impressions in a scenario at the 1-day horizon, referenced to {@link #lastEventTime()}. */
  public float impressions(Scenario scenario) {
    return counters.impressions[scenarioIndex(scenario)];
  }

  public int trackedCategoryCount() {
    return categories.count;
  }

  public Scenario trackedCategoryScenario(int i) {
    return Scenario.values()[categories.scenarios[i] + 1];
  }

  public long trackedCategoryId(int i) {
    return categories.ids[i];
  }

  /** Decayed engagement of tracked category i at category horizon k (see {@link #CATEGORY_HORIZONS}). */
  public float trackedCategoryWeight(int i, int k) {
    return categories.weights[i * CH + k];
  }

  public long lastTriggerTime(Scenario scenario) {
    return lastTriggerTime[scenarioIndex(scenario)];
  }

  public void setLastTriggerTime(Scenario scenario, long time) {
    lastTriggerTime[scenarioIndex(scenario)] = time;
  }

  public long expiryTimer() {
    return expiryTimer;
  }

  public void setExpiryTimer(long time) {
    expiryTimer = time;
  }

  /** Deep copy. */
  public UserState copy() {
    UserState c = new UserState();
    copyInto(c);
    return c;
  }

  void copyInto(UserState c) {
    c.sequence.copyFrom(sequence);
    c.counters.copyFrom(counters);
    c.categories.copyFrom(categories);
    c.recentIds.copyFrom(recentIds);
    c.lastEventTime = lastEventTime;
    c.sessionStart = sessionStart;
    c.sessionEvents = sessionEvents;
    System.arraycopy(lastTriggerTime, 0, c.lastTriggerTime, 0, SCENARIOS);
    c.expiryTimer = expiryTimer;
  }

  /** Equality of content, ignoring spare array capacity. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UserState u)) {
      return false;
    }
    return sequence.equals(u.sequence)
        && lastEventTime == u.lastEventTime && sessionStart == u.sessionStart && sessionEvents == u.sessionEvents
        && counters.equals(u.counters)
        && Arrays.equals(lastTriggerTime, u.lastTriggerTime)
        && categories.equals(u.categories)
        && recentIds.equals(u.recentIds)
        && expiryTimer == u.expiryTimer;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(lastEventTime) * 31 + sequence.size;
  }

  @Override
  public String toString() {
    return "UserState{size=" + sequence.size + ", lastEventTime=" + lastEventTime + ", sessionEvents=" + sessionEvents
        + ", categories=" + categories.count + ", recentIds=" + recentIds.size() + "}";
  }
}
