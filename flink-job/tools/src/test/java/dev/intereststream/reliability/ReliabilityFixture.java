package dev.intereststream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.intereststream.contracts.Topics;
import dev.intereststream.events.TestEvents;
import dev.intereststream.job.InterestStreamJob;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.JobEnvironment;
import dev.intereststream.job.KafkaIo;
import dev.intereststream.job.KafkaTestSupport;
import dev.intereststream.local.ConsumerLag;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.World;
import dev.intereststream.sim.WorldConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the reliability tests share: a deterministic simulated input, running the job with something
 * between scoring and the sink, reading the committed output, and comparing it update by update with
 * a failure-free run.
 */
public final class ReliabilityFixture {

  public static final int PARTITIONS = 4;

  private ReliabilityFixture() {}

  /** {@code n} simulated events starting an hour ago (valid event times), the same for equal arguments. */
  public static List<ClickEvent> events(int n, long seed) {
    return events(n, seed, (System.currentTimeMillis() / 3_600_000L - 1) * 3_600_000L);
  }

  /** {@code n} simulated events from {@code start}, the same for equal arguments. */
  static List<ClickEvent> events(int n, long seed, long start) {
    Simulator sim = new Simulator(new World(WorldConfig.defaults().withSeed(seed).withUsers(400)
        .withConcurrentSessions(60)), start, 20);
    List<ClickEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(sim.next().event());
    }
    return out;
  }

  public static void produce(EmbeddedKafka kafka, String topic, List<ClickEvent> events) {
    try (KafkaTestSupport.TestProducer producer = KafkaTestSupport.producer(kafka.bootstrapServers(),
        kafka.clientProperties())) {
      for (ClickEvent e : events) {
        producer.send(topic, Topics.userKey(e.getUserId()), TestEvents.encode(e));
      }
    }
  }

  /** Options of one run: its own output topics, transactional ids and consumer group. */
  public static Configuration options(EmbeddedKafka kafka, String input, String run) {
    Configuration c = new Configuration();
    c.set(InterestStreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.set(InterestStreamOptions.INPUT_TOPIC, input);
    c.set(InterestStreamOptions.OUTPUT_TOPIC, run + "-scores");
    c.set(InterestStreamOptions.DEAD_LETTER_TOPIC, run + "-dlq");
    c.set(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX, run);
    c.set(InterestStreamOptions.CONSUMER_GROUP, run);
    c.set(InterestStreamOptions.STARTING_OFFSETS, InterestStreamOptions.StartingOffsets.EARLIEST);
    c.set(InterestStreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    return c;
  }

  static void createOutputTopics(EmbeddedKafka kafka, Configuration options) throws Exception {
    kafka.createTopics(Map.of(Topics.INTEREST_SCORES.name(options), 2, Topics.DEAD_LETTERS.name(options), 1));
  }

  /**
   * Builds the job into an environment.
   *
   * @param bounded whether the source stops at the offsets that are the latest at start
   * @param beforeSink what to put between scoring and the sink (identity for none)
   */
  public static StreamExecutionEnvironment environment(Configuration options, int parallelism, boolean bounded,
      UnaryOperator<DataStream<InterestUpdate>> beforeSink) {
    return environment(options, parallelism, bounded, beforeSink, InterestStreamJob.scorer(options));
  }

  public static StreamExecutionEnvironment environment(Configuration options, int parallelism, boolean bounded,
      UnaryOperator<DataStream<InterestUpdate>> beforeSink, dev.intereststream.scoring.ScorerFactory scorer) {
    StreamExecutionEnvironment e = JobEnvironment.fromContext(options, parallelism);
    KafkaSourceBuilder<dev.intereststream.events.DecodedRecord> source = KafkaIo.sourceBuilder(options);
    if (bounded) {
      source.setBounded(OffsetsInitializer.latest());
    }
    beforeSink.apply(InterestStreamJob.updates(e, options, source.build(), KafkaIo.deadLetterSink(options), scorer))
        .sinkTo(KafkaIo.updatesSink(options))
        .uid("interest-scores-sink")
        .name("interest-scores");
    return e;
  }

  /** A failure-free run at parallelism 2 over what the input holds, until consumed; its committed output. */
  public static Output reference(EmbeddedKafka kafka, String input, String run) throws Exception {
    return startReference(kafka, input, run).finish();
  }

  /** As {@link #reference}, started now and read by {@link Run#finish}, so that other runs overlap it. */
  static Run startReference(EmbeddedKafka kafka, String input, String run) throws Exception {
    Configuration options = options(kafka, input, run);
    createOutputTopics(kafka, options);
    return startRun(kafka, options, environment(options, 2, false, UnaryOperator.identity()));
  }

  /**
   * Runs an unbounded job, runs {@code whileRunning} (which may write the input), then {@link Run#finish}.
   * Unbounded on purpose: a bounded source's final watermark would release requests a live job still
   * holds, so runs ending differently could not be compared.
   */
  static Output runUntilConsumed(EmbeddedKafka kafka, Configuration options, StreamExecutionEnvironment env,
      ThrowingRunnable whileRunning) throws Exception {
    Run run = startRun(kafka, options, env);
    try {
      whileRunning.run();
    } catch (Exception | AssertionError e) {
      run.job().cancel().get(60, TimeUnit.SECONDS);
      throw e;
    }
    return run.finish();
  }

  /** Starts an unbounded job named after its consumer group. */
  static Run startRun(EmbeddedKafka kafka, Configuration options, StreamExecutionEnvironment env) throws Exception {
    return new Run(kafka, options, env.executeAsync(options.get(InterestStreamOptions.CONSUMER_GROUP)));
  }

  /** A running job of {@link #startRun}. */
  record Run(EmbeddedKafka kafka, Configuration options, JobClient job) {
    /**
     * Waits until the job has consumed and committed all input, lets the last transactions commit,
     * cancels the job and reads its committed output.
     */
    Output finish() throws Exception {
      try {
        awaitConsumed(kafka, options.get(InterestStreamOptions.CONSUMER_GROUP),
            options.get(InterestStreamOptions.INPUT_TOPIC), Duration.ofSeconds(180));
        Thread.sleep(3 * options.get(InterestStreamOptions.CHECKPOINT_INTERVAL).toMillis() + 500);
      } finally {
        job.cancel().get(60, TimeUnit.SECONDS);
      }
      return read(kafka, options);
    }
  }

  /** A step that may throw. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Writes events over about {@code seconds}, as live traffic would arrive. */
  public static void produceLive(EmbeddedKafka kafka, String topic, List<ClickEvent> events, double seconds) {
    produceLive(kafka, topic, events, seconds, new Properties());
  }

  /** As {@link #produceLive(EmbeddedKafka, String, List, double)} with extra producer settings. */
  static void produceLive(EmbeddedKafka kafka, String topic, List<ClickEvent> events, double seconds,
      Properties producerSettings) {
    long start = System.nanoTime();
    Properties props = kafka.clientProperties();
    props.putAll(producerSettings);
    try (KafkaTestSupport.TestProducer producer = KafkaTestSupport.producer(kafka.bootstrapServers(), props)) {
      for (int i = 0; i < events.size(); i++) {
        long due = start + (long) (seconds * 1e9 * i / events.size());
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        ClickEvent e = events.get(i);
        producer.send(topic, Topics.userKey(e.getUserId()), TestEvents.encode(e));
      }
    }
  }

  /** Waits until the job's consumer group has committed every input offset (so all input is processed). */
  public static void awaitConsumed(EmbeddedKafka kafka, String group, String topic, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      ConsumerLag lag = new ConsumerLag(admin, group, topic);
      while (lag.records() > 0) {
        if (System.nanoTime() > end) {
          throw new AssertionError("the job did not consume " + topic + " within " + timeout);
        }
        Thread.sleep(200);
      }
    }
  }

  /** The committed (read_committed) updates of a run, by trigger event id, and how often each came. */
  public record Output(Map<String, InterestUpdate> updates, Map<String, Integer> counts) {
    public int duplicates() {
      return counts.values().stream().mapToInt(c -> c - 1).sum();
    }
  }

  public static Output read(EmbeddedKafka kafka, Configuration options) {
    BinaryMessageDecoder<InterestUpdate> decoder = Topics.INTEREST_SCORES.newDecoder();
    Map<String, InterestUpdate> updates = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommitted(kafka.bootstrapServers(),
        Topics.INTEREST_SCORES.name(options), Duration.ofSeconds(3), Duration.ofSeconds(120))) {
      try {
        InterestUpdate u = decoder.decode(r.value());
        updates.put(u.getTriggerEventId(), u);
        counts.merge(u.getTriggerEventId(), 1, Integer::sum);
      } catch (java.io.IOException e) {
        throw new AssertionError("undecodable update", e);
      }
    }
    return new Output(updates, counts);
  }

  /** Every update of the reference exactly once, equal in items, scores (1e-5) and interests. */
  public static void assertSameUpdatesOnce(Output reference, Output actual) {
    assertThat(reference.updates()).as("reference updates").hasSizeGreaterThan(100);
    assertThat(actual.duplicates()).as("duplicated updates").isZero();
    assertThat(actual.updates().keySet()).as("trigger event ids")
        .containsExactlyInAnyOrderElementsOf(reference.updates().keySet());
    for (InterestUpdate want : reference.updates().values()) {
      InterestUpdate got = actual.updates().get(want.getTriggerEventId());
      String id = want.getTriggerEventId();
      assertThat(got.getUserId()).as(id).isEqualTo(want.getUserId());
      assertThat(got.getScenario()).as(id).isEqualTo(want.getScenario());
      assertThat(got.getModelVersion()).as(id).isEqualTo(want.getModelVersion());
      assertThat(got.getCandidatesConsidered()).as("candidates of %s", id).isEqualTo(want.getCandidatesConsidered());
      assertThat(got.getTopItems()).as("top items of %s", id).hasSameSizeAs(want.getTopItems());
      for (int i = 0; i < want.getTopItems().size(); i++) {
        assertThat(got.getTopItems().get(i).getItemId()).as("item %d of %s", i, id)
            .isEqualTo(want.getTopItems().get(i).getItemId());
        assertThat(got.getTopItems().get(i).getScore()).as("score %d of %s", i, id)
            .isCloseTo(want.getTopItems().get(i).getScore(), within(1e-5f));
      }
      assertThat(got.getCategoryInterests()).as("interests of %s", id).hasSameSizeAs(want.getCategoryInterests());
      for (int i = 0; i < want.getCategoryInterests().size(); i++) {
        assertThat(got.getCategoryInterests().get(i).getCategoryId())
            .isEqualTo(want.getCategoryInterests().get(i).getCategoryId());
        assertThat(got.getCategoryInterests().get(i).getWeight())
            .isCloseTo(want.getCategoryInterests().get(i).getWeight(), within(1e-5f));
      }
    }
  }

  /** Kafka client properties of the fixture's broker. */
  static Properties client(EmbeddedKafka kafka) {
    return kafka.clientProperties();
  }

  /** Starts a job without waiting for it. */
  static JobClient start(StreamExecutionEnvironment env, String name) throws Exception {
    return env.executeAsync(name);
  }
}
