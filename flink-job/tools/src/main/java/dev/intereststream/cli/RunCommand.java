package dev.intereststream.cli;

import dev.intereststream.contracts.Topics;
import dev.intereststream.job.InterestStreamJob;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.JobEnvironment;
import dev.intereststream.job.KafkaIo;
import dev.intereststream.job.TopicCheck;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the job against an external Kafka cluster. Under {@code flink run} the job is submitted to
 * that Flink cluster, whose configuration governs checkpoints and recovery; under {@code java -jar} it
 * runs on a local mini cluster in this process and keeps its checkpoints in {@code run.state-dir}, so a
 * restart resumes where the last one stopped ({@link LocalState}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the job against an existing Kafka cluster (java -jar: local Flink; flink run: that cluster).")
final class RunCommand implements Callable<Integer> {

  static final OptionFlag<String> INPUT_TOPIC = new OptionFlag<>("--input-topic", InterestStreamOptions.INPUT_TOPIC);
  static final OptionFlag<String> OUTPUT_TOPIC =
      new OptionFlag<>("--output-topic", InterestStreamOptions.OUTPUT_TOPIC);
  static final OptionFlag<String> DEAD_LETTER_TOPIC =
      new OptionFlag<>("--dead-letter-topic", InterestStreamOptions.DEAD_LETTER_TOPIC);
  static final OptionFlag<Integer> PARALLELISM = new OptionFlag<>("--parallelism", CoreOptions.DEFAULT_PARALLELISM);

  @Mixin
  KafkaConnection kafka;

  @Mixin
  JobSettings settings;

  // No picocli defaults on flags that set an option (see OptionFlag): the help states the option's.
  @Option(names = "--input-topic", description = "Click events topic (sets topics.click-events; default: click-events).")
  String inputTopic;

  @Option(names = "--output-topic",
      description = "Interest scores topic (sets topics.interest-scores; default: interest-scores).")
  String outputTopic;

  @Option(names = "--dead-letter-topic",
      description = "Dead-letter topic (sets topics.dead-letters; default: click-events-dlq).")
  String deadLetterTopic;

  @Option(names = "--parallelism",
      description = "Job parallelism (sets parallelism.default; default: the Flink cluster's).")
  Integer parallelism;

  @Option(names = "--fresh", description = "java -jar only: delete the checkpoints in run.state-dir and start "
      + "with empty state from the committed offsets (see kafka.starting-offsets) instead of resuming.")
  boolean fresh;

  /** The options the job runs with: the {@code -D} settings and the flags given, by the rule of {@link OptionFlag}. */
  Configuration options() {
    Configuration config = settings.toConfiguration();
    kafka.applyTo(config);
    INPUT_TOPIC.applyTo(config, inputTopic);
    OUTPUT_TOPIC.applyTo(config, outputTopic);
    DEAD_LETTER_TOPIC.applyTo(config, deadLetterTopic);
    PARALLELISM.applyTo(config, parallelism);
    return config;
  }

  @Override
  public Integer call() throws Exception {
    Configuration config = options();
    JobEnvironment.check(config);
    String input = Topics.CLICK_EVENTS.name(config);
    String output = Topics.INTEREST_SCORES.name(config);
    String deadLetters = Topics.DEAD_LETTERS.name(config);
    TopicCheck.requireJobTopics(config);

    Configuration runDefaults = new Configuration();
    // Flink's client (flink run) installs a context environment; without one this is java -jar.
    if (StreamExecutionEnvironment.areExplicitEnvironmentsAllowed()) {
      runDefaults = LocalState.configure(config, fresh, System.out);
    } else if (fresh || config.getOptional(InterestStreamOptions.STATE_DIR).isPresent()) {
      System.out.println("interest-stream: --fresh and " + InterestStreamOptions.STATE_DIR.key() + " apply to "
          + "java -jar only; on a Flink cluster its configuration governs checkpoints (flink run -s to resume)");
    }
    StreamExecutionEnvironment env = JobEnvironment.fromContext(config, runDefaults);
    InterestStreamJob.build(env, config, KafkaIo.sourceBuilder(config).build(), KafkaIo.updatesSink(config),
        KafkaIo.deadLetterSink(config), InterestStreamJob.scorer(config));
    System.out.printf("interest-stream: reading %s, writing %s (dead letters: %s) on %s%n", input, output,
        deadLetters, config.get(InterestStreamOptions.BOOTSTRAP_SERVERS));
    env.execute(InterestStreamJob.NAME);
    return 0;
  }
}
