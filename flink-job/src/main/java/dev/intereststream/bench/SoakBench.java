package dev.intereststream.bench;

import dev.intereststream.job.InterestStreamOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * A long run at a steady rate, sampling heap (after a GC, so garbage does not count) and resident
 * memory: a native leak (an unclosed ONNX Runtime tensor) shows as RSS that keeps growing.
 */
final class SoakBench {

  record Sample(double seconds, long heapAfterGcBytes, long rssBytes, long updates) {}

  record Result(double rate, double minutes, List<Sample> samples, double heapGrowthMbPerHour,
      double rssGrowthMbPerHour) {}

  private SoakBench() {}

  static Result run(BenchStack stack, double rate, Duration duration, int users) throws Exception {
    Configuration overrides = new Configuration();
    overrides.set(InterestStreamOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
    Configuration options = stack.newRun("soak", overrides);
    List<Sample> samples = new ArrayList<>();
    try (LiveRun run = new LiveRun(stack, options, rate, users)) {
      long t0 = System.nanoTime();
      long end = t0 + duration.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(30_000, Math.max(5_000, duration.toMillis() / 20)));
        System.gc();
        samples.add(new Sample((System.nanoTime() - t0) / 1e9, ProcessStats.heapUsed(), ProcessStats.rss(),
            run.monitor.updates()));
      }
      if (run.traffic.validEvents() == 0) {
        throw new IllegalStateException("no traffic was written");
      }
    }
    // growth from the second half of the run (the first includes warm-up and state growth)
    int half = samples.size() / 2;
    Sample a = samples.get(half);
    Sample b = samples.get(samples.size() - 1);
    double hours = (b.seconds() - a.seconds()) / 3600;
    return new Result(rate, duration.toSeconds() / 60.0, samples,
        (b.heapAfterGcBytes() - a.heapAfterGcBytes()) / 1048576.0 / hours, (b.rssBytes() - a.rssBytes()) / 1048576.0 / hours);
  }
}
