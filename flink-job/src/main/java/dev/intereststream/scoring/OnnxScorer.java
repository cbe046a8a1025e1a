package dev.intereststream.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.intereststream.features.FeatureSpec;
import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a batch of requests with one ONNX Runtime call: the user sequences are encoded once per user
 * inside the model, and every candidate attends to its user's encoding. Inputs are written into
 * {@link ModelInputs}' reused direct buffers and wrapped as tensors without copying; every tensor and
 * result is closed after the call. The session is the task manager's shared {@link OnnxModel}.
 */
public final class OnnxScorer implements Scorer {

  public static final String NAME = "onnx";

  private final OnnxModel model;
  private final ModelInputs inputs;
  private final Map<String, OnnxTensor> feeds = new HashMap<>();

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
        float[][] out = new float[batch.size()][];
        for (int r = 0; r < batch.size(); r++) {
          out[r] = new float[batch.get(r).candidateCount()];
          scores.get(r * k, out[r], 0, out[r].length);
        }
        return out;
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

    public Factory(String location, int maxBatch, int maxCandidates) {
      OnnxModel model = OnnxModel.load(location);
      try {
        List<String> problems = model.verify();
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
