package dev.intereststream.features;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.scoring.ScoringRequest;

/**
 * Turns a user's {@link UserState} into the request's user inputs (sequence and dense user features), as
 * {@link FeatureSpec} defines them; the candidates' features are {@code scoring.CandidateFeatures}. The
 * one implementation: the job calls it when it builds a scoring request, and the training-data replay
 * calls it for every impression, so training and serving features cannot drift.
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

  private static float log1p(double x) {
    return (float) StrictMath.log1p(x);
  }
}
