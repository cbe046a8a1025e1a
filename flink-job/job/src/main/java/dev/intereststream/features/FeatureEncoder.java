package dev.intereststream.features;

import dev.intereststream.contracts.ScoringRequest;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;

/**
 * Turns a user's {@link UserState} and a request into the model's features, as {@link FeatureSpec}
 * defines them. The one implementation: the job calls it when it builds a scoring request, and the
 * training-data replay calls it for every impression, so training and serving features cannot drift.
 *
 * <p>Counters are decayed to the request time; counts are log1p-scaled. The sequence is written most
 * recent first, padded with zeros at the end.
 */
public final class FeatureEncoder {

  private FeatureEncoder() {}

  /**
   * Fills {@code r.sequence} (one row of L per sequence input, feature-major) and {@code r.userDense}.
   *
   * @param requestTime event time the request is for (the trigger's, or the impression's)
   * @param sessionGapMs inactivity that ends a session
   * @param l sequence length of the model ({@link FeatureSpec#SEQUENCE_LENGTH} in the job; other
   *     lengths only for training-data ablations)
   */
  public static void encodeUser(UserState u, Scenario scenario, long requestTime, long sessionGapMs, int l,
      ScoringRequest r) {
    int[] seq = new int[FeatureSpec.SEQUENCE_FEATURES * l];
    EngagementSequence q = u.sequence;
    int n = Math.min(q.size, l);
    long dwellSeconds = 0;
    int clicks = 0;
    int inScenario = 0;
    int s = UserState.scenarioIndex(scenario);
    long[] items = new long[n];
    for (int p = 0; p < n; p++) {
      int i = q.size - 1 - p;
      seq[p] = FeatureSpec.itemBucket(q.items[i]);
      seq[l + p] = FeatureSpec.categoryBucket(q.categories[i]);
      seq[2 * l + p] = q.actions[i];
      seq[3 * l + p] = q.scenarios[i] + 1;
      seq[4 * l + p] = FeatureSpec.ageBucket(requestTime - q.times[i]);
      seq[5 * l + p] = FeatureSpec.dwellBucket(u.sequenceDwellMs(i));
      if (q.dwells[i] > 0) {
        dwellSeconds += q.dwells[i] - 1;
      }
      if (q.actions[i] == Action.CLICK.ordinal()) {
        clicks++;
      }
      if (q.scenarios[i] == s) {
        inScenario++;
      }
      items[p] = q.items[i];
    }
    java.util.Arrays.sort(items);
    int distinct = 0;
    for (int p = 0; p < n; p++) {
      if (p == 0 || items[p] != items[p - 1]) {
        distinct++;
      }
    }

    float[] dense = new float[FeatureSpec.USER_DENSE_SIZE];
    long dt = u.isEmpty() ? 0 : Math.max(0, requestTime - u.lastEventTime);
    float[] decay = new float[UserState.HORIZONS];
    for (int h = 0; h < UserState.HORIZONS; h++) {
      decay[h] = UserState.decayFactor(h, dt);
    }
    float imp = u.counters.impressions[s] * decay[UserState.DAY_HORIZON];
    float allImp = 0f;
    for (int other = 0; other < UserState.SCENARIOS; other++) {
      allImp += u.counters.impressions[other] * decay[UserState.DAY_HORIZON];
    }
    for (int h = 0; h < UserState.HORIZONS; h++) {
      float all = 0f;
      for (int other = 0; other < UserState.SCENARIOS; other++) {
        all += u.counters.engagement[other * UserState.HORIZONS + h] * decay[h];
      }
      dense[h] = log1p(u.counters.engagement[s * UserState.HORIZONS + h] * decay[h]);
      dense[4 + h] = log1p(all);
    }
    dense[3] = log1p(imp);
    dense[7] = log1p(allImp);
    boolean inSession = !u.isEmpty() && requestTime - u.lastEventTime <= sessionGapMs;
    dense[8] = inSession ? log1p(u.sessionEvents) : 0f;
    dense[9] = inSession ? log1p(Math.max(0, requestTime - u.sessionStart) / 1000f) : 0f;
    dense[10] = log1p(n);
    dense[11] = log1p(dwellSeconds);
    dense[12] = log1p(clicks);
    dense[13] = log1p(distinct);
    dense[14] = u.counters.engagement[s * UserState.HORIZONS + UserState.DAY_HORIZON] * decay[UserState.DAY_HORIZON]
        / (imp + 1f);
    dense[15] = n == 0 ? 0f : inScenario / (float) n;

    r.sequence = seq;
    r.userDense = dense;
  }

