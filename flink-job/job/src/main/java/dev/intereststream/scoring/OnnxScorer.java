package dev.intereststream.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a batch of requests with one ONNX Runtime call: the user sequences are encoded once per user
 * inside the model, and every candidate attends to its user's encoding. Inputs are written into
 * {@link ModelInputs}' reused direct buffers and wrapped as tensors without copying; every tensor and
 * result is closed after the call. The session is the task manager's shared {@link OnnxModel}.
 *
 * <p>A call pads every request to the batch's largest candidate count, and the per-candidate part of the
 * model costs per padded row; requests differ (mean 68 candidates, largest in a batch of 32 nearly
 * always 100), so a batch is split into runs of similar candidate counts when the padded rows saved pay
 * for the extra call ({@link #split}).
 */
public final class OnnxScorer implements Scorer {

  public static final String NAME = "onnx";

  private final OnnxModel model;
  private final ModelInputs inputs;
  private final Map<String, OnnxTensor> feeds = new HashMap<>();
  private final List<ScoringRequest> group = new ArrayList<>();
  private Integer[] order = new Integer[0];

  /**
   * Fixed cost of one ONNX Runtime call in padded candidate rows: with the serving export (per-request
   * STAR weights) a call of one user costs ~65 us more than its share of a batch of 32 and a candidate row
   * ~0.6 us (measured at K 20..100, 1 thread, `bench --ceiling-only`); with the earlier export it was
   * ~100 us and ~1.7 us (56 rows). A higher value splits less: each padded row is now cheap next to the
   * ~105 us a user's sequence encoding costs.
   */
  static final int CALL_COST_ROWS = 100;

  public OnnxScorer(OnnxModel model, int maxBatch, int maxCandidates) {
    this.model = model;
    this.inputs = new ModelInputs(maxBatch, maxCandidates, model.sequenceLength());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String modelVersion() {
    return model.modelVersion();
  }

  @Override
  public float[][] score(List<ScoringRequest> batch) {
    float[][] out = new float[batch.size()][];
    if (batch.size() <= 1) {
      run(batch, out, null, 0);
      return out;
    }
    if (order.length < batch.size()) {
      order = new Integer[Math.max(batch.size(), 2 * order.length)];
    }
    for (int i = 0; i < batch.size(); i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, 0, batch.size(),
        java.util.Comparator.comparingInt(i -> batch.get(i).candidateCount()));
    int[] counts = new int[batch.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(1, batch.get(order[i]).candidateCount());
    }
    int from = 0;
    for (int to : split(counts, CALL_COST_ROWS)) {
      group.clear();
      for (int i = from; i < to; i++) {
        group.add(batch.get(order[i]));
      }
      run(group, out, order, from);
      from = to;
    }
    return out;
  }

  /**
   * Where to cut candidate counts sorted ascending so that calls plus padded rows cost least: the ends
   * (exclusive) of the runs, the last one {@code counts.length}. Exact (dynamic programming over cut
   * points), O(n^2) for n requests.
   */
  static int[] split(int[] counts, int callCostRows) {
    int n = counts.length;
    long[] best = new long[n + 1];
    int[] cut = new int[n + 1];
    for (int j = 1; j <= n; j++) {
      best[j] = Long.MAX_VALUE;
      for (int i = 0; i < j; i++) {
        long cost = best[i] + callCostRows + (long) (j - i) * counts[j - 1];
        if (cost < best[j]) {
          best[j] = cost;
          cut[j] = i;
        }
      }
    }
    java.util.ArrayDeque<Integer> ends = new java.util.ArrayDeque<>();
    for (int j = n; j > 0; j = cut[j]) {
      ends.push(j);
    }
    return ends.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * One ONNX Runtime call for {@code batch}; the scores of its request r go to
   * {@code out[index[from + r]]}, or {@code out[r]} without an index.
   */
  private void run(List<ScoringRequest> batch, float[][] out, Integer[] index, int from) {
    int k = 1;
    for (ScoringRequest r : batch) {
      k = Math.max(k, r.candidateCount());
    }
    inputs.start(k);
    for (ScoringRequest r : batch) {
      inputs.add(r);
    }
    OrtEnvironment env = model.environment();
    try {
      for (int i = 0; i < FeatureSpec.INPUTS.size(); i++) {
        Buffer data = inputs.data(i);
        long[] shape = inputs.shape(i);
        feeds.put(FeatureSpec.INPUTS.get(i), data instanceof FloatBuffer f
            ? OnnxTensor.createTensor(env, f, shape)
            : OnnxTensor.createTensor(env, (IntBuffer) data, shape));
      }
      try (OrtSession.Result result = model.session().run(feeds)) {
        FloatBuffer scores = ((OnnxTensor) result.get(0)).getFloatBuffer();
        for (int r = 0; r < batch.size(); r++) {
          float[] s = new float[batch.get(r).candidateCount()];
          scores.get(r * k, s, 0, s.length);
          out[index == null ? r : index[from + r]] = s;
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to score a batch of " + batch.size() + " requests with "
          + model.location() + ": " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : feeds.values()) {
        t.close();
      }
      feeds.clear();
    }
  }

  @Override
  public void close() {
    OnnxModel.release(model);
  }

  /**
   * Creates ONNX scorers. Construction loads and verifies the model once, so a missing or mismatched
   * model stops the job at start-up with a message naming the problem; each task then acquires the
   * task manager's shared session.
   */
  public static final class Factory implements ScorerFactory {
    private static final long serialVersionUID = 1L;
    private final String location;
    private final int maxBatch;
    private final int maxCandidates;
    private final String modelVersion;

    /** A factory for a model whose sequence length is the job's default state length. */
    public Factory(String location, int maxBatch, int maxCandidates) {
      this(location, maxBatch, maxCandidates, FeatureSpec.SEQUENCE_LENGTH);
    }

    /**
     * Loads and checks the model before the job starts.
     *
     * @param stateSequenceLength engagements the user state keeps ({@code features.sequence-length}): the
     *     model must have been trained on exactly that many, or its sequence inputs mean something else
     */
    public Factory(String location, int maxBatch, int maxCandidates, int stateSequenceLength) {
      OnnxModel model = OnnxModel.load(location);
      try {
        List<String> problems = model.verify();
        if (problems.isEmpty() && model.sequenceLength() != stateSequenceLength) {
          problems.add("sequence_length is '" + model.sequenceLength() + "' in the model, but features.sequence-length"
              + " keeps " + stateSequenceLength + " engagements per user: set -D features.sequence-length="
              + model.sequenceLength() + " or use a model exported for L = " + stateSequenceLength);
        }
        if (!problems.isEmpty()) {
          throw new OnnxModel.ModelMismatchException(location, problems);
        }
        this.modelVersion = model.modelVersion();
      } finally {
        model.closeSession();
      }
      this.location = location;
      this.maxBatch = maxBatch;
      this.maxCandidates = maxCandidates;
    }

    @Override
    public Scorer create() {
      return new OnnxScorer(OnnxModel.acquire(location), maxBatch, maxCandidates);
    }

    @Override
    public boolean needsModelInputs() {
      return true;
    }

    /** Version of the verified model. */
    public String modelVersion() {
      return modelVersion;
    }
  }
}
