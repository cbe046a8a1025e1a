package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamJob;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.KafkaIo;
import dev.intereststream.job.TopicCheck;
import dev.intereststream.contracts.Topics;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
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

  @Mixin
  KafkaConnection kafka;

  @Mixin
  JobSettings settings;

  @Option(names = "--input-topic", description = "Click events topic (default: ${DEFAULT-VALUE}).",
      defaultValue = "click-events")
  String inputTopic;

  @Option(names = "--output-topic", description = "Interest scores topic (default: ${DEFAULT-VALUE}).",
      defaultValue = "interest-scores")
  String outputTopic;

  @Option(names = "--dead-letter-topic", description = "Dead-letter topic (default: ${DEFAULT-VALUE}).",
      defaultValue = "click-events-dlq")
  String deadLetterTopic;

  @Option(names = "--parallelism", description = "Job parallelism (default: the Flink cluster's).")
  Integer parallelism;

  @Option(names = "--fresh", description = "java -jar only: delete the checkpoints in run.state-dir and start "
      + "with empty state from the committed offsets (see kafka.starting-offsets) instead of resuming.")
  boolean fresh;

  @Override
  public Integer call() throws Exception {
    Configuration config = settings.toConfiguration();
    kafka.applyTo(config);
    config.set(InterestStreamOptions.INPUT_TOPIC, inputTopic);
    config.set(InterestStreamOptions.OUTPUT_TOPIC, outputTopic);
    config.set(InterestStreamOptions.DEAD_LETTER_TOPIC, deadLetterTopic);
    Configuration envConfig = InterestStreamJob.environmentConfig(config);

    TopicCheck.requireTopics(kafka.clientProperties(), List.of(inputTopic, outputTopic, deadLetterTopic),
        List.of(outputTopic, deadLetterTopic), KafkaIo.maxRecordBytes(config));

    // Flink's client (flink run) installs a context environment; without one this is java -jar.
    if (StreamExecutionEnvironment.areExplicitEnvironmentsAllowed()) {
      envConfig.addAll(LocalState.configure(config, fresh, System.out));
    } else if (fresh || config.getOptional(InterestStreamOptions.STATE_DIR).isPresent()) {
      System.out.println("interest-stream: --fresh and " + InterestStreamOptions.STATE_DIR.key() + " apply to "
          + "java -jar only; on a Flink cluster its configuration governs checkpoints (flink run -s to resume)");
    }
    envConfig.addAll(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConfig);
    if (parallelism != null) {
      env.setParallelism(parallelism);
    }
    InterestStreamJob.build(env, config, KafkaIo.sourceBuilder(config).build(), KafkaIo.updatesSink(config),
        KafkaIo.deadLetterSink(config), InterestStreamJob.scorer(config));
    System.out.printf("interest-stream: reading %s, writing %s (dead letters: %s) on %s%n",
        Topics.CLICK_EVENTS.name(config), Topics.INTEREST_SCORES.name(config), Topics.DEAD_LETTERS.name(config),
        config.get(InterestStreamOptions.BOOTSTRAP_SERVERS));
    env.execute(InterestStreamJob.NAME);
    return 0;
  }
}
