package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.intereststream.local.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End to end against an existing broker: 'run' the job, 'simulate' traffic into it, 'tail' the output. */
class RunCliITCase {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("click-events", 2, "interest-scores", 2, "click-events-dlq", 1));
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void runConsumesSimulatedTrafficAndWritesUpdatesAndDeadLetters(@TempDir Path dir) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Path clientProps = dir.resolve("client.properties");
    Files.writeString(clientProps, "client.id=interest-stream-e2e\n");
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", bootstrap, "--client-properties",
        clientProps.toString(), "--parallelism", "2", "-D", "job.checkpoint-interval=1s",
        "-D", "candidates.trending-slide=5s", "-D", "candidates.trending-window=1min",
        "-D", "candidates.snapshot-grace=5s", "-D", "run.state-dir=" + dir.resolve("state"))) {
      job.awaitLine(l -> l.startsWith("interest-stream: reading click-events"), Duration.ofSeconds(60));

      try (CliProcess sim = CliProcess.start("simulate", "--bootstrap-servers", bootstrap, "--topic", "click-events",
          "--rate", "500", "--duration", "8s", "--users", "500", "--malformed-fraction", "0.01")) {
        assertThat(sim.waitFor(Duration.ofSeconds(60))).as(sim.output()).isZero();
        assertThat(sim.output()).contains("simulate:");
      }

      try (CliProcess tail = CliProcess.start("tail", "--bootstrap-servers", bootstrap, "--from-beginning",
          "--max-records", "20", "--timeout", "60s")) {
        assertThat(tail.waitFor(Duration.ofSeconds(90))).as(tail.output() + "\njob:\n" + job.output()).isZero();
        List<String> json = tail.lines().stream().filter(l -> l.startsWith("{")).toList();
        assertThat(json).as(tail.output()).hasSize(20);
      }
      try (CliProcess dead = CliProcess.start("tail", "--bootstrap-servers", bootstrap, "--dead-letters",
          "--from-beginning", "--max-records", "3", "--timeout", "60s")) {
        assertThat(dead.waitFor(Duration.ofSeconds(90))).isZero();
        List<String> json = dead.lines().stream().filter(l -> l.startsWith("{")).toList();
        assertThat(json).as(dead.output()).hasSize(3);
        JsonNode d = new ObjectMapper().readTree(json.get(0));
        assertThat(d.get("error_type").asText()).isNotBlank();
        assertThat(d.get("source_topic").asText()).isEqualTo("click-events");
      }
      assertThat(job.output()).doesNotContain("Exception");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void runFailsFastWithAClearMessageWhenATopicIsMissing() throws Exception {
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--input-topic", "no-such-topic")) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      assertThat(job.output()).contains("has no topic no-such-topic");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void runFailsWithinSecondsNamingTheAddressWhenNothingListensThere() throws Exception {
    long start = System.nanoTime();
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", "127.0.0.1:1")) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      // JVM start included, so the bound is loose: the admin client alone would retry for its 15 s API
      // timeout before a vague message.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(14));
      assertThat(job.output()).contains("error: cannot connect to Kafka at 127.0.0.1:1 (Connection refused)")
          .contains("check --bootstrap-servers");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "5ms", "20min"})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void refusesACheckpointIntervalThatCannotWorkNamingTheOption(String interval) throws Exception {
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "-D", "job.checkpoint-interval=" + interval)) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      assertThat(job.output()).contains("error: job.checkpoint-interval ").doesNotContain("\tat ");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void refusesAMissingModelAtStartUpNamingIt() throws Exception {
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "-D", "scoring.model-path=/nonexistent/model.onnx")) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      assertThat(job.output()).contains("error: model file /nonexistent/model.onnx does not exist");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void refusesAModelOfAnotherFeatureSpecAtStartUpSayingWhatDiffers() throws Exception {
    Path fixture = Path.of("src", "test", "resources", "models", "sequence-length-20.onnx").toAbsolutePath();
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "-D", "scoring.model-path=" + fixture)) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      assertThat(job.output()).contains("does not match the job's feature spec fs-1")
          .contains("sequence_length is '20' in the model, '50' in the job")
          .doesNotContain("	at ");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void refusesAStateSequenceLengthOtherThanTheShippedModelsAtStartUp() throws Exception {
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "-D", "features.sequence-length=20")) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      assertThat(job.output()).contains("does not match the job's feature spec fs-1")
          .contains("sequence_length is '50' in the model, but features.sequence-length keeps 20 engagements")
          .doesNotContain("	at ");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void refusesADeadLetterTopicThatCannotTakeTheLargestDeadLetterNamingTheLimit(@TempDir Path dir) throws Exception {
    kafka.createTopics(Map.of("small-dlq", 1), Map.of("max.message.bytes", "100000"));
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--dead-letter-topic", "small-dlq", "-D", "run.state-dir=" + dir)) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      assertThat(job.output()).contains("topic small-dlq accepts records of at most 100000 bytes (max.message.bytes)")
          .contains("Set -D sink.max-record-bytes=99488").doesNotContain("	at ");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void refusesAnUnknownJobOption() throws Exception {
    try (CliProcess job = CliProcess.start("run", "--bootstrap-servers", kafka.bootstrapServers(),
        "-D", "scoring.top-kk=5")) {
      assertThat(job.waitFor(Duration.ofSeconds(45))).isNotZero();
      assertThat(job.output()).contains("unknown option -D scoring.top-kk");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void simulateWritesAnAvroFileAndItsGroundTruth(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("events.avro");
    Path truth = dir.resolve("truth.csv");
    try (CliProcess sim = CliProcess.start("simulate", "--output", events.toString(), "--truth", truth.toString(),
        "--events", "5000", "--start-time", "2026-01-01T00:00:00Z")) {
      assertThat(sim.waitFor(Duration.ofSeconds(90))).as(sim.output()).isZero();
    }
    assertThat(Files.size(events)).isGreaterThan(10_000);
    List<String> lines = Files.readAllLines(truth);
    assertThat(lines.get(0)).startsWith("event_id,");
    assertThat(lines.size()).isBetween(3_000, 5_001);
  }
}
