package dev.intereststream.bench;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Catch-up: a backlog written to the input first, then the job consumes it as fast as it can, as after
 * an outage. Measured between the first and the last checkpoint that moves the committed offsets.
 */
final class CatchUpBench {

  /** What a catch-up measured. */
  record Result(long backlog, double producerEventsPerSecond, double seconds, double eventsPerSecond,
      double updatesPerSecond, int meanCandidates, double cores, long heapBytes, long rssBytes) {}

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
      long firstLag;
      long t1;
      long u1;
      long cpu1;
      while (true) { // the first checkpoint that commits progress starts the clock
        long lag = stack.lag(options);
        if (lag < events) {
          firstLag = lag;
          t1 = System.nanoTime();
          u1 = outputRecords(stack, options);
          cpu1 = ProcessStats.cpuNanos();
          break;
        }
        Thread.sleep(100);
      }
      long lag = firstLag;
      long t2 = t1;
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      long heap = 0;
      long rss = 0;
      while (lag > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        long now = stack.lag(options);
        if (now < lag) {
          lag = now;
          t2 = System.nanoTime();
        }
        heap = Math.max(heap, ProcessStats.heapUsed());
        rss = Math.max(rss, ProcessStats.rss());
      }
      long u2 = outputRecords(stack, options);
      long cpu2 = ProcessStats.cpuNanos();
      double seconds = (t2 - t1) / 1e9;
      return new Result(events, produced, seconds, (firstLag - lag) / seconds, (u2 - u1) / seconds,
          meanCandidates(stack, options), ProcessStats.cores(cpu1, cpu2, t2 - t1), heap, rss);
    } finally {
      BenchStack.stop(job);
    }
  }

  /** Mean candidates per update, over a sample of the output. */
  static int meanCandidates(BenchStack stack, Configuration options) {
    var decoder = Topics.INTEREST_SCORES.newDecoder();
    Properties props = stack.client();
    props.put("group.id", "bench-sample-" + System.nanoTime());
    props.put("auto.offset.reset", "earliest");
    props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    long sum = 0;
    int n = 0;
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(props)) {
      consumer.subscribe(java.util.List.of(Topics.INTEREST_SCORES.name(options)));
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (n < 5_000 && System.nanoTime() < end) {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
          try {
            sum += decoder.decode(r.value()).getCandidatesConsidered();
            n++;
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return n == 0 ? 1 : (int) Math.max(1, Math.round(sum / (double) n));
  }

  /** Records in the output topic (at-least-once without failures: one per update). */
  static long outputRecords(BenchStack stack, Configuration options) throws Exception {
    String topic = Topics.INTEREST_SCORES.name(options);
    try (Admin admin = Admin.create(stack.client())) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < BenchStack.PARTITIONS; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      long n = 0;
      for (var e : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values()) {
        n += e.offset();
      }
      return n;
    }
  }
}
