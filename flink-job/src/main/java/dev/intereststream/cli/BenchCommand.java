package dev.intereststream.cli;

import dev.intereststream.features.FeatureSpec;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.TriggerReason;
import dev.intereststream.scoring.OnnxModel;
import dev.intereststream.scoring.OnnxScorer;
import dev.intereststream.scoring.ScoringRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the scorer's ceiling: the shipped model scored by {@link OnnxScorer} (the job's own input
 * filling, session options and thread layout: one intra-op thread per caller) without Flink or Kafka,
 * at several batch sizes and candidate counts, with one and with two calling threads.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure standalone ONNX Runtime scoring throughput of the model (users/s, candidates/s).")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--model", description = "Model to measure (default: the shipped one).",
      defaultValue = "classpath:model/interest-model.onnx")
  String model;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32,128", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--candidates", split = ",", defaultValue = "50,100", description = "Candidates per user (default: ${DEFAULT-VALUE}).")
  List<Integer> candidates;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Calling threads (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per point, after 1 s of warm-up (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--any-spec", description = "Measure a model of another shape (an ablation) without "
      + "checking it against the job's feature spec.")
  boolean anySpec;

  @Override
  public Integer call() throws Exception {
    OnnxModel probe = OnnxModel.acquire(model, !anySpec); // verifies the model first, unless told not to
    int l = probe.sequenceLength();
    System.out.printf("bench: %s (%s, sequence length %d), ONNX Runtime, 1 intra-op thread per caller, "
        + "spinning off%n", model, probe.modelVersion(), l);
    System.out.println("threads  batch      K      users/s   candidates/s   ms/call");
    for (int t : threads) {
      for (int k : candidates) {
        for (int b : batchSizes) {
          double[] r = measure(t, b, k, l);
          System.out.printf(Locale.ROOT, "%7d %6d %6d %12.0f %14.0f %9.3f%n", t, b, k, r[0], r[0] * k, r[1]);
        }
      }
    }
    OnnxModel.release(probe);
    return 0;
  }

  /** {users per second over all threads, mean milliseconds per call}. */
  private double[] measure(int threadCount, int batch, int k, int l) throws Exception {
    AtomicLong users = new AtomicLong();
    AtomicLong calls = new AtomicLong();
    AtomicLong callNanos = new AtomicLong();
    long warmUpEnd = System.nanoTime() + 1_000_000_000L;
    long end = warmUpEnd + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(threadCount);
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      int seed = t;
      Thread worker = new Thread(() -> {
        OnnxScorer scorer = new OnnxScorer(OnnxModel.acquire(model, !anySpec), batch, k);
        try {
          List<ScoringRequest> requests = requests(batch, k, l, new SplittableRandom(seed));
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
      });
      worker.start();
    }
    done.await();
    if (!errors.isEmpty()) {
      throw new IllegalStateException("scoring failed", errors.get(0));
    }
    return new double[] {users.get() / seconds, calls.get() == 0 ? 0 : callNanos.get() / 1e6 / calls.get()};
  }

  /** Requests with full sequences and realistic value ranges; the model's cost does not depend on values. */
  static List<ScoringRequest> requests(int batch, int k, int l, SplittableRandom random) {
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
