package dev.intereststream.job;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.intereststream.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every setting of the interest-stream job, as typed Flink {@link ConfigOption}s. The CLI sets them
 * from its flags and from {@code -D key=value}; a Flink cluster reads them from its configuration.
 */
public final class InterestStreamOptions {

  private InterestStreamOptions() {}

  // ---- Kafka ----

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      key("kafka.bootstrap-servers").stringType().defaultValue("127.0.0.1:9092")
          .withDescription("Kafka bootstrap servers for the input, output and dead-letter topics.");

  public static final ConfigOption<String> CLIENT_PROPERTIES_FILE =
      key("kafka.client-properties-file").stringType().noDefaultValue()
          .withDescription("Path of a Java properties file with extra Kafka client settings (security "
              + "protocol, SASL, TLS), applied to the consumer and the producers. Keeps credentials off the "
              + "command line; its values are never logged.");

  /** The topic options are defined with the topics' contracts, {@link Topics}. */
  public static final ConfigOption<String> INPUT_TOPIC = Topics.CLICK_EVENTS.nameOption();

  public static final ConfigOption<String> OUTPUT_TOPIC = Topics.INTEREST_SCORES.nameOption();

  public static final ConfigOption<String> DEAD_LETTER_TOPIC = Topics.DEAD_LETTERS.nameOption();

  public static final ConfigOption<String> CONSUMER_GROUP =
      key("kafka.group-id").stringType().defaultValue("interest-stream")
          .withDescription("Consumer group id of the job's Kafka source (offsets are committed on checkpoints).");

  public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
      key("kafka.starting-offsets").enumType(StartingOffsets.class).defaultValue(StartingOffsets.COMMITTED_OR_EARLIEST)
          .withDescription("Where to start reading when no checkpoint is restored.");

