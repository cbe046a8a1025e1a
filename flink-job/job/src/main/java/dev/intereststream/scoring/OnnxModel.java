package dev.intereststream.scoring;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * An ONNX model loaded into one ONNX Runtime session, shared by every scorer of the job in this JVM
 * (one per task manager): the weights are loaded once and concurrent {@code run} calls are safe.
 * Each call uses one intra-op thread and does not spin, so each task slot's caller keeps to its core.
 *
 * <p>{@link #verify} checks the model against the job's {@link FeatureSpec} (metadata, input names,
 * types and shapes) and names every difference.
 */
public final class OnnxModel {

  /** Metadata keys the exporter writes and the job checks. */
  public static final String MODEL_VERSION = "model_version";
  public static final String FEATURE_SPEC_VERSION = "feature_spec_version";

  private static final Map<String, OnnxModel> SHARED = new HashMap<>();

  /**
   * Stack of the thread that creates ONNX Runtime's environment. While creating it ONNX Runtime (1.29,
   * Linux) reads the process's command line and needs about 250 bytes of stack per byte of it, so on a
   * default 1 MB thread stack any JVM whose command line exceeds about 4 KB dies with SIGSEGV (no
   * hs_err file): a Flink TaskManager's classpath and -D options alone are longer. 64 MB of reserved
   * (not committed) stack covers command lines up to about 250 KB.
   */
  private static final long ENVIRONMENT_STACK_BYTES = 64L << 20;

  private final String location;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, String> metadata;
  private int users;

  private OnnxModel(String location, OrtEnvironment env, OrtSession session) throws OrtException {
    this.location = location;
    this.env = env;
    this.session = session;
    this.metadata = session.getMetadata().getCustomMetadata();
  }

  /** The shared model at {@code location}, loaded and verified on first use; release it when done. */
  public static synchronized OnnxModel acquire(String location) {
    return acquire(location, true);
  }

  /**
   * The shared model at {@code location}; {@code verify} false skips the feature-spec check, for
   * measuring models of other shapes (ablations). The job always verifies.
   */
  public static synchronized OnnxModel acquire(String location, boolean verify) {
    OnnxModel model = SHARED.get(location);
    if (model == null) {
      model = load(location);
      List<String> problems = verify ? model.verify() : List.of();
      if (!problems.isEmpty()) {
        model.closeSession();
        throw new ModelMismatchException(location, problems);
      }
      SHARED.put(location, model);
    }
    model.users++;
    return model;
  }

  /** Gives back a model from {@link #acquire}; the last release closes its session. */
  public static synchronized void release(OnnxModel model) {
    if (--model.users == 0) {
      SHARED.remove(model.location);
      model.closeSession();
    }
  }

