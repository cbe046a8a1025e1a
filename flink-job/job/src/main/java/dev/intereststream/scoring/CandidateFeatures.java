package dev.intereststream.scoring;

/**
 * The dense features of a request's candidates: trending popularity, log1p of the trending count, the
 * user's affinity to the candidate's category, and that category's share of the user's sequence. The
 * sequence's length and per-category-bucket counts are computed once per request ({@link #reset}), so
 * each candidate costs a hash probe instead of a scan of the whole sequence. Computed at scoring time,
 * for the exporter and the job alike ({@link ModelInputs}). Reusable and not thread-safe.
 */
public final class CandidateFeatures {
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
