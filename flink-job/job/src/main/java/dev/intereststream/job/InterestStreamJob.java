package dev.intereststream.job;

import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.candidates.EngagementFilter;
import dev.intereststream.candidates.ItemEngagementCounter;
import dev.intereststream.candidates.ItemKey;
import dev.intereststream.candidates.ScenarioKey;
import dev.intereststream.candidates.TrendingItemsFunction;
import dev.intereststream.candidates.TrendingSnapshot;
import dev.intereststream.contracts.Topics;
import dev.intereststream.events.Click;
import dev.intereststream.events.DeadLetterRouter;
import dev.intereststream.events.DecodedRecord;
import dev.intereststream.events.EventIdConflictDeadLetter;
import dev.intereststream.events.EventTimeAssigner;
import dev.intereststream.events.WallClockCappedWatermarks;
import dev.intereststream.features.FeatureConfig;
import dev.intereststream.features.UserFeatureFunction;
import dev.intereststream.features.UserKey;
import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.scoring.BatchingScorer;
import dev.intereststream.scoring.HeuristicScorer;
import dev.intereststream.scoring.OnnxScorer;
import dev.intereststream.scoring.ScorerFactory;
import dev.intereststream.scoring.ScoringRequest;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.TimeUtils;

/**
 * Wires the interest-stream graph. Sources and sinks are passed in, so tests can bound the source or
 * collect the output; {@link KafkaIo} builds the production ones.
 *
 * <pre>
 * click-events -> decode --bad--> dead letters
 *   -> engagements -> per-item bucket counts -> trending per scenario --broadcast--+
 *   -> keyBy(user) -> UserFeatureFunction <---------------------------------------+
 *   -> BatchingScorer -> interest-scores
 * </pre>
 */
public final class InterestStreamJob {

  public static final String NAME = "interest-stream";

  private InterestStreamJob() {}

  /**
   * Entry point of the job jar on a Flink cluster: {@code flink run interest-stream-job.jar -D key=value
   * ...} with the keys of {@link InterestStreamOptions} (and any Flink option). Checks the topics before
   * submitting, so a wrong address or a missing topic is one message at the client, not a restarting job.
   * The cluster's configuration governs checkpoint storage and recovery ({@code flink run -s} resumes).
   */
  public static void main(String[] args) throws Exception {
    Configuration options = JobArguments.parse(args);
    JobEnvironment.check(options);
    if (options.getOptional(InterestStreamOptions.STATE_DIR).isPresent()) {
      throw new IllegalArgumentException(InterestStreamOptions.STATE_DIR.key() + " applies to the tool jar's 'run' "
          + "only; on a Flink cluster its configuration governs checkpoints (flink run -s to resume)");
    }
    TopicCheck.requireJobTopics(options);

    StreamExecutionEnvironment env = JobEnvironment.fromContext(options, new Configuration());
    build(env, options, KafkaIo.sourceBuilder(options).build(), KafkaIo.updatesSink(options),
        KafkaIo.deadLetterSink(options), scorer(options));
    env.execute(NAME);
  }