  public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE =
      key("sink.delivery-guarantee").enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.EXACTLY_ONCE)
          .withDescription("exactly-once writes updates in Kafka transactions committed on checkpoints: "
              + "read_committed consumers see each update once, one checkpoint interval later. "
              + "at-least-once makes updates visible at once but may repeat some after a failure.");

  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      key("sink.transactional-id-prefix").stringType().defaultValue("interest-stream")
          .withDescription("Prefix of the Kafka transactional ids of the exactly-once sinks; must be unique "
              + "per job on a cluster.");

  public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
      key("sink.transaction-timeout").durationType().defaultValue(Duration.ofMinutes(10))
          .withDescription("Producer transaction.timeout.ms. Must not exceed the broker's "
              + "transaction.max.timeout.ms (15 min by default) or every transaction is refused.");

  public static final ConfigOption<Integer> MAX_RECORD_BYTES =
      key("sink.max-record-bytes").intType().defaultValue(1_000_000)
          .withDescription("Largest Kafka record (key plus value, in bytes) the sinks write. A dead letter keeps "
              + "a prefix of the original key (at most 1 KiB) and value, with their sizes and SHA-256 hashes, so "
              + "that it fits; an update over the limit goes to the dead-letter topic as UPDATE_TOO_LARGE. At "
              + "least 4096, and 512 bytes below the producer's max.request.size (1048576 unless the client "
              + "properties set it) and below the max.message.bytes of the updates and dead-letter topics "
              + "('run' checks them at start-up), or the job refuses to start.");

  // ---- Runtime ----

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      key("job.checkpoint-interval").durationType().defaultValue(Duration.ofSeconds(2))
          .withDescription("Checkpoint interval. With exactly-once delivery, updates become visible to "
              + "read_committed consumers at the next completed checkpoint.");

  public static final ConfigOption<Integer> MAX_PARALLELISM =
      key("job.max-parallelism").intType().defaultValue(128)
          .withDescription("Maximum parallelism (number of key groups); fixed for the life of the state.");

  public static final ConfigOption<String> STATE_DIR =
      key("run.state-dir").stringType().defaultValue("interest-stream-state")
          .withDescription("Where 'run' under java -jar (local Flink) keeps its checkpoints: in a "
              + "subdirectory named after kafka.group-id, kept when the process ends, and resumed from on the "
              + "next start (--fresh deletes them). A relative path is resolved against the working directory. "
              + "Not used under flink run, where the cluster's configuration governs.");

  // ---- Event time ----

  public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
      key("events.max-out-of-orderness").durationType().defaultValue(Duration.ofSeconds(5))
          .withDescription("Bound on event-time disorder within a partition, for watermarks.");

  public static final ConfigOption<Duration> SOURCE_IDLENESS =
      key("events.source-idleness").durationType().defaultValue(Duration.ofSeconds(30))
          .withDescription("A partition without records for this long stops holding back the watermark.");

  public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
      key("events.max-future-skew").durationType().defaultValue(Duration.ofMinutes(5))
          .withDescription("Events whose event_time lies further than this ahead of the wall clock are "
              + "dead-lettered; those within it are used, but move the watermark no further than "
              + "events.watermark-max-lead allows.");

  public static final ConfigOption<Duration> WATERMARK_MAX_LEAD =
      key("events.watermark-max-lead").durationType().defaultValue(Duration.ZERO)
          .withDescription("How far ahead of the job's wall clock one event may move the watermark. An event "
              + "stamped later (a device clock running ahead, within events.max-future-skew) is still used "
              + "with its own time, but counts as the wall clock plus this for watermarks, so a few such "
              + "events cannot make everyone's live events late. No effect on replays of past events.");

  public static final ConfigOption<Duration> ALLOWED_LATENESS =
      key("events.allowed-lateness").durationType().defaultValue(Duration.ofMinutes(10))
          .withDescription("An event older than the user's newest event by more than this still updates the "
              + "user's state but triggers no re-scoring (counted in the metric lateEvents).");

  // ---- Per-user features ----

  public static final ConfigOption<Integer> SEQUENCE_LENGTH =
      key("features.sequence-length").intType().defaultValue(50)
          .withDescription("Number of most recent engagements (non-impression actions) kept per user.");

  public static final ConfigOption<Integer> TRACKED_CATEGORIES =
      key("features.tracked-categories").intType().defaultValue(8)
          .withDescription("Number of (scenario, category) engagement counters kept per user; the weakest "
              + "by its 7-day counter is evicted first.");

  public static final ConfigOption<Integer> DEDUP_WINDOW =
      key("features.dedup-window").intType().defaultValue(8)
          .withDescription("Number of the user's most recent event ids remembered to drop re-delivered duplicates.");

  public static final ConfigOption<Duration> SESSION_GAP =
      key("features.session-gap").durationType().defaultValue(Duration.ofMinutes(30))
          .withDescription("Inactivity after which the user's next event starts a new session.");

  public static final ConfigOption<Duration> USER_TTL =
      key("features.user-ttl").durationType().defaultValue(Duration.ofDays(7))
          .withDescription("Event-time inactivity after which a user's state is deleted.");

  // ---- Re-scoring ----

  public static final ConfigOption<Duration> DEBOUNCE_INTERVAL =
      key("rescoring.debounce-interval").durationType().defaultValue(Duration.ofSeconds(30))
          .withDescription("At most one update per user and scenario per interval (event time) for events "
              + "that are not strong actions.");

  public static final ConfigOption<List<String>> STRONG_ACTIONS =
      key("rescoring.strong-actions").stringType().asList().defaultValues("CLICK", "SHARE", "ADD_TO_CART", "PURCHASE")
          .withDescription("Actions that re-score the user at once, regardless of the debounce interval.");

  // ---- Candidates ----

  public static final ConfigOption<Duration> TRENDING_WINDOW =
      key("candidates.trending-window").durationType().defaultValue(Duration.ofMinutes(30))
          .withDescription("Length of the sliding event-time window over which item engagements are counted.");

  public static final ConfigOption<Duration> TRENDING_SLIDE =
      key("candidates.trending-slide").durationType().defaultValue(Duration.ofSeconds(5))
          .withDescription("Slide of the trending window: how often new trending lists are broadcast. The "
              + "shipped model was trained with the default.");

  public static final ConfigOption<Integer> TRENDING_ITEMS =
      key("candidates.trending-items").intType().defaultValue(50)
          .withDescription("Trending items of the scenario offered to every user as candidates.");

  public static final ConfigOption<Integer> ITEMS_PER_CATEGORY =
      key("candidates.items-per-category").intType().defaultValue(20)
          .withDescription("Trending items per category kept for the user's top categories.");

  public static final ConfigOption<Integer> USER_TOP_CATEGORIES =
      key("candidates.user-top-categories").intType().defaultValue(3)
          .withDescription("Number of the user's top categories whose trending items become candidates.");

  public static final ConfigOption<Duration> SNAPSHOT_GRACE =
      key("candidates.snapshot-grace").durationType().defaultValue(Duration.ofSeconds(10))
          .withDescription("A request at event time t uses the newest trending list whose window ended by "
              + "t minus this grace, so replays and recoveries pick the same list. Keep it above "
              + "events.max-out-of-orderness, or requests wait for the watermark.");

  // ---- Scoring ----

  public static final ConfigOption<ScorerKind> SCORER =
      key("scoring.scorer").enumType(ScorerKind.class).defaultValue(ScorerKind.ONNX)
          .withDescription("Scorer: ONNX (the Transformer of scoring.model-path, run by ONNX Runtime) or "
              + "HEURISTIC (decayed category affinity, item popularity as tie-break).");

  public static final ConfigOption<String> MODEL_PATH =
      key("scoring.model-path").stringType().defaultValue("classpath:model/interest-model.onnx")
          .withDescription("ONNX model of the ONNX scorer: a file path, a file:// or http(s):// URL, or "
              + "classpath:... (the default is the model shipped inside the jar). Checked against the job's "
              + "feature spec at start-up.");

  public static final ConfigOption<Integer> TOP_K =
      key("scoring.top-k").intType().defaultValue(10)
          .withDescription("Number of scored items per update.");

  public static final ConfigOption<Integer> TOP_CATEGORIES =
      key("scoring.top-categories").intType().defaultValue(10)
          .withDescription("Number of categories in an update's interest distribution.");

  public static final ConfigOption<Integer> BATCH_SIZE =
      key("scoring.batch-size").intType().defaultValue(32)
          .withDescription("Scoring requests of different users batched into one scorer call.");

  public static final ConfigOption<Duration> BATCH_MAX_DELAY =
      key("scoring.batch-max-delay").durationType().defaultValue(Duration.ofMillis(5))
          .withDescription("Longest a request waits for its batch to fill before it is scored anyway.");

  /** Where the Kafka source starts when there is no checkpoint to restore. */
  public enum StartingOffsets {
    COMMITTED_OR_EARLIEST,
    COMMITTED_OR_LATEST,
    EARLIEST,
    LATEST
  }

  /** Implementations of {@link dev.intereststream.scoring.Scorer} the job can use. */
  public enum ScorerKind {
    ONNX,
    HEURISTIC
  }

  /** All options, for documentation and for validating {@code -D} keys. */
  public static List<ConfigOption<?>> all() {
    List<ConfigOption<?>> options = new ArrayList<>();
    for (java.lang.reflect.Field field : InterestStreamOptions.class.getFields()) {
      if (field.getType() == ConfigOption.class) {
        try {
          options.add((ConfigOption<?>) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return options;
  }
}