  /**
   * The dense features of a request's candidates: trending popularity, log1p of the trending count, the
   * user's affinity to the candidate's category, and that category's share of the user's sequence. The
   * sequence's length and per-category-bucket counts are computed once per request ({@link #reset}), so
   * each candidate costs a hash probe instead of a scan of the whole sequence (the scan was about a tenth of the scoring thread's Java time at K = 68, L = 50).
   * Reusable and not thread-safe.
   */
  public static final class CandidateFeatures {
    // Open addressing keyed by bucket + 1 (0 marks an empty slot), at least twice as many slots as the
    // sequence is long, so probes stay short.
    private int[] keys = new int[128];
    private int[] counts = new int[128];
    private int[] used = new int[128];
    private int usedCount;
    private int length;
    private ScoringRequest request;

    /** Summarizes {@code r}'s sequence; must be called before {@link #write} for each request. */
    public void reset(ScoringRequest r) {
      for (int i = 0; i < usedCount; i++) {
        keys[used[i]] = 0;
      }
      usedCount = 0;
      request = r;
      int l = r.sequence.length / FeatureSpec.SEQUENCE_FEATURES;
      if (2 * l > keys.length) {
        int size = Integer.highestOneBit(2 * l) << 1;
        keys = new int[size];
        counts = new int[size];
        used = new int[size];
      }
      int n = 0;
      for (int p = 0; p < l && r.sequence[p] != 0; p++) {
        n++;
        int bucket = r.sequence[l + p];
        int slot = slot(bucket);
        if (keys[slot] == 0) {
          keys[slot] = bucket + 1;
          counts[slot] = 0;
          used[usedCount++] = slot;
        }
        counts[slot]++;
      }
      length = n;
    }

    private int slot(int bucket) {
      int mask = keys.length - 1;
      int slot = (bucket * 0x9E3779B9) >>> 7 & mask;
      while (keys[slot] != 0 && keys[slot] != bucket + 1) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    /** Writes the dense features of candidate {@code j} of the current request to {@code out[offset ..]}. */
    public void write(int j, float[] out, int offset) {
      ScoringRequest r = request;
      long category = r.candidateCategories[j];
      float affinity = 0f;
      for (int c = 0; c < r.interestCategories.length; c++) {
        if (r.interestCategories[c] == category) {
          affinity = r.interestWeights[c];
          break;
        }
      }
      int slot = slot(FeatureSpec.categoryBucket(category));
      int same = keys[slot] == 0 ? 0 : counts[slot];
      out[offset] = r.candidatePopularity[j];
      out[offset + 1] = log1pCount(r.candidateCounts[j]);
      out[offset + 2] = affinity;
      out[offset + 3] = length == 0 ? 0f : same / (float) length;
    }
  }

  private static float log1p(double x) {
    return (float) StrictMath.log1p(x);
  }

  /**
   * log1p of the trending counts below this, precomputed: the candidates' counts are small integers, and
   * StrictMath.log1p per candidate was 2 % of the scoring thread's CPU in a catch-up profile. 16 K entries
   * (64 KiB) cover the counts of all but the hottest items; larger counts are computed.
   */
  static final int LOG1P_TABLE_SIZE = 1 << 14;

  private static final float[] LOG1P_COUNTS = new float[LOG1P_TABLE_SIZE];

  static {
    for (int i = 0; i < LOG1P_TABLE_SIZE; i++) {
      LOG1P_COUNTS[i] = log1p(i);
    }
  }

  /** Exactly {@code (float) StrictMath.log1p(count)} (the table holds that very value). */
  static float log1pCount(long count) {
    return count >= 0 && count < LOG1P_TABLE_SIZE ? LOG1P_COUNTS[(int) count] : log1p(count);
  }
}
