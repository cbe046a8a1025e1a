package dev.intereststream.bench;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.local.OutputMonitor;
import dev.intereststream.sim.SimulationRun;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.Configuration;

/**
 * Live ladder: the simulator at increasing offered rates, each on a fresh job and topics, until the
 * job cannot keep up. A rate is sustained when the simulator delivered it and the job's input lag did
 * not grow over the measured window (lag is counted at checkpoints, so it always holds about one
 * checkpoint interval of input).
 */
final class LadderBench {

  /** One measured point of the ladder. */
  record Point(String setup, double offered, double produced, double consumed, double updatesPerSecond,
      long lagStart, long lagEnd, boolean sustained, long p50Ms, long p95Ms, long p99Ms, long visibleP50Ms,
      long visibleP99Ms, double cores, long heapBytes, long rssBytes, double meanCandidates) {}

  private LadderBench() {}

  static List<Point> climb(BenchStack stack, String setup, Configuration overrides, double[] rates, int users,
      double warmUpSeconds, double measureSeconds, java.util.function.Consumer<Point> progress) throws Exception {
    List<Point> points = new ArrayList<>();
    for (double rate : rates) {
      Point p = measure(stack, setup, overrides, rate, users, warmUpSeconds, measureSeconds);
      points.add(p);
      progress.accept(p);
      if (!p.sustained()) {
        break;
      }
    }
    return points;
  }

  static Point measure(BenchStack stack, String setup, Configuration overrides, double rate, int users,
      double warmUpSeconds, double measureSeconds) throws Exception {
    Configuration options = stack.newRun(setup.replaceAll("[^a-z0-9]+", "-"), overrides);
    try (LiveRun run = new LiveRun(stack, options, rate, users)) {
      OutputMonitor monitor = run.monitor;
      SimulationRun traffic = run.traffic;
      Thread.sleep((long) (warmUpSeconds * 1000));
      monitor.interval();
      long events0 = traffic.validEvents();
      long updates0 = monitor.updates();
      long candidates0 = monitor.candidates();
      long lag0 = stack.lag(options);
      long committed0 = events0 - lag0;
      long cpu0 = ProcessStats.cpuNanos();
      long t0 = System.nanoTime();
      long heap = 0;
      long rss = 0;
      long mid = t0 + (long) (measureSeconds * 0.5e9);
      long end = t0 + (long) (measureSeconds * 1e9);
      OutputMonitor.Interval firstHalf = null;
      while (System.nanoTime() < end) {
        Thread.sleep(250);
        heap = Math.max(heap, ProcessStats.heapUsed());
        rss = Math.max(rss, ProcessStats.rss());
        if (firstHalf == null && System.nanoTime() >= mid) {
          firstHalf = monitor.interval();
        }
      }
      long t1 = System.nanoTime();
      long events1 = traffic.validEvents();
      long lag1 = stack.lag(options);
      long committed1 = events1 - lag1;
      long updates1 = monitor.updates();
      long candidates1 = monitor.candidates();
      long cpu1 = ProcessStats.cpuNanos();
      OutputMonitor.Interval secondHalf = monitor.interval();
      OutputMonitor.Interval latency = firstHalf.plus(secondHalf);
      double seconds = (t1 - t0) / 1e9;
      double produced = (events1 - events0) / seconds;
      double consumed = (committed1 - committed0) / seconds;
      // Sustained: the simulator kept the rate, the lag grew by less than a second of input, and the
      // median latency did not climb from the first half of the window to the second. Committed offsets
      // move once per checkpoint, so the lag alone cannot see a queue that grows by a few percent of the
      // input; the latency of a growing queue climbs by that share times the window.
      long climb = p(secondHalf.record(), 50) - p(firstHalf.record(), 50);
      boolean sustained = produced >= 0.95 * rate && lag1 - lag0 < rate && climb < MAX_MEDIAN_CLIMB_MS;
      return new Point(setup, rate, produced, consumed, (updates1 - updates0) / seconds, lag0, lag1, sustained,
          p(latency.record(), 50), p(latency.record(), 95), p(latency.record(), 99), p(latency.visible(), 50),
          p(latency.visible(), 99), ProcessStats.cores(cpu0, cpu1, t1 - t0), heap, rss,
          updates1 > updates0 ? (candidates1 - candidates0) / (double) (updates1 - updates0) : 0);
    }
  }

  /** Largest rise of the median latency within a window that still counts as a bounded queue. */
  static final long MAX_MEDIAN_CLIMB_MS = 100;

  private static long p(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(percentile);
  }

  /** Highest sustained offered rate, 0 if none. */
  static double maxSustained(List<Point> points) {
    return points.stream().filter(Point::sustained).mapToDouble(Point::offered).max().orElse(0);
  }

  static Configuration delivery(org.apache.flink.connector.base.DeliveryGuarantee guarantee) {
    Configuration c = new Configuration();
    c.set(InterestStreamOptions.DELIVERY_GUARANTEE, guarantee);
    return c;
  }
}
