package dev.intereststream.local;

import dev.intereststream.contracts.Topics;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.Scenario;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's output the way a downstream consumer does (read_committed) and measures it: updates
 * and dead letters per interval, pipeline latency (scored_at minus the trigger's event time) and
 * visible latency (the moment this consumer received the update minus the trigger's event time), and,
 * if asked to, the latest update of the most active users. Runs on its own thread until closed.
 */
public final class OutputMonitor implements Runnable, AutoCloseable {

  private static final long MAX_LATENCY_MS = 3_600_000L;

  private final Properties props;
  private final String scoresTopic;
  private final String deadLetterTopic;
  private volatile boolean running = true;

  private final AtomicLong updates = new AtomicLong();
  private final AtomicLong candidates = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong newestTrigger = new AtomicLong(Long.MIN_VALUE);
  private final Recorder pipelineLatency = new Recorder(MAX_LATENCY_MS, 3);
  private final Recorder visibleLatency = new Recorder(MAX_LATENCY_MS, 3);
  private final Recorder recordLatency = new Recorder(MAX_LATENCY_MS, 3);
  private final Map<Long, Integer> updatesPerUser = new HashMap<>();
  private final Map<String, InterestUpdate> latest = new HashMap<>();
  private final boolean keepLatest;

  /**
   * @param keepLatest keep every user's latest update per scenario for {@link #mostActiveUsers}: what the
   *     demo prints, and memory that grows with the users seen, so measurements that share this JVM
   *     with the job (the benchmark's soak) leave it off
   */
  public OutputMonitor(Properties clientProperties, String scoresTopic, String deadLetterTopic,
      boolean keepLatest) {
    this.keepLatest = keepLatest;
    props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "interest-stream-monitor-" + System.nanoTime());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.scoresTopic = scoresTopic;
    this.deadLetterTopic = deadLetterTopic;
  }

  @Override
  public void run() {
    BinaryMessageDecoder<InterestUpdate> decoder = Topics.INTEREST_SCORES.newDecoder();
    InterestUpdate reuse = null;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(scoresTopic, deadLetterTopic));
      while (running) {
        var records = consumer.poll(Duration.ofMillis(100));
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (r.topic().equals(deadLetterTopic)) {
            deadLetters.incrementAndGet();
            continue;
          }
          try {
            InterestUpdate u = decoder.decode(r.value(), null);
            long trigger = u.getTriggerEventTime().toEpochMilli();
            newestTrigger.accumulateAndGet(trigger, Math::max);
            record(pipelineLatency, u.getScoredAt().toEpochMilli() - trigger);
            record(visibleLatency, now - trigger);
            record(recordLatency, r.timestamp() - trigger);
            candidates.addAndGet(u.getCandidatesConsidered());
            updates.incrementAndGet();
            if (keepLatest) {
              synchronized (latest) {
                updatesPerUser.merge(u.getUserId(), 1, Integer::sum);
                latest.put(u.getUserId() + "/" + u.getScenario(), u);
              }
            }
          } catch (Exception e) {
            undecodable.incrementAndGet();
          }
        }
      }
    }
  }

  private static void record(Recorder recorder, long ms) {
    recorder.recordValue(Math.max(0, Math.min(MAX_LATENCY_MS, ms)));
  }

  /** The newest trigger event time among the updates seen so far, Long.MIN_VALUE before the first. */
  public long newestTriggerEventTime() {
    return newestTrigger.get();
  }

  public long updates() {
    return updates.get();
  }

  /** Candidates scored over all updates so far (sum of {@code candidates_considered}). */
  public long candidates() {
    return candidates.get();
  }

  public long deadLetters() {
    return deadLetters.get();
  }

  public long undecodable() {
    return undecodable.get();
  }

  /** Latencies recorded since the previous call. */
  public synchronized Interval interval() {
    return new Interval(pipelineLatency.getIntervalHistogram(), visibleLatency.getIntervalHistogram(),
        recordLatency.getIntervalHistogram());
  }

  /**
   * Latency histograms in milliseconds from the trigger's event time: to {@code scored_at}, to this
   * consumer receiving the update, and to the output record's Kafka timestamp (the producer's send time).
   */
  public record Interval(Histogram pipeline, Histogram visible, Histogram record) {
    /** Both intervals' latencies together. */
    public Interval plus(Interval other) {
      Interval sum = empty();
      sum.add(this);
      sum.add(other);
      return sum;
    }

    public static Interval empty() {
      return new Interval(new Histogram(MAX_LATENCY_MS, 3), new Histogram(MAX_LATENCY_MS, 3),
          new Histogram(MAX_LATENCY_MS, 3));
    }

    public void add(Interval other) {
      pipeline.add(other.pipeline);
      visible.add(other.visible);
      record.add(other.record);
    }
  }

  /** The latest update per scenario of the {@code n} users with the most updates. */
  public Map<Long, Map<Scenario, InterestUpdate>> mostActiveUsers(int n) {
    if (!keepLatest) {
      throw new IllegalStateException("this monitor was built without keepLatest");
    }
    synchronized (latest) {
      Map<Long, Map<Scenario, InterestUpdate>> out = new java.util.LinkedHashMap<>();
      updatesPerUser.entrySet().stream()
          .sorted(Map.Entry.<Long, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(n)
          .forEach(e -> {
            Map<Scenario, InterestUpdate> byScenario = new java.util.EnumMap<>(Scenario.class);
            for (Scenario s : Scenario.values()) {
              InterestUpdate u = latest.get(e.getKey() + "/" + s);
              if (u != null) {
                byScenario.put(s, u);
              }
            }
            out.put(e.getKey(), byScenario);
          });
      return out;
    }
  }

  @Override
  public void close() {
    running = false;
  }
}
