package dev.intereststream.bench;

import dev.intereststream.job.InterestStreamOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * A long run at a steady rate, sampling heap (after a GC, so garbage does not count), resident memory
 * and its parts ({@link ProcessStats#resident}: anonymous memory outside the Java heap is where a native
 * leak, such as an unclosed ONNX Runtime tensor, would show; mapped files include the embedded broker's
 * log indexes, which grow with its logs), and the job's checkpointed state.
 *
 * <p>The job's state is bounded but takes long to fill: every user's history up to L engagements, and
 * the trending window's per-item bucket counts over its whole length (30 minutes of event time by
 * default). A 10-minute run at 15,000 events/s with live traffic alone met 1,332 new users (of 10,000)
 * between its 150th and 450th second, and its checkpoint grew by 1 MB a minute throughout: bounded
 * state still filling, not a leak, but it hides one. So the run starts after a fill (a backlog of
 * {@code fillEvents} events consumed first), uses a trending window of {@link #TRENDING_WINDOW} that live
 * traffic fills in the first half, and growth is the least-squares slope over the second half of the
 * samples, with the checkpointed state's own slope beside it.
 */
final class SoakBench {

  /**
   * One sample.
   *
   * @param heapCommittedBytes heap the JVM has committed (resident at most)
   * @param checkpointBytes size of the job's newest completed checkpoint, 0 before the first
   */
  record Sample(double seconds, long heapAfterGcBytes, long heapCommittedBytes, long rssBytes,
      long nativeBytes, long jvmNativeBytes, long fileBytes, long checkpointBytes, long updates) {

    /** Native memory the JVM does not account for: malloc and mmap by ONNX Runtime, stacks, JVM internals. */
    long otherNativeBytes() {
      return nativeBytes - jvmNativeBytes;
    }
  }

  /** The soak's trending window: full after its first half of a 10-minute run (the default is 30 minutes). */
  static final Duration TRENDING_WINDOW = Duration.ofMinutes(2);

  /** Growth figures are MB per hour over the second half of the samples (least-squares slope). */
  record Result(double rate, double minutes, long fillEvents, double fillSeconds, List<Sample> samples,
      double heapGrowthMbPerHour, double rssGrowthMbPerHour, double nativeGrowthMbPerHour,
      double jvmNativeGrowthMbPerHour, double otherNativeGrowthMbPerHour, double fileGrowthMbPerHour,
      double checkpointGrowthMbPerHour) {}

  private SoakBench() {}

  static Result run(BenchStack stack, double rate, Duration duration, int users, long fillEvents) throws Exception {
    Configuration overrides = new Configuration();
    overrides.set(InterestStreamOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
    overrides.set(InterestStreamOptions.TRENDING_WINDOW, TRENDING_WINDOW);
    Configuration options = stack.newRun("soak", overrides);
    List<Sample> samples = new ArrayList<>();
    long fillStart = System.nanoTime();
    double fillSeconds;
    try (LiveRun run = new LiveRun(stack, options, rate, users, Math.max(fillEvents, Traffic.SEED_EVENTS))) {
      fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      String jobId = run.jobId().toString();
      long t0 = System.nanoTime();
      long end = t0 + duration.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(30_000, Math.max(2_000, duration.toMillis() / 20)));
        System.gc();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        ProcessStats.Resident resident = ProcessStats.resident();
        samples.add(new Sample((System.nanoTime() - t0) / 1e9, heap.getUsed(), heap.getCommitted(),
            ProcessStats.rss(), resident == null ? -1 : resident.anonymousOutsideHeap(),
            ProcessStats.jvmNativeBytes(), resident == null ? -1 : resident.fileBacked(),
            StateScaleBench.latestCheckpointBytes(stack.checkpoints(), jobId),
            run.monitor.updates()));
      }
      if (run.traffic.validEvents() == 0) {
        throw new IllegalStateException("no traffic was written");
      }
    }
    List<Sample> late = samples.subList(samples.size() / 2, samples.size());
    return new Result(rate, duration.toSeconds() / 60.0, fillEvents, fillSeconds, samples,
        mbPerHour(late, Sample::heapAfterGcBytes), mbPerHour(late, Sample::rssBytes),
        mbPerHour(late, Sample::nativeBytes), mbPerHour(late, Sample::jvmNativeBytes),
        mbPerHour(late, Sample::otherNativeBytes), mbPerHour(late, Sample::fileBytes),
        mbPerHour(late, Sample::checkpointBytes));
  }

  /** Least-squares slope of a byte series against time, in MB per hour; 0 for fewer than two samples. */
  static double mbPerHour(List<Sample> samples, java.util.function.ToLongFunction<Sample> bytes) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mt = samples.stream().mapToDouble(Sample::seconds).average().orElse(0);
    double mb = samples.stream().mapToDouble(s -> bytes.applyAsLong(s)).average().orElse(0);
    double num = 0;
    double den = 0;
    for (Sample s : samples) {
      num += (s.seconds() - mt) * (bytes.applyAsLong(s) - mb);
      den += (s.seconds() - mt) * (s.seconds() - mt);
    }
    return den == 0 ? 0 : num / den * 3600 / 1048576.0;
  }
}