  /** Loads a model (not shared): {@code classpath:...}, a file path, or a file/http(s) URL. */
  public static OnnxModel load(String location) {
    byte[] bytes = read(location);
    OrtEnvironment env = environmentOnALargeStack();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // Spinning threads burn a core between calls; with one intra-op thread it buys nothing.
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      return new OnnxModel(location, env, env.createSession(bytes, options));
    } catch (OrtException e) {
      throw new IllegalArgumentException("model " + location + " is not a valid ONNX model: " + e.getMessage(), e);
    }
  }

  /** ONNX Runtime's environment (one per class loader), created on a thread with a large stack. */
  private static OrtEnvironment environmentOnALargeStack() {
    FutureTask<OrtEnvironment> create = new FutureTask<>(OrtEnvironment::getEnvironment);
    Thread thread = new Thread(null, create, "onnxruntime-environment", ENVIRONMENT_STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
    try {
      return create.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the ONNX Runtime environment", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create the ONNX Runtime environment: " + e.getCause(), e.getCause());
    }
  }

  static byte[] read(String location) {
    try {
      if (location.startsWith("classpath:")) {
        String resource = location.substring("classpath:".length());
        try (InputStream in = OnnxModel.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalArgumentException("model " + location + " not found on the classpath");
          }
          return in.readAllBytes();
        }
      }
      if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
        try (InputStream in = URI.create(location).toURL().openStream()) {
          return in.readAllBytes();
        }
      }
      Path path = Path.of(location);
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("model file " + path.toAbsolutePath() + " does not exist");
      }
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read model " + location + ": " + e.getMessage(), e);
    }
  }

  /** Differences between the model and the job's feature spec; empty if it fits. */
  public List<String> verify() {
    List<String> problems = new ArrayList<>();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(FEATURE_SPEC_VERSION, FeatureSpec.VERSION);
    expected.put("sequence_length", Integer.toString(FeatureSpec.SEQUENCE_LENGTH));
    expected.put("item_buckets", Integer.toString(FeatureSpec.ITEM_BUCKETS));
    expected.put("category_buckets", Integer.toString(FeatureSpec.CATEGORY_BUCKETS));
    expected.put("action_count", Integer.toString(FeatureSpec.ACTION_COUNT));
    expected.put("scenario_count", Integer.toString(FeatureSpec.SCENARIO_COUNT));
    expected.put("age_buckets", Integer.toString(FeatureSpec.AGE_BUCKETS));
    expected.put("dwell_buckets", Integer.toString(FeatureSpec.DWELL_BUCKETS));
    expected.put("user_dense", String.join(",", FeatureSpec.USER_DENSE));
    expected.put("candidate_dense", String.join(",", FeatureSpec.CANDIDATE_DENSE));
    expected.forEach((key, value) -> {
      String actual = metadata.get(key);
      if (!value.equals(actual)) {
        problems.add(key + " is " + (actual == null ? "missing" : "'" + actual + "'") + " in the model, '" + value
            + "' in the job");
      }
    });
    if (!metadata.containsKey(MODEL_VERSION)) {
      problems.add(MODEL_VERSION + " is missing from the model's metadata");
    }
    try {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      for (String name : FeatureSpec.INPUTS) {
        NodeInfo info = inputs.get(name);
        if (info == null) {
          problems.add("input " + name + " is missing from the model");
          continue;
        }
        TensorInfo t = (TensorInfo) info.getInfo();
        OnnxJavaType type = FeatureSpec.isFloat(name) ? OnnxJavaType.FLOAT : OnnxJavaType.INT32;
        if (t.type != type) {
          problems.add("input " + name + " is " + t.type + " in the model, " + type + " in the job");
        }
        long[] shape = expectedShape(name);
        if (!Arrays.equals(t.getShape(), shape)) {
          problems.add("input " + name + " has shape " + Arrays.toString(t.getShape()) + " in the model, "
              + Arrays.toString(shape) + " in the job (-1: any size)");
        }
      }
      for (String name : inputs.keySet()) {
        if (!FeatureSpec.INPUTS.contains(name)) {
          problems.add("the model has an input " + name + " the job does not provide");
        }
      }
      if (!session.getOutputNames().contains(FeatureSpec.OUTPUT)) {
        problems.add("output " + FeatureSpec.OUTPUT + " is missing from the model");
      }
    } catch (OrtException e) {
      problems.add("cannot read the model's inputs: " + e.getMessage());
    }
    return problems;
  }

  private static long[] expectedShape(String name) {
    if (name.startsWith("seq_")) {
      return new long[] {-1, FeatureSpec.SEQUENCE_LENGTH};
    }
    return switch (name) {
      case "user_dense" -> new long[] {-1, FeatureSpec.USER_DENSE_SIZE};
      case "scenario" -> new long[] {-1};
      case "cand_item", "cand_category" -> new long[] {-1, -1};
      case "cand_dense" -> new long[] {-1, -1, FeatureSpec.CANDIDATE_DENSE_SIZE};
      default -> throw new IllegalArgumentException(name);
    };
  }

  public String modelVersion() {
    return metadata.getOrDefault(MODEL_VERSION, "unknown");
  }

  /** Sequence length the model was exported with (its metadata), or the job's if it does not say. */
  public int sequenceLength() {
    return Integer.parseInt(metadata.getOrDefault("sequence_length", Integer.toString(FeatureSpec.SEQUENCE_LENGTH)));
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public String location() {
    return location;
  }

  OrtEnvironment environment() {
    return env;
  }

  OrtSession session() {
    return session;
  }

  /** Closes a model obtained from {@link #load}. */
  public void closeSession() {
    try {
      session.close();
    } catch (OrtException e) {
      // nothing left to release if closing fails
    }
  }

  /** A model that does not fit the job's feature spec. */
  public static final class ModelMismatchException extends IllegalStateException {
    public ModelMismatchException(String location, List<String> problems) {
      super("model " + location + " does not match the job's feature spec " + FeatureSpec.VERSION + ": "
          + String.join("; ", problems));
    }
  }
}
