package dev.intereststream.bench;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.TriggerReason;
import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.scoring.OnnxModel;
import dev.intereststream.scoring.OnnxScorer;
import dev.intereststream.scoring.ScoringRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scorer's ceiling: a model scored by {@link OnnxScorer} (the job's input filling, session options
 * and thread layout: one intra-op thread per calling thread) without Flink or Kafka.
 */
public final class CeilingBench {

  /** One measured point. */
  public record Point(String model, int threads, int batch, int candidates, double usersPerSecond,
      double msPerCall) {
    public double candidatesPerSecond() {
      return usersPerSecond * candidates;
    }
  }

  private CeilingBench() {}

  /**
   * Measures {@code seconds} per point after one second of warm-up.
   *
   * @param verify whether to check the model against the job's feature spec (false for ablations)
   */
  public static Point measure(String model, boolean verify, int threadCount, int batch, int k, double seconds)
      throws Exception {
    return measure(model, verify, threadCount, batch, k, seconds, false);
  }

  /**
   * As {@link #measure(String, boolean, int, int, int, double)}; with {@code mixedHistories} each user's
   * history has a uniform random length in 0..L (the rest padding) instead of a full sequence.
   */
  public static Point measure(String model, boolean verify, int threadCount, int batch, int k, double seconds,
      boolean mixedHistories) throws Exception {
    OnnxModel probe = OnnxModel.acquire(model, verify);
    int l = probe.sequenceLength();
    String version = probe.modelVersion();
    AtomicLong users = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    AtomicLong callNanos = new AtomicLong();
    long warmUpEnd = System.nanoTime() + 1_000_000_000L;
    long end = warmUpEnd + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(threadCount);
    List<Throwable> errors = new ArrayList<>();
    try {
      for (int t = 0; t < threadCount; t++) {
        int seed = t;
        Thread worker = new Thread(() -> {
          OnnxScorer scorer = new OnnxScorer(OnnxModel.acquire(model, verify), batch, k);
          try {
            List<ScoringRequest> requests = requests(batch, k, l, new SplittableRandom(seed));
            if (mixedHistories) {
              truncateHistories(requests, l, new SplittableRandom(seed + 1000));
            }
            while (System.nanoTime() < end) {
              long start = System.nanoTime();
              scorer.score(requests);
              if (start >= warmUpEnd) {
                users.addAndGet(batch);
                calls.incrementAndGet();
                callNanos.addAndGet(System.nanoTime() - start);
              }
            }
          } catch (Throwable e) {
            synchronized (errors) {
              errors.add(e);
            }
          } finally {
            scorer.close();
            done.countDown();
          }
        }, "bench-ceiling-" + t);
        worker.start();
      }
      done.await();
    } finally {
      OnnxModel.release(probe);
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("scoring failed", errors.get(0));
    }
    return new Point(version, threadCount, batch, k, users.get() / seconds,
        calls.get() == 0 ? 0 : callNanos.get() / 1e6 / calls.get());
  }

  /**
   * Cuts each request's history to a uniform random length in 0..l (padding after it). A model whose cost
   * depends on the padding (subnormal floats from masked softmax entries did, 40 % per call) shows here.
   */
  static void truncateHistories(List<ScoringRequest> requests, int l, SplittableRandom random) {
    for (ScoringRequest r : requests) {
      int length = random.nextInt(l + 1);
      for (int f = 0; f < FeatureSpec.SEQUENCE_FEATURES; f++) {
        java.util.Arrays.fill(r.sequence, f * l + length, (f + 1) * l, 0);
      }
    }
  }

  /** Requests with full sequences and realistic value ranges. */
  public static List<ScoringRequest> requests(int batch, int k, int l, SplittableRandom random) {
    List<ScoringRequest> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      ScoringRequest r = new ScoringRequest();
      r.userId = b + 1;
      r.scenario = Scenario.values()[1 + random.nextInt(3)];
      r.triggerEventId = "bench-" + b;
      r.triggerAction = Action.CLICK;
      r.triggerReason = TriggerReason.STRONG_ACTION;
      r.sequence = new int[FeatureSpec.SEQUENCE_FEATURES * l];
      for (int p = 0; p < l; p++) {
        r.sequence[p] = 1 + random.nextInt(FeatureSpec.ITEM_BUCKETS - 1);
        r.sequence[l + p] = 1 + random.nextInt(FeatureSpec.CATEGORY_BUCKETS - 1);
        r.sequence[2 * l + p] = 2 + random.nextInt(6);
        r.sequence[3 * l + p] = 1 + random.nextInt(3);
        r.sequence[4 * l + p] = 1 + random.nextInt(FeatureSpec.AGE_BUCKETS - 1);
        r.sequence[5 * l + p] = 1 + random.nextInt(FeatureSpec.DWELL_BUCKETS - 1);
      }
      r.userDense = new float[FeatureSpec.USER_DENSE_SIZE];
      for (int i = 0; i < r.userDense.length; i++) {
        r.userDense[i] = (float) (random.nextDouble() * 4);
      }
      r.interestCategories = new long[] {1, 2, 3};
      r.interestWeights = new float[] {0.5f, 0.3f, 0.2f};
      r.candidateItems = new long[k];
      r.candidateCategories = new long[k];
      r.candidateCounts = new long[k];
      r.candidatePopularity = new float[k];
      for (int j = 0; j < k; j++) {
        r.candidateItems[j] = 1 + random.nextInt(100_000);
        r.candidateCategories[j] = 1 + random.nextInt(40);
        r.candidateCounts[j] = 1 + random.nextInt(500);
        r.candidatePopularity[j] = (float) random.nextDouble();
      }
      out.add(r);
    }
    return out;
  }
}
