package dev.intereststream.scoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The model's inputs, fixed by version: names, dtypes, shapes, vocabulary sizes and how ids are
 * mapped into them. The job encodes requests with it ({@code features.FeatureEncoder},
 * {@link dev.intereststream.scoring.ModelInputs}), {@code export-training-data} writes it beside the
 * tensors as {@code feature_spec.json}, the trainer reads that file, and the exported ONNX model
 * carries the scalars in its metadata, which the job checks at start-up. Changing anything here means a
 * new {@link #VERSION} and a retrained model.
 *
 * <p>Ids are hashed into buckets ({@link #itemBucket}, {@link #categoryBucket}) so that any 64-bit id
 * maps into the embedding tables: ONNX Runtime rejects an out-of-range index. Bucket 0 is padding.
 */
public final class FeatureSpec {

  public static final String VERSION = "fs-1";
  public static final int SEQUENCE_LENGTH = 50;
  public static final int ITEM_BUCKETS = 65_536;
  public static final int CATEGORY_BUCKETS = 1_024;
  /** Action ordinals, padding 0 (UNKNOWN never reaches the sequence). */
  public static final int ACTION_COUNT = 8;
  /** Scenario ordinals, padding 0. */
  public static final int SCENARIO_COUNT = 4;
  /** 0 padding; 1 + floor(log2(1 + age in seconds)), capped. */
  public static final int AGE_BUCKETS = 24;
  /** 0 padding; 1 not measured; 2 + floor(log2(1 + dwell in seconds)), capped. */
  public static final int DWELL_BUCKETS = 16;

  public static final List<String> USER_DENSE = List.of("eng_1h", "eng_1d", "eng_7d", "imp_1d", "all_eng_1h",
      "all_eng_1d", "all_eng_7d", "all_imp_1d", "session_events", "session_seconds", "sequence_size",
      "dwell_seconds", "clicks", "distinct_items", "eng_per_imp_1d", "scenario_share");
  public static final List<String> CANDIDATE_DENSE = List.of("trend_pop", "trend_log_count", "category_affinity",
      "category_seq_share");
  /** The seed paper's baseline features: browse time, click count, items browsed. */
  public static final List<String> PAPER_FEATURES = List.of("dwell_seconds", "clicks", "imp_1d");

  public static final int USER_DENSE_SIZE = USER_DENSE.size();
  public static final int CANDIDATE_DENSE_SIZE = CANDIDATE_DENSE.size();

  /** Sequence inputs, in the order of the rows of {@code ScoringRequest.sequence}. */
  public static final List<String> SEQUENCE_INPUTS =
      List.of("seq_item", "seq_category", "seq_action", "seq_scenario", "seq_age", "seq_dwell");
  public static final int SEQUENCE_FEATURES = SEQUENCE_INPUTS.size();

  /** Model inputs in order. */
  public static final List<String> INPUTS = List.of("seq_item", "seq_category", "seq_action", "seq_scenario",
      "seq_age", "seq_dwell", "user_dense", "scenario", "cand_item", "cand_category", "cand_dense");
  public static final String OUTPUT = "score";

  private FeatureSpec() {}

  /** Bucket of an item id in [1, ITEM_BUCKETS). */
  public static int itemBucket(long itemId) {
    return 1 + (int) Math.floorMod(mix(itemId), (long) (ITEM_BUCKETS - 1));
  }

  /** Bucket of a category id in [1, CATEGORY_BUCKETS). */
  public static int categoryBucket(long categoryId) {
    return 1 + (int) Math.floorMod(mix(categoryId ^ 0x5bd1e995L), (long) (CATEGORY_BUCKETS - 1));
  }

  public static int ageBucket(long ageMs) {
    long seconds = Math.max(0, ageMs) / 1000;
    int b = 1 + (63 - Long.numberOfLeadingZeros(seconds + 1)); // 1 + floor(log2(1 + s))
    return Math.min(b, AGE_BUCKETS - 1);
  }

  public static int dwellBucket(int dwellMs) {
    if (dwellMs < 0) {
      return 1;
    }
    long seconds = dwellMs / 1000;
    int b = 2 + (63 - Long.numberOfLeadingZeros(seconds + 1));
    return Math.min(b, DWELL_BUCKETS - 1);
  }

  /** MurmurHash3's 64-bit finalizer: spreads consecutive ids over all buckets. */
  static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    x ^= x >>> 33;
    return x;
  }

  /** The spec as written to {@code feature_spec.json}, without the split statistics. */
  public static ObjectNode toJson() {
    return toJson(SEQUENCE_LENGTH);
  }

  /** The spec with another sequence length: for training-data ablations, never for the job's model. */
  public static ObjectNode toJson(int sequenceLength) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode spec = mapper.createObjectNode();
    spec.put("feature_spec_version", VERSION);
    spec.put("sequence_length", sequenceLength);
    spec.put("item_buckets", ITEM_BUCKETS);
    spec.put("category_buckets", CATEGORY_BUCKETS);
    spec.put("action_count", ACTION_COUNT);
    spec.put("scenario_count", SCENARIO_COUNT);
    spec.put("age_buckets", AGE_BUCKETS);
    spec.put("dwell_buckets", DWELL_BUCKETS);
    USER_DENSE.forEach(spec.putArray("user_dense")::add);
    CANDIDATE_DENSE.forEach(spec.putArray("candidate_dense")::add);
    PAPER_FEATURES.forEach(spec.putArray("paper_features")::add);
    ArrayNode inputs = spec.putArray("inputs");
    for (String name : INPUTS) {
      ObjectNode in = inputs.addObject();
      in.put("name", name);
      in.put("dtype", isFloat(name) ? "float32" : "int32");
      ArrayNode shape = in.putArray("shape");
      shape.add("batch");
      if (name.startsWith("seq_")) {
        shape.add(sequenceLength);
      } else if (name.equals("user_dense")) {
        shape.add(USER_DENSE_SIZE);
      } else if (name.startsWith("cand_")) {
        shape.add("candidates");
        if (name.equals("cand_dense")) {
          shape.add(CANDIDATE_DENSE_SIZE);
        }
      }
    }
    ObjectNode out = spec.putArray("outputs").addObject();
    out.put("name", OUTPUT);
    out.put("dtype", "float32");
    out.putArray("shape").add("batch").add("candidates");
    ObjectNode scenarios = spec.putObject("scenarios");
    scenarios.put("1", "ECOMMERCE");
    scenarios.put("2", "SOCIAL");
    scenarios.put("3", "NEWS");
    return spec;
  }

  /** Whether the named input is float32 (else int32). */
  public static boolean isFloat(String input) {
    return input.endsWith("_dense");
  }
}