  /**
   * Environment settings every run of the job needs: checkpointing (exactly-once barriers), explicit
   * uids only, no Kryo fallback, pinned max parallelism, and a restart strategy unless one is set.
   * Only {@link JobEnvironment} builds environments from it.
   *
   * @throws IllegalArgumentException if {@code job.checkpoint-interval} cannot work
   */
  static Configuration environmentConfig(ReadableConfig options) {
    // The options are layered over these settings, so a -D of one of them would replace it unchecked.
    requireUnchanged(options, CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE,
        "the exactly-once sinks commit their transactions on checkpoint barriers");
    requireUnchanged(options, PipelineOptions.AUTO_GENERATE_UIDS, false,
        "every operator has an explicit uid, so savepoints restore after code changes");
    requireUnchanged(options, PipelineOptions.GENERIC_TYPES, false,
        "every state type has a declared serializer, never a Kryo fallback");
    requireUnchanged(options, PipelineOptions.MAX_PARALLELISM, options.get(InterestStreamOptions.MAX_PARALLELISM),
        "set " + InterestStreamOptions.MAX_PARALLELISM.key() + " instead (it fixes the key groups savepoints hold)");
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval(options));
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    conf.set(PipelineOptions.MAX_PARALLELISM, options.get(InterestStreamOptions.MAX_PARALLELISM));
    conf.set(PipelineOptions.NAME, NAME);
    // Flink's 100 ms default lets a lone record wait up to 100 ms per network exchange; at 5 ms the
    // event-to-score latency drops from ~60 to ~12 ms (p50, demo load) for a few more, smaller buffers.
    conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(5));
    // Records are not mutated after they are emitted (every operator creates its output), so chained
    // operators may pass them on without a defensive copy (a deep Avro copy per update otherwise).
    conf.set(PipelineOptions.OBJECT_REUSE, true);
    if (options.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(30));
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, options.get(RestartStrategyOptions.RESTART_STRATEGY));
    }
    return conf;
  }

  private static <T> void requireUnchanged(ReadableConfig options, ConfigOption<T> option, T required, String why) {
    options.getOptional(option).filter(v -> !v.equals(required)).ifPresent(v -> {
      throw new IllegalArgumentException(option.key() + " must stay " + required + " (given: " + v + "): " + why);
    });
  }

  /**
   * The checkpoint interval, refused here with the option's name rather than by Flink deep inside
   * the environment: below Flink's minimum of 10 ms (0 would not disable checkpoints, which the job
   * needs), or so long that exactly-once transactions, open for an interval, time out first.
   */
  static Duration checkpointInterval(ReadableConfig options) {
    Duration interval = options.get(InterestStreamOptions.CHECKPOINT_INTERVAL);
    String key = InterestStreamOptions.CHECKPOINT_INTERVAL.key();
    if (options.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isPresent()) {
      // Callers add the options after these settings, so Flink's key would replace the checked value.
      throw new IllegalArgumentException("set " + key + ", not " + CheckpointingOptions.CHECKPOINTING_INTERVAL.key()
          + ": the job sets Flink's interval from its own option, after checking it");
    }
    if (interval.compareTo(Duration.ofMillis(10)) < 0) {
      throw new IllegalArgumentException(key + " must be at least 10 ms (Flink's minimum; the job needs "
          + "checkpoints, so they cannot be turned off), not " + TimeUtils.formatWithHighestUnit(interval));
    }
    Duration timeout = options.get(InterestStreamOptions.TRANSACTION_TIMEOUT);
    if (options.get(InterestStreamOptions.DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE
        && interval.compareTo(timeout) >= 0) {
      throw new IllegalArgumentException(key + " (" + TimeUtils.formatWithHighestUnit(interval) + ") must be "
          + "shorter than " + InterestStreamOptions.TRANSACTION_TIMEOUT.key() + " ("
          + TimeUtils.formatWithHighestUnit(timeout) + "): each exactly-once transaction stays open for one "
          + "interval and would be aborted by Kafka before its checkpoint commits it");
    }
    return interval;
  }

  /** The scorer the options select; an ONNX model is loaded and checked here, before the job starts. */
  public static ScorerFactory scorer(ReadableConfig options) {
    return switch (options.get(InterestStreamOptions.SCORER)) {
      case ONNX -> new OnnxScorer.Factory(options.get(InterestStreamOptions.MODEL_PATH),
          options.get(InterestStreamOptions.BATCH_SIZE), JobConfigs.candidates(options).maxCandidates(),
          JobConfigs.features(options).sequenceLength());
      case HEURISTIC -> new HeuristicScorer.Factory();
    };
  }

  /**
   * Watermarks of the click-events source: bounded out-of-orderness per partition, with no event
   * counted later than the wall clock plus {@link InterestStreamOptions#WATERMARK_MAX_LEAD}, and idle
   * partitions released.
   */
  public static WatermarkStrategy<DecodedRecord> watermarks(ReadableConfig options) {
    return WatermarkStrategy
        .forGenerator(new WallClockCappedWatermarks.Supplier(options.get(InterestStreamOptions.MAX_OUT_OF_ORDERNESS),
            options.get(InterestStreamOptions.WATERMARK_MAX_LEAD)))
        .withTimestampAssigner(new EventTimeAssigner())
        .withIdleness(options.get(InterestStreamOptions.SOURCE_IDLENESS));
  }

  /** Adds the job's operators to {@code env}. */
  public static void build(StreamExecutionEnvironment env, ReadableConfig options,
      Source<DecodedRecord, ?, ?> source, Sink<InterestUpdate> updatesSink, Sink<DeadLetter> deadLetterSink,
      ScorerFactory scorer) {
    updates(env, options, source, deadLetterSink, scorer)
        .sinkTo(updatesSink)
        .uid("interest-scores-sink")
        .name("interest-scores");
  }

  /**
   * Adds every operator but the updates sink and returns the stream of updates, so that tests can put
   * something (a failure injector, a throttle) between scoring and the sink.
   */
  public static DataStream<InterestUpdate> updates(StreamExecutionEnvironment env, ReadableConfig options,
      Source<DecodedRecord, ?, ?> source, Sink<DeadLetter> deadLetterSink, ScorerFactory scorer) {
    FeatureConfig features = JobConfigs.features(options);
    CandidateConfig candidates = JobConfigs.candidates(options);

    WatermarkStrategy<DecodedRecord> watermarks = watermarks(options);

    SingleOutputStreamOperator<Click> clicks = env
        .fromSource(source, watermarks, "click-events")
        .uid("click-events-source")
        .process(new DeadLetterRouter())
        .uid("route-dead-letters")
        .name("route dead letters");

    DataStream<TrendingSnapshot> trending = clicks
        .filter(new EngagementFilter())
        .uid("engagements")
        .name("engagements")
        .keyBy(new ItemKey())
        .window(TumblingEventTimeWindows.of(Duration.ofMillis(candidates.slideMs())))
        .aggregate(new ItemEngagementCounter(), new ItemEngagementCounter.StampBucketEnd())
        .uid("item-engagement-buckets")
        .name("item engagements per bucket")
        .keyBy(new ScenarioKey())
        .process(new TrendingItemsFunction(candidates))
        .uid("trending-items")
        .name("trending items per scenario");
    BroadcastStream<TrendingSnapshot> trendingBroadcast = trending.broadcast(UserFeatureFunction.TRENDING);

    SingleOutputStreamOperator<ScoringRequest> requests = clicks
        .keyBy(new UserKey())
        .connect(trendingBroadcast)
        .process(new UserFeatureFunction(features, candidates, options.get(InterestStreamOptions.TOP_CATEGORIES),
            scorer.needsModelInputs()))
        .uid("user-features")
        .name("user features and re-scoring");

    DataStream<DeadLetter> conflicts = requests.getSideOutput(UserFeatureFunction.EVENT_ID_CONFLICTS)
        .map(new EventIdConflictDeadLetter(Topics.CLICK_EVENTS.name(options)))
        .uid("event-id-conflicts")
        .name("event id conflicts");
    clicks.getSideOutput(DeadLetterRouter.DEAD_LETTERS)
        .union(conflicts)
        .sinkTo(deadLetterSink)
        .uid("dead-letter-sink")
        .name("click-events-dlq");

    return requests
        .transform("batching scorer", TypeInformation.of(InterestUpdate.class),
            new BatchingScorer.Factory(scorer, options.get(InterestStreamOptions.BATCH_SIZE),
                options.get(InterestStreamOptions.BATCH_MAX_DELAY).toMillis(),
                options.get(InterestStreamOptions.TOP_K)))
        .uid("batching-scorer");
  }
}
