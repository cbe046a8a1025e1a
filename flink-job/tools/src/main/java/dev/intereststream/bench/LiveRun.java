package dev.intereststream.bench;

import dev.intereststream.contracts.Topics;
import dev.intereststream.local.OutputMonitor;
import dev.intereststream.sim.SimulationRun;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/**
 * One job on fresh topics with the simulator writing live traffic into it and an {@link OutputMonitor}
 * reading its output: what the ladder and the soak run measure. Closing stops the traffic, the monitor
 * and the job.
 */
final class LiveRun implements AutoCloseable {

  final OutputMonitor monitor;
  final SimulationRun traffic;
  private final JobClient job;
  private final Thread monitorThread;
  private final AtomicBoolean go = new AtomicBoolean(true);

  /**
   * Writes {@link Traffic#seed recent history} to the input, starts the job of {@code options}, waits for
   * the mini cluster to deploy it, then starts the traffic.
   */
  LiveRun(BenchStack stack, Configuration options, double rate, int users) throws Exception {
    this(stack, options, rate, users, Traffic.SEED_EVENTS);
  }

  /** As {@link #LiveRun(BenchStack, Configuration, double, int)} with {@code seedEvents} of history first. */
  LiveRun(BenchStack stack, Configuration options, double rate, int users, long seedEvents) throws Exception {
    Traffic.seed(stack, options, users, seedEvents);
    job = stack.startJob(options);
    monitor = new OutputMonitor(stack.client(), Topics.INTEREST_SCORES.name(options),
        Topics.DEAD_LETTERS.name(options), false);
    monitorThread = new Thread(monitor, "bench-monitor");
    monitorThread.setDaemon(true);
    monitorThread.start();
    try {
      Thread.sleep(4_000); // the mini cluster deploys the job
      // 90 s covers the per-candidate peer's re-scores of the default seed; a longer seed adds its catch-up
      awaitSeedScored(stack, options, 90_000 + seedEvents / 10);
      traffic = Traffic.live(stack, options, rate, users, go::get);
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /**
   * Waits until the seed is consumed and its updates are written (no new update for a second), at most
   * {@code maxMillis}: the per-candidate peer needs tens of seconds for the seed's re-scores, and live
   * traffic on top of them would measure that queue.
   */
  private void awaitSeedScored(BenchStack stack, Configuration options, long maxMillis) throws Exception {
    long deadline = System.nanoTime() + maxMillis * 1_000_000L;
    long last = -1;
    while (System.nanoTime() < deadline) {
      long now = monitor.updates();
      if (now == last && now > 0 && stack.lag(options) == 0) {
        return;
      }
      last = now;
      Thread.sleep(1_000);
    }
  }

  org.apache.flink.api.common.JobID jobId() {
    return job.getJobID();
  }

  @Override
  public void close() throws Exception {
    go.set(false);
    monitor.close();
    BenchStack.stop(job);
    monitorThread.join(5_000);
  }
}
