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

  // ---- sequence of engagements, oldest first ----
  int size;
  long[] seqItem = new long[0];
  long[] seqCategory = new long[0];
  long[] seqTime = new long[0];
  byte[] seqAction = new byte[0];
  byte[] seqScenario = new byte[0];
  /** Dwell in whole seconds plus one; 0 means not measured. Coarse on purpose: one byte up to two minutes. */
  int[] seqDwell = new int[0];

  // ---- clock and session ----
  long lastEventTime = NEVER;
  long sessionStart = NEVER;
  int sessionEvents;

  // ---- per scenario ----
  int scenarioMask;
  final long[] lastTriggerTime = filled(SCENARIOS, NEVER);
  /** Engagement weight per scenario and horizon: index {@code s * HORIZONS + h}. */
  final float[] engagement = new float[SCENARIOS * HORIZONS];
  /** Impressions per scenario at the 1-day horizon. */
  final float[] impressions = new float[SCENARIOS];

  // ---- per (scenario, category) ----
  int categoryCount;
  byte[] categoryScenario = new byte[0];
  long[] categoryId = new long[0];
  /** Engagement weight per tracked category and category horizon: index {@code i * CH + k}. */
  float[] categoryWeight = new float[0];

  // ---- duplicate detection: ring of event-id fingerprints ----
  int recentCount;
  int recentNext;
  long[] recentIds = new long[0];

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
    Recency found = Recency.NEW;
    for (int i = 0; i < recentCount; i++) {
      if (EventIds.sameId(recentIds[i], fingerprint)) {
        if (EventIds.sameContent(recentIds[i], fingerprint)) {
          return Recency.DUPLICATE;
        }
        found = Recency.CONFLICT;
      }
    }
    return found;
  }

  /** True if an event with this fingerprint's id is among the user's recent events. */
  public boolean seenRecently(long fingerprint) {
    return recency(fingerprint) != Recency.NEW;
  }

  /**
   * Folds one event into the state.
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
        decayAll(t - lastEventTime);
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
    scenarioMask |= 1 << s;
    if (click.action == Action.IMPRESSION) {
      impressions[s] += day;
    } else {
      float w = actionWeight(click.action);
      engagement[s * HORIZONS] += w * hour;
      engagement[s * HORIZONS + DAY_HORIZON] += w * day;
      engagement[s * HORIZONS + LONG_HORIZON] += w * week;
      addToCategory(s, click.categoryId, w * day, w * week, config.trackedCategories());
      insertEngagement(click, config.sequenceLength());
    }
    remember(eventIdFingerprint, config.dedupWindow());
  }

  private void decayAll(long dt) {
    for (int h = 0; h < HORIZONS; h++) {
      float f = decayFactor(h, dt);
      for (int s = 0; s < SCENARIOS; s++) {
        engagement[s * HORIZONS + h] *= f;
      }
    }
    for (int k = 0; k < CH; k++) {
      float f = decayFactor(CATEGORY_HORIZONS[k], dt);
      for (int i = 0; i < categoryCount; i++) {
        categoryWeight[i * CH + k] *= f;
      }
    }
    float day = decayFactor(DAY_HORIZON, dt);
    for (int s = 0; s < SCENARIOS; s++) {
      impressions[s] *= day;
    }
  }

  static float decayFactor(int horizon, long dt) {
    return (float) StrictMath.exp(-DECAY_RATE[horizon] * dt);
  }

  /** Adds an engagement worth {@code day} and {@code week} at the category horizons. */
  private void addToCategory(int s, long category, float day, float week, int capacity) {
    int index = findCategory(s, category);
    if (index < 0) {
      if (categoryCount < capacity) {
        index = categoryCount++;
        ensureCategoryCapacity(categoryCount);
      } else {
        // Keep the strongest categories by 7-day weight: replace the weakest only if the new event
        // alone outweighs it, so a steady favourite is not pushed out by one stray click.
        int weakest = 0;
        for (int i = 1; i < categoryCount; i++) {
          if (categoryWeight[i * CH + CATEGORY_LONG] < categoryWeight[weakest * CH + CATEGORY_LONG]) {
            weakest = i;
          }
        }
        if (categoryWeight[weakest * CH + CATEGORY_LONG] >= week) {
          return;
        }
        index = weakest;
      }
      categoryScenario[index] = (byte) s;
      categoryId[index] = category;
      Arrays.fill(categoryWeight, index * CH, (index + 1) * CH, 0f);
    }
    categoryWeight[index * CH] += day;
    categoryWeight[index * CH + CATEGORY_LONG] += week;
  }

  int findCategory(int s, long category) {
    for (int i = 0; i < categoryCount; i++) {
      if (categoryId[i] == category && categoryScenario[i] == s) {
        return i;
      }
    }
    return -1;
  }

  private void insertEngagement(Click click, int capacity) {
    long t = click.eventTime;
    // Position after every entry with time <= t: equal times keep arrival order.
    int pos = size;
    while (pos > 0 && seqTime[pos - 1] > t) {
      pos--;
    }
    if (size >= capacity) {
      if (pos == 0) {
        return; // older than everything kept: it would be evicted at once
      }
      int drop = size - capacity + 1;
      shiftLeft(drop);
      pos -= drop;
    } else {
      ensureSequenceCapacity(size + 1);
    }
    if (pos < size) {
      System.arraycopy(seqItem, pos, seqItem, pos + 1, size - pos);
      System.arraycopy(seqCategory, pos, seqCategory, pos + 1, size - pos);
      System.arraycopy(seqTime, pos, seqTime, pos + 1, size - pos);
      System.arraycopy(seqAction, pos, seqAction, pos + 1, size - pos);
      System.arraycopy(seqScenario, pos, seqScenario, pos + 1, size - pos);
      System.arraycopy(seqDwell, pos, seqDwell, pos + 1, size - pos);
    }
    seqItem[pos] = click.itemId;
    seqCategory[pos] = click.categoryId;
    seqTime[pos] = t;
    seqAction[pos] = (byte) click.action.ordinal();
    seqScenario[pos] = (byte) scenarioIndex(click.scenario);
    seqDwell[pos] = click.dwellMs == Click.NO_DWELL ? 0 : 1 + Math.round(click.dwellMs / 1000f);
    size++;
  }

  private void shiftLeft(int n) {
    int keep = size - n;
    System.arraycopy(seqItem, n, seqItem, 0, keep);
    System.arraycopy(seqCategory, n, seqCategory, 0, keep);
    System.arraycopy(seqTime, n, seqTime, 0, keep);
    System.arraycopy(seqAction, n, seqAction, 0, keep);
    System.arraycopy(seqScenario, n, seqScenario, 0, keep);
    System.arraycopy(seqDwell, n, seqDwell, 0, keep);
    size = keep;
  }

  private void remember(long fingerprint, int window) {
    if (window == 0) {
      return;
    }
    if (recentIds.length != window) {
      // Restored state or a changed window: re-lay the ring oldest first, keeping the newest ids.
      long[] ordered = orderedRecentIds();
      int keep = Math.min(ordered.length, window);
      recentIds = new long[window];
      System.arraycopy(ordered, ordered.length - keep, recentIds, 0, keep);
      recentCount = keep;
      recentNext = keep % window;
    }
    recentIds[recentNext] = fingerprint;
    recentNext = (recentNext + 1) % window;
    recentCount = Math.min(recentCount + 1, window);
  }

  void ensureSequenceCapacity(int n) {
    if (seqItem.length < n) {
      int c = Math.max(n, Math.min(Math.max(8, seqItem.length * 2), 1000));
      seqItem = Arrays.copyOf(seqItem, c);
      seqCategory = Arrays.copyOf(seqCategory, c);
      seqTime = Arrays.copyOf(seqTime, c);
      seqAction = Arrays.copyOf(seqAction, c);
      seqScenario = Arrays.copyOf(seqScenario, c);
      seqDwell = Arrays.copyOf(seqDwell, c);
    }
  }

  void ensureCategoryCapacity(int n) {
    if (categoryId.length < n) {
      int c = Math.max(n, 4);
      categoryScenario = Arrays.copyOf(categoryScenario, c);
      categoryId = Arrays.copyOf(categoryId, c);
      categoryWeight = Arrays.copyOf(categoryWeight, c * CH);
    }
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
    return size;
  }

  public long sequenceItem(int i) {
    return seqItem[i];
  }

  public long sequenceCategory(int i) {
    return seqCategory[i];
  }

  public long sequenceTime(int i) {
    return seqTime[i];
  }

  public Action sequenceAction(int i) {
    return Action.values()[seqAction[i]];
  }

  public Scenario sequenceScenario(int i) {
    return Scenario.values()[seqScenario[i] + 1];
  }

  /** Dwell of sequence entry i in milliseconds (to the second), or {@link Click#NO_DWELL}. */
  public int sequenceDwellMs(int i) {
    return seqDwell[i] == 0 ? Click.NO_DWELL : (seqDwell[i] - 1) * 1000;
  }

  public boolean hasScenario(Scenario scenario) {
    return (scenarioMask & (1 << scenarioIndex(scenario))) != 0;
  }

  /** Decayed engagement weight in a scenario at horizon h, referenced to {@link #lastEventTime()}. */
  public float engagement(Scenario scenario, int h) {
    return engagement[scenarioIndex(scenario) * HORIZONS + h];
  }

  /** Decayed impressions in a scenario at the 1-day horizon, referenced to {@link #lastEventTime()}. */
  public float impressions(Scenario scenario) {
    return impressions[scenarioIndex(scenario)];
  }

  public int trackedCategoryCount() {
    return categoryCount;
  }

  public Scenario trackedCategoryScenario(int i) {
    return Scenario.values()[categoryScenario[i] + 1];
  }

  public long trackedCategoryId(int i) {
    return categoryId[i];
  }

  /** Decayed engagement of tracked category i at category horizon k (see {@link #CATEGORY_HORIZONS}). */
  public float trackedCategoryWeight(int i, int k) {
    return categoryWeight[i * CH + k];
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
    c.size = size;
    c.seqItem = seqItem.clone();
    c.seqCategory = seqCategory.clone();
    c.seqTime = seqTime.clone();
    c.seqAction = seqAction.clone();
    c.seqScenario = seqScenario.clone();
    c.seqDwell = seqDwell.clone();
    c.lastEventTime = lastEventTime;
    c.sessionStart = sessionStart;
    c.sessionEvents = sessionEvents;
    c.scenarioMask = scenarioMask;
    System.arraycopy(lastTriggerTime, 0, c.lastTriggerTime, 0, SCENARIOS);
    System.arraycopy(engagement, 0, c.engagement, 0, engagement.length);
    System.arraycopy(impressions, 0, c.impressions, 0, SCENARIOS);
    c.categoryCount = categoryCount;
    c.categoryScenario = categoryScenario.clone();
    c.categoryId = categoryId.clone();
    c.categoryWeight = categoryWeight.clone();
    c.recentCount = recentCount;
    c.recentNext = recentNext;
    c.recentIds = recentIds.clone();
    c.expiryTimer = expiryTimer;
  }

  /** Equality of content, ignoring spare array capacity. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UserState u)) {
      return false;
    }
    return size == u.size
        && Arrays.equals(seqItem, 0, size, u.seqItem, 0, size)
        && Arrays.equals(seqCategory, 0, size, u.seqCategory, 0, size)
        && Arrays.equals(seqTime, 0, size, u.seqTime, 0, size)
        && Arrays.equals(seqAction, 0, size, u.seqAction, 0, size)
        && Arrays.equals(seqScenario, 0, size, u.seqScenario, 0, size)
        && Arrays.equals(seqDwell, 0, size, u.seqDwell, 0, size)
        && lastEventTime == u.lastEventTime && sessionStart == u.sessionStart && sessionEvents == u.sessionEvents
        && scenarioMask == u.scenarioMask
        && Arrays.equals(lastTriggerTime, u.lastTriggerTime)
        && Arrays.equals(engagement, u.engagement)
        && Arrays.equals(impressions, u.impressions)
        && categoryCount == u.categoryCount
        && Arrays.equals(categoryScenario, 0, categoryCount, u.categoryScenario, 0, categoryCount)
        && Arrays.equals(categoryId, 0, categoryCount, u.categoryId, 0, categoryCount)
        && Arrays.equals(categoryWeight, 0, categoryCount * CH, u.categoryWeight, 0, categoryCount * CH)
        && Arrays.equals(orderedRecentIds(), u.orderedRecentIds())
        && expiryTimer == u.expiryTimer;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(lastEventTime) * 31 + size;
  }

  /** Recent event-id fingerprints, oldest first. */
  long[] orderedRecentIds() {
    long[] ordered = new long[recentCount];
    int start = recentCount < recentIds.length ? 0 : recentNext;
    for (int i = 0; i < recentCount; i++) {
      ordered[i] = recentIds[(start + i) % recentIds.length];
    }
    return ordered;
  }

  @Override
  public String toString() {
    return "UserState{size=" + size + ", lastEventTime=" + lastEventTime + ", sessionEvents=" + sessionEvents
        + ", categories=" + categoryCount + ", recentIds=" + recentCount + "}";
  }
}
