package dev.intereststream.bench;

import dev.intereststream.contracts.Topics;
import dev.intereststream.job.InterestStreamOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;

/**
 * Catch-up: a backlog written to the input first, then the job consumes it as fast as it can, as after
 * an outage. Measured from the last sample (every 100 ms) before the first update to the last update the
 * job writes.
 */
final class CatchUpBench {

  /** What a catch-up measured. */
  record Result(long backlog, double producerEventsPerSecond, double seconds, double eventsPerSecond,
      double updatesPerSecond, double secondHalfUpdatesPerSecond, int meanCandidates, double cores, long heapBytes,
      long rssBytes, Map<String, Double> threadCpuShares) {}

  private CatchUpBench() {}

  static Result run(BenchStack stack, long events, int users, Configuration overrides) throws Exception {
    Configuration options = new Configuration();
    // At-least-once: output offsets then count updates exactly (no transaction markers); no failures happen.
    options.set(InterestStreamOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
    options.addAll(overrides);
    options = stack.newRun("catchup", options);
    double produced = Traffic.backlog(stack, options, events, users);

    JobClient job = stack.startJob(options);
    try {
      // Progress is read from the output, not from committed input offsets: the Kafka source commits
      // on checkpoints from its fetcher thread, which after the last record waits in a poll of up to
      // 10 s before it commits, so offsets show the end of a catch-up seconds after it happened.
      // The clock starts at the last sample before the first update, not at the first update: a short
      // backlog can land whole between two samples, and a window opened at the first update would then be
      // empty. The cost is at most one sampling interval added to the window (a lower bound on the rate).
      long t0 = System.nanoTime();
      long cpu0 = ProcessStats.cpuNanos();
      long t1 = 0;
      long u1 = 0;
      long cpu1 = 0;
      long t2 = 0;
      long u2 = 0;
      long cpu2 = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      long heap = 0;
      long rss = 0;
      // (time, output records) samples, for the rate of the window's second half: the JVM is cold when the
      // catch-up starts (JIT compilation takes a tenth of the CPU for the first half minute), as after a restart
      List<long[]> samples = new ArrayList<>();
      Map<String, Long> threadsAtStart = Map.of();
      Map<String, Long> threadsAtEnd = Map.of();
      long threadsSampled = 0;
      while (System.nanoTime() < deadline) {
        Thread.sleep(100);
        long now = System.nanoTime();
        long out = outputRecords(stack, options);
        heap = Math.max(heap, ProcessStats.heapUsed());
        rss = Math.max(rss, ProcessStats.rss());
        if (out == 0) {
          t0 = now;
          cpu0 = ProcessStats.cpuNanos();
          if (now - threadsSampled > 1_000_000_000L) { // about 200 files: once a second is plenty
            threadsAtStart = ProcessStats.threadCpuTicks();
            threadsSampled = now;
          }
        } else if (t1 == 0) { // the first updates: the window opens at the sample before them
          t1 = t0;
          u1 = 0;
          cpu1 = cpu0;
          t2 = now;
          u2 = out;
          cpu2 = ProcessStats.cpuNanos();
          samples.add(new long[] {now, out});
        } else if (out > u2) {
          t2 = now;
          u2 = out;
          cpu2 = ProcessStats.cpuNanos();
          samples.add(new long[] {now, out});
          if (now - threadsSampled > 1_000_000_000L) {
            threadsAtEnd = ProcessStats.threadCpuTicks();
            threadsSampled = now;
          }
        } else if (now - t2 > QUIET_NANOS && stack.lag(options) == 0) {
          break; // nothing new for a while and every input record is consumed
        }
      }
      if (t1 == 0) {
        throw new IllegalStateException("the catch-up produced no updates");
      }
      if (threadsAtEnd.isEmpty()) {
        threadsAtEnd = ProcessStats.threadCpuTicks();
      }
      double seconds = (t2 - t1) / 1e9;
      double updatesPerSecond = (u2 - u1) / seconds;
      // Triggers are spread evenly over the simulated backlog, so the input consumed in the window is
      // the backlog times the window's share of all updates.
      double eventsPerSecond = events * ((u2 - u1) / (double) u2) / seconds;
      long half = t1 + (t2 - t1) / 2;
      long[] mid = samples.stream().filter(x -> x[0] >= half).findFirst().orElse(new long[] {t1, u1});
      double secondHalf = t2 > mid[0] ? (u2 - mid[1]) / ((t2 - mid[0]) / 1e9) : updatesPerSecond;
      return new Result(events, produced, seconds, eventsPerSecond, updatesPerSecond, secondHalf,
          meanCandidates(stack, options), ProcessStats.cores(cpu1, cpu2, t2 - t1), heap, rss,
          ProcessStats.threadCpuShares(threadsAtStart, threadsAtEnd));
    } finally {
      BenchStack.stop(job);
    }
  }

  /** No new update for this long, and no input left, ends the catch-up. */
  private static final long QUIET_NANOS = Duration.ofSeconds(3).toNanos();

  /**
   * Mean candidates per update over the whole output (up to 30 s of reading). A prefix would not do: the
   * first updates of a backlog come before any trending list exists and score a handful of candidates
   * (measured: the first 5,000 updates gave K 70, all of them 77).
   */
  static int meanCandidates(BenchStack stack, Configuration options) throws Exception {
    var decoder = Topics.INTEREST_SCORES.newDecoder();
    String topic = Topics.INTEREST_SCORES.name(options);
    long total = stack.latestOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    Properties props = stack.client();
    props.put("group.id", "bench-sample-" + System.nanoTime());
    props.put("auto.offset.reset", "earliest");
    props.put("max.poll.records", "5000");
    props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    long sum = 0;
    long n = 0;
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(props)) {
      consumer.subscribe(java.util.List.of(topic));
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (n < total && System.nanoTime() < end) {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          sum += decoder.decode(r.value()).getCandidatesConsidered();
          n++;
        }
      }
    }
    return n == 0 ? 1 : (int) Math.max(1, Math.round(sum / (double) n));
  }

  /** Records in the output topic (at-least-once without failures: one per update). */
  static long outputRecords(BenchStack stack, Configuration options) throws Exception {
    long n = 0;
    for (long offset : stack.latestOffsets(Topics.INTEREST_SCORES.name(options)).values()) {
      n += offset;
    }
    return n;
  }
}
