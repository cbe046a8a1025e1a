package dev.intereststream.scoring;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * The model's input tensors for a batch of requests, laid out as {@link FeatureSpec} says, in direct
 * native-order buffers allocated once and reused for every batch: ONNX Runtime reads them in place.
 * The job's {@link OnnxScorer} fills it for every batch and the training-data export fills it for every
 * impression, so both produce the same tensors by the same code.
 *
 * <p>A batch has one row per request and K candidate columns, K being the most candidates of any
 * request in it; shorter candidate lists are padded with item 0. Not thread-safe.
 */
public final class ModelInputs {

  private static final int U = FeatureSpec.USER_DENSE_SIZE;
  private static final int C = FeatureSpec.CANDIDATE_DENSE_SIZE;
  /** Index of each input in {@link FeatureSpec#INPUTS}. */
  static final int USER_DENSE = 6;
  static final int SCENARIO = 7;
  static final int CAND_ITEM = 8;
  static final int CAND_CATEGORY = 9;
  static final int CAND_DENSE = 10;

  private final int maxBatch;
  private final int maxCandidates;
  /** Sequence length: {@link FeatureSpec#SEQUENCE_LENGTH} in the job. */
  private final int l;
  private final IntBuffer[] sequence = new IntBuffer[FeatureSpec.SEQUENCE_FEATURES];
  private final FloatBuffer userDense;
  private final IntBuffer scenario;
  private final IntBuffer candItem;
  private final IntBuffer candCategory;
  private final FloatBuffer candDense;
  private final float[] scratch = new float[C];
  private final CandidateFeatures candidateFeatures = new CandidateFeatures();
  private int rows;
  private int candidates;

  public ModelInputs(int maxBatch, int maxCandidates) {
    this(maxBatch, maxCandidates, FeatureSpec.SEQUENCE_LENGTH);
  }

  /** With another sequence length than the job's: for ablation models (bench, training data). */
  public ModelInputs(int maxBatch, int maxCandidates, int sequenceLength) {
    if (maxBatch < 1 || maxCandidates < 1 || sequenceLength < 1) {
      throw new IllegalArgumentException("batch, candidate and sequence capacity must be positive");
    }
    this.maxBatch = maxBatch;
    this.maxCandidates = maxCandidates;
    this.l = sequenceLength;
    for (int f = 0; f < sequence.length; f++) {
      sequence[f] = directInts(maxBatch * l);
    }
    userDense = directFloats(maxBatch * U);
    scenario = directInts(maxBatch);
    candItem = directInts(maxBatch * maxCandidates);
    candCategory = directInts(maxBatch * maxCandidates);
    candDense = directFloats(maxBatch * maxCandidates * C);
  }

  private static IntBuffer directInts(int n) {
    return ByteBuffer.allocateDirect(n * Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
  }

  private static FloatBuffer directFloats(int n) {
    return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** Starts a batch whose requests have at most {@code k} candidates (at least one column is kept). */
  public void start(int k) {
    if (k > maxCandidates) {
      throw new IllegalArgumentException(k + " candidates exceed the capacity of " + maxCandidates);
    }
    rows = 0;
    candidates = Math.max(1, k);
  }

  /** Appends a request; it must carry the user inputs ({@code features.FeatureEncoder.encodeUser}). */
  public void add(ScoringRequest r) {
    if (rows == maxBatch) {
      throw new IllegalStateException("batch capacity " + maxBatch + " exceeded");
    }
    int row = rows++;
    if (r.sequence.length != FeatureSpec.SEQUENCE_FEATURES * l) {
      throw new IllegalArgumentException("request sequence has length " + r.sequence.length / FeatureSpec.SEQUENCE_FEATURES
          + ", the model " + l);
    }
    for (int f = 0; f < sequence.length; f++) {
      sequence[f].put(row * l, r.sequence, f * l, l);
    }
    userDense.put(row * U, r.userDense, 0, U);
    scenario.put(row, r.scenario.ordinal());
    int base = row * candidates;
    int n = Math.min(r.candidateCount(), candidates);
    candidateFeatures.reset(r);
    for (int j = 0; j < candidates; j++) {
      if (j < n) {
        candItem.put(base + j, FeatureSpec.itemBucket(r.candidateItems[j]));
        candCategory.put(base + j, FeatureSpec.categoryBucket(r.candidateCategories[j]));
        candidateFeatures.write(j, scratch, 0);
      } else {
        candItem.put(base + j, 0);
        candCategory.put(base + j, 0);
        java.util.Arrays.fill(scratch, 0f);
      }
      candDense.put((base + j) * C, scratch, 0, C);
    }
  }

  public int rows() {
    return rows;
  }

  public int candidates() {
    return candidates;
  }

  /** Shape of input {@code i} (index in {@link FeatureSpec#INPUTS}) for the current batch. */
  public long[] shape(int i) {
    if (i < FeatureSpec.SEQUENCE_FEATURES) {
      return new long[] {rows, l};
    }
    return switch (i) {
      case USER_DENSE -> new long[] {rows, U};
      case SCENARIO -> new long[] {rows};
      case CAND_ITEM, CAND_CATEGORY -> new long[] {rows, candidates};
      case CAND_DENSE -> new long[] {rows, candidates, C};
      default -> throw new IllegalArgumentException("no input " + i);
    };
  }

  /** The current batch's data of input {@code i}: a view of exactly its elements. */
  public Buffer data(int i) {
    Buffer whole = i < FeatureSpec.SEQUENCE_FEATURES ? sequence[i] : switch (i) {
      case USER_DENSE -> userDense;
      case SCENARIO -> scenario;
      case CAND_ITEM -> candItem;
      case CAND_CATEGORY -> candCategory;
      case CAND_DENSE -> candDense;
      default -> throw new IllegalArgumentException("no input " + i);
    };
    long elements = 1;
    for (long d : shape(i)) {
      elements *= d;
    }
    return whole.duplicate().position(0).limit((int) elements).slice();
  }

  /** Copies input {@code i} of the current batch as ints (integer inputs only). */
  public int[] ints(int i) {
    IntBuffer b = (IntBuffer) data(i);
    int[] out = new int[b.remaining()];
    b.get(out);
    return out;
  }

  /** Copies input {@code i} of the current batch as floats (float inputs only). */
  public float[] floats(int i) {
    FloatBuffer b = (FloatBuffer) data(i);
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }
}
