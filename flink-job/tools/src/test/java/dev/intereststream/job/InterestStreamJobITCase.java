package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.contracts.Topics;
import dev.intereststream.events.TestEvents;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.CategoryInterest;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.ScoredItem;
import dev.intereststream.schemas.TriggerReason;
import dev.intereststream.sim.PoisonRecords;
import dev.intereststream.sim.SimEvent;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.World;
import dev.intereststream.sim.WorldConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole job on a Flink MiniCluster (parallelism 2) against a real Kafka broker: simulated traffic
 * with malformed records and re-sent duplicates mixed in, read back with read_committed.
 */
class InterestStreamJobITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final int EVENTS = 4_000;
  private static final int MALFORMED = 300;
  private static final int DUPLICATES = 100;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  private static Configuration options(String prefix) {
    Configuration c = new Configuration();
    c.set(InterestStreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.set(InterestStreamOptions.INPUT_TOPIC, prefix + "-click-events");
    c.set(InterestStreamOptions.OUTPUT_TOPIC, prefix + "-interest-scores");
    c.set(InterestStreamOptions.DEAD_LETTER_TOPIC, prefix + "-dlq");
    c.set(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX, prefix);
    c.set(InterestStreamOptions.CONSUMER_GROUP, prefix);
    c.set(InterestStreamOptions.STARTING_OFFSETS, InterestStreamOptions.StartingOffsets.EARLIEST);
    c.set(InterestStreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    c.set(InterestStreamOptions.TRENDING_WINDOW, Duration.ofMinutes(2));
    c.set(InterestStreamOptions.TRENDING_SLIDE, Duration.ofSeconds(10));
    c.set(InterestStreamOptions.SNAPSHOT_GRACE, Duration.ofSeconds(5));
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    return c;
  }

  /** What the test wrote to the input topic. */
  record Input(List<ClickEvent> valid, List<byte[]> malformed) {}

  private static Input produce(String topic) throws Exception {
    long start = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
    Simulator sim = new Simulator(new World(WorldConfig.defaults().withUsers(300).withConcurrentSessions(40)),
        start, 5);
    PoisonRecords poison = new PoisonRecords(11);
    Random random = new Random(5);
    List<ClickEvent> valid = new ArrayList<>();
    List<byte[]> malformed = new ArrayList<>();
    try (KafkaTestSupport.TestProducer producer = KafkaTestSupport.producer(kafka.bootstrapServers())) {
      int duplicates = 0;
      for (int i = 0; i < EVENTS; i++) {
        SimEvent e = sim.next();
        byte[] bytes = TestEvents.encode(e.event());
        byte[] key = Topics.userKey(e.event().getUserId());
        producer.send(topic, key, bytes);
        valid.add(e.event());
        if (duplicates < DUPLICATES && random.nextInt(EVENTS / DUPLICATES) == 0) {
          producer.send(topic, key, bytes); // a retrying producer's second copy
          duplicates++;
        }
        if (malformed.size() < MALFORMED && random.nextInt(EVENTS / MALFORMED) == 0) {
          byte[] bad = poison.next(bytes, System.currentTimeMillis()).value();
          producer.send(topic, key, bad);
          malformed.add(bad);
        }
      }
    }
    return new Input(valid, malformed);
  }

  @ParameterizedTest
  @EnumSource(InterestStreamOptions.ScorerKind.class)
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void everyStrongActionTriggersExactlyOneUpdateAndEveryMalformedRecordIsDeadLettered(
      InterestStreamOptions.ScorerKind scorer) throws Exception {
    Configuration options = options("it-" + scorer.name().toLowerCase(java.util.Locale.ROOT));
    options.set(InterestStreamOptions.SCORER, scorer);
    String input = Topics.CLICK_EVENTS.name(options);
    String output = Topics.INTEREST_SCORES.name(options);
    String dlq = Topics.DEAD_LETTERS.name(options);
    kafka.createTopics(Map.of(input, 4, output, 2, dlq, 1));
    Input in = produce(input);

    StreamExecutionEnvironment env = JobEnvironment.fromContext(options, 2);
    InterestStreamJob.build(env, options,
        KafkaIo.sourceBuilder(options).setBounded(OffsetsInitializer.latest()).build(),
        KafkaIo.updatesSink(options), KafkaIo.deadLetterSink(options), InterestStreamJob.scorer(options));
    env.execute("it-exactly-one-update-per-trigger");

    // expected: one update per distinct strong-action event id
    Set<String> expectedStrong = new HashSet<>();
    for (ClickEvent e : in.valid()) {
      if (Set.of(Action.CLICK, Action.SHARE, Action.ADD_TO_CART, Action.PURCHASE).contains(e.getAction())) {
        expectedStrong.add(e.getEventId());
      }
    }
    assertThat(expectedStrong).hasSizeGreaterThan(50);

    BinaryMessageDecoder<InterestUpdate> decoder = Topics.INTEREST_SCORES.newDecoder();
    List<InterestUpdate> updates = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommitted(kafka.bootstrapServers(), output,
        Duration.ofSeconds(3), Duration.ofSeconds(60))) {
      InterestUpdate u = decoder.decode(r.value());
      assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(Long.toString(u.getUserId()));
      updates.add(u);
    }
    Map<String, Integer> perTrigger = new HashMap<>();
    updates.forEach(u -> perTrigger.merge(u.getTriggerEventId(), 1, Integer::sum));
    assertThat(perTrigger.values()).as("updates per trigger event").containsOnly(1);
    Set<String> strongTriggers = new HashSet<>();
    updates.stream().filter(u -> u.getTriggerReason() == TriggerReason.STRONG_ACTION)
        .forEach(u -> strongTriggers.add(u.getTriggerEventId()));
    assertThat(strongTriggers).isEqualTo(expectedStrong);
    assertThat(updates).anyMatch(u -> u.getTriggerReason() == TriggerReason.DEBOUNCE_ELAPSED);

    for (InterestUpdate u : updates) {
      List<ScoredItem> items = u.getTopItems();
      for (int i = 0; i < items.size(); i++) {
        assertThat(items.get(i).getScore()).isBetween(0f, 1f);
        if (i > 0) {
          assertThat(items.get(i).getScore()).isLessThanOrEqualTo(items.get(i - 1).getScore());
        }
      }
      float sum = 0;
      for (CategoryInterest c : u.getCategoryInterests()) {
        sum += c.getWeight();
      }
      assertThat(sum).isCloseTo(u.getCategoryInterests().isEmpty() ? 0f : 1f,
          org.assertj.core.api.Assertions.within(1e-4f));
      assertThat(u.getScorer()).isEqualTo(scorer == InterestStreamOptions.ScorerKind.ONNX ? "onnx" : "heuristic");
      assertThat(u.getModelVersion()).isNotBlank();
    }
    assertThat(updates.stream().filter(u -> !u.getTopItems().isEmpty()).count())
        .as("updates with trending candidates").isGreaterThan(updates.size() / 2);

    BinaryMessageDecoder<DeadLetter> dlqDecoder = Topics.DEAD_LETTERS.newDecoder();
    List<ByteBuffer> deadValues = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommitted(kafka.bootstrapServers(), dlq,
        Duration.ofSeconds(2), Duration.ofSeconds(30))) {
      DeadLetter d = dlqDecoder.decode(r.value());
      assertThat(d.getSourceTopic()).isEqualTo(input);
      assertThat(d.getReason()).isNotBlank();
      deadValues.add(d.getOriginalValue());
    }
    List<ByteBuffer> sent = in.malformed().stream().map(b -> b == null ? null : ByteBuffer.wrap(b)).toList();
    assertThat(deadValues).containsExactlyInAnyOrderElementsOf(sent);
  }
}
