package dev.intereststream.bench;

import dev.intereststream.contracts.Topics;
import dev.intereststream.job.InterestStreamJob;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.JobEnvironment;
import dev.intereststream.job.KafkaIo;
import dev.intereststream.local.ConsumerLag;
import dev.intereststream.local.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole product in this JVM for measurements: an embedded broker, and the job on a local mini
 * cluster started and stopped per measurement with its own topics, so runs do not see each other's data.
 */
final class BenchStack implements AutoCloseable {

  static final int PARTITIONS = 4;

  final EmbeddedKafka kafka;
  private final Path checkpoints;
  /**
   * One admin client for every progress poll of the stack's life: a client per poll (10 a second in a
   * catch-up) costs a thread, a connection and its handshake each time, CPU taken from the measured job.
   */
  private final Admin admin;
  /** Per (group, topic), so that a poll does not look the topic's partitions up again. */
  private final Map<List<String>, ConsumerLag> lags = new HashMap<>();
  private int runs;

  BenchStack() throws Exception {
    kafka = EmbeddedKafka.start();
    checkpoints = Files.createTempDirectory("interest-stream-bench-checkpoints-");
    admin = Admin.create(kafka.clientProperties());
  }

  /** The stack's admin client (owned by the stack: do not close). */
  Admin admin() {
    return admin;
  }

  /** Topics and options of one measured run. */
  Configuration newRun(String name, Configuration overrides) throws Exception {
    String prefix = "bench-" + (++runs) + "-" + name;
    Configuration c = new Configuration();
    c.set(InterestStreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    c.set(InterestStreamOptions.INPUT_TOPIC, prefix + "-in");
    c.set(InterestStreamOptions.OUTPUT_TOPIC, prefix + "-out");
    c.set(InterestStreamOptions.DEAD_LETTER_TOPIC, prefix + "-dlq");
    c.set(InterestStreamOptions.CONSUMER_GROUP, prefix);
    c.set(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX, prefix);
    c.set(InterestStreamOptions.STARTING_OFFSETS, InterestStreamOptions.StartingOffsets.EARLIEST);
    c.set(InterestStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    c.set(InterestStreamOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
    c.addAll(overrides);
    kafka.createTopics(Map.of(Topics.CLICK_EVENTS.name(c), PARTITIONS, Topics.INTEREST_SCORES.name(c), PARTITIONS,
        Topics.DEAD_LETTERS.name(c), 1));
    return c;
  }

  /** Starts the job of a run at parallelism 2 (one task slot per core). */
  JobClient startJob(Configuration options) throws Exception {
    StreamExecutionEnvironment e = JobEnvironment.local(options, 2, checkpoints);
    InterestStreamJob.build(e, options, KafkaIo.sourceBuilder(options).build(), KafkaIo.updatesSink(options),
        KafkaIo.deadLetterSink(options), InterestStreamJob.scorer(options));
    return e.executeAsync(InterestStreamJob.NAME);
  }

  static void stop(JobClient job) throws Exception {
    org.apache.logging.log4j.core.config.Configurator.setLevel(
        "org.apache.flink.runtime.checkpoint.CheckpointFailureManager", org.apache.logging.log4j.Level.ERROR);
    job.cancel().get(60, TimeUnit.SECONDS);
  }

  /** Records of the input topic the job's consumer group has not committed yet. */
  long lag(Configuration options) throws Exception {
    List<String> key = List.of(options.get(InterestStreamOptions.CONSUMER_GROUP), Topics.CLICK_EVENTS.name(options));
    ConsumerLag lag = lags.get(key);
    if (lag == null) {
      lag = new ConsumerLag(admin, key.get(0), key.get(1));
      lags.put(key, lag);
    }
    return lag.records();
  }

  /** End offset of each partition of a topic of this stack. */
  Map<TopicPartition, Long> latestOffsets(String topic) throws Exception {
    return ConsumerLag.endOffsets(admin, topic);
  }

  Path checkpoints() {
    return checkpoints;
  }

  Properties client() {
    return kafka.clientProperties();
  }

  @Override
  public void close() throws Exception {
    admin.close(Duration.ofSeconds(5));
    kafka.close();
    org.apache.flink.util.FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
  }
}
