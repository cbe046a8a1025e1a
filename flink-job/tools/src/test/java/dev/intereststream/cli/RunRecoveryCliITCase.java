package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.reliability.ReliabilityFixture;
import dev.intereststream.schemas.ClickEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 'run' under java -jar killed with SIGKILL mid-run and started again with the same command: its
 * read_committed output must equal an uninterrupted run's over the same input, update by update
 * (items, scores, category interests), so the restart kept the per-user state.
 */
class RunRecoveryCliITCase {

  private static final String INPUT = "recovery-click-events";
  private static final Duration INTERVAL = Duration.ofMillis(500);
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of(INPUT, ReliabilityFixture.PARTITIONS, "killed-scores", 2, "killed-dlq", 1,
        "uninterrupted-scores", 2, "uninterrupted-dlq", 1));
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  private static String[] run(String name, Path stateDir) {
    return new String[] {"run", "--bootstrap-servers", kafka.bootstrapServers(), "--input-topic", INPUT,
        "--output-topic", name + "-scores", "--dead-letter-topic", name + "-dlq", "--parallelism", "2",
        "-D", "kafka.group-id=" + name, "-D", "sink.transactional-id-prefix=" + name,
        "-D", "job.checkpoint-interval=" + INTERVAL.toMillis() + "ms", "-D", "run.state-dir=" + stateDir};
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aRunKilledMidRunResumesFromItsLastCheckpointAndWritesWhatAnUninterruptedRunWrites(@TempDir Path dir)
      throws Exception {
    List<ClickEvent> events = ReliabilityFixture.events(8_000, 71);
    ReliabilityFixture.produce(kafka, INPUT, events.subList(0, 5_000));
    Path stateDir = dir.resolve("state");

    // The uninterrupted run reads the same input alongside, in a process and consumer group of its own:
    // each run waits for its offsets to be committed, which the other's waiting overlaps.
    try (CliProcess uninterrupted = CliProcess.start(run("uninterrupted", dir.resolve("other-state")))) {
      try (CliProcess first = CliProcess.start(run("killed", stateDir))) {
        first.awaitLine(l -> l.startsWith("interest-stream: no checkpoint in " + stateDir.resolve("killed")),
            Duration.ofSeconds(60));
        // Consumed offsets are committed when a checkpoint completes: the state dir now holds one.
        ReliabilityFixture.awaitConsumed(kafka, "killed", INPUT, Duration.ofSeconds(90));
        CompletableFuture<Void> rest = CompletableFuture.runAsync(
            () -> ReliabilityFixture.produceLive(kafka, INPUT, events.subList(5_000, events.size()), 4));
        Thread.sleep(2_000);
        first.kill();
        assertThat(completedCheckpoints(stateDir.resolve("killed"))).as(first.output()).isNotEmpty();

        try (CliProcess second = CliProcess.start(run("killed", stateDir))) {
          second.awaitLine(l -> l.startsWith("interest-stream: resuming from checkpoint "), Duration.ofSeconds(60));
          rest.get(60, TimeUnit.SECONDS);
          ReliabilityFixture.awaitConsumed(kafka, "killed", INPUT, Duration.ofSeconds(90));
          Thread.sleep(3 * INTERVAL.toMillis() + 500);
        }
      }
      ReliabilityFixture.awaitConsumed(kafka, "uninterrupted", INPUT, Duration.ofSeconds(90));
      Thread.sleep(3 * INTERVAL.toMillis() + 500);
    }
    ReliabilityFixture.assertSameUpdatesOnce(read("uninterrupted"), read("killed"));
  }

  private static Output read(String name) {
    Configuration options = new Configuration();
    options.set(InterestStreamOptions.OUTPUT_TOPIC, name + "-scores");
    return ReliabilityFixture.read(kafka, options);
  }

  private static List<Path> completedCheckpoints(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().equals("_metadata")).toList();
    }
  }
}
