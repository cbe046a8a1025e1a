package dev.intereststream.reliability;

import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.schemas.ClickEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop with a savepoint and restart at another parallelism, twice (2 -> 4 -> 1, max parallelism
 * pinned): users' rolling state, trending candidates and waiting requests survive, and the output
 * continues without gap or duplicate, update for update equal to one uninterrupted run.
 */
class RescaleITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(6).build());

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  private static String runUntilConsumedThenSavepoint(Configuration options, int parallelism, Path savepoints)
      throws Exception {
    JobClient job = ReliabilityFixture.environment(options, parallelism, false, UnaryOperator.identity())
        .executeAsync("rescale-p" + parallelism);
    ReliabilityFixture.awaitConsumed(kafka, options.get(dev.intereststream.job.InterestStreamOptions.CONSUMER_GROUP),
        options.get(dev.intereststream.job.InterestStreamOptions.INPUT_TOPIC), Duration.ofSeconds(120));
    // no drain: a drained job would push the watermark to the end of time and expire every user
    return job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(120, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void stateSurvivesRestartsFromSavepointsAtParallelism2Then4Then1(@TempDir Path savepoints) throws Exception {
    List<ClickEvent> events = ReliabilityFixture.events(12_000, 71);
    List<ClickEvent> a = events.subList(0, 4_000);
    List<ClickEvent> b = events.subList(4_000, 8_000);
    List<ClickEvent> c = events.subList(8_000, 12_000);

    kafka.createTopics(Map.of("rs-ref-input", ReliabilityFixture.PARTITIONS, "rs-input", ReliabilityFixture.PARTITIONS));
    ReliabilityFixture.produce(kafka, "rs-ref-input", events);
    // The uninterrupted reference runs alongside the rescaled runs (slots for both).
    ReliabilityFixture.Run reference = ReliabilityFixture.startReference(kafka, "rs-ref-input", "rs-reference");

    Configuration options = ReliabilityFixture.options(kafka, "rs-input", "rs-rescaled");
    ReliabilityFixture.createOutputTopics(kafka, options);
    ReliabilityFixture.produce(kafka, "rs-input", a);
    String first = runUntilConsumedThenSavepoint(options, 2, savepoints);

    ReliabilityFixture.produce(kafka, "rs-input", b);
    Configuration second = new Configuration(options);
    second.set(StateRecoveryOptions.SAVEPOINT_PATH, first);
    String secondSavepoint = runUntilConsumedThenSavepoint(second, 4, savepoints);

    ReliabilityFixture.produce(kafka, "rs-input", c);
    Configuration third = new Configuration(options);
    third.set(StateRecoveryOptions.SAVEPOINT_PATH, secondSavepoint);
    Output rescaled = ReliabilityFixture.runUntilConsumed(kafka, third,
        ReliabilityFixture.environment(third, 1, false, UnaryOperator.identity()), () -> {});

    ReliabilityFixture.assertSameUpdatesOnce(reference.finish(), rescaled);
  }
}
