package dev.intereststream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.InterestUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * State compatibility across releases: a savepoint taken by release 0.1 (feature spec fs-1) is
 * committed under {@code src/test/resources/savepoints/release-0.1}, with the 12,000 input events it was
 * taken from ({@code release-0.1-input.avro}: the simulator of that release; pinned because the simulator
 * changes and a different stream would not continue the saved state); this release must restore it and
 * continue exactly as an uninterrupted run of the same input would. The generator below wrote it; run it
 * again only when cutting a release ({@code -Dinterest-stream.write-savepoint=<dir>}), and keep the old
 * ones: each is a promise to users upgrading from that release.
 */
class SavepointCompatibilityITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final Path COMMITTED = Path.of("src", "test", "resources", "savepoints", "release-0.1");
  static final String INPUT = "compat-click-events";

  private EmbeddedKafka kafka;

  @BeforeEach
  void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
  }

  @AfterEach
  void stopKafka() throws Exception {
    kafka.close();
  }

  static final Path INPUT_EVENTS = COMMITTED.resolveSibling("release-0.1-input.avro");

  /** The release's input: the first 6,000 events went into the savepoint, the rest come after it. */
  static List<ClickEvent> events() throws java.io.IOException {
    List<ClickEvent> out = new java.util.ArrayList<>();
    try (var reader = new org.apache.avro.file.DataFileReader<>(INPUT_EVENTS.toFile(),
        new org.apache.avro.specific.SpecificDatumReader<>(ClickEvent.class))) {
      reader.forEach(out::add);
    }
    assertThat(out).as(INPUT_EVENTS.toString()).hasSize(12_000);
    return out;
  }

  /** Savepoint runs use at-least-once sinks: no Kafka transaction ids in state that a new broker lacks. */
  private Configuration options(String input, String run) {
    Configuration options = ReliabilityFixture.options(kafka, input, run);
    options.set(InterestStreamOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.AT_LEAST_ONCE);
    return options;
  }

  @Test
  @EnabledIfSystemProperty(named = "interest-stream.write-savepoint", matches = ".+")
  void writeReleaseSavepoint(@TempDir Path temp) throws Exception {
    Path out = Path.of(System.getProperty("interest-stream.write-savepoint"));
    kafka.createTopics(Map.of(INPUT, ReliabilityFixture.PARTITIONS));
    ReliabilityFixture.produce(kafka, INPUT, events().subList(0, 6_000));
    Configuration options = options(INPUT, "compat");
    ReliabilityFixture.createOutputTopics(kafka, options);
    JobClient job = ReliabilityFixture.environment(options, 2, false, UnaryOperator.identity()).executeAsync("compat");
    ReliabilityFixture.awaitConsumed(kafka, "compat", INPUT, Duration.ofSeconds(120));
    String savepoint = job.stopWithSavepoint(false, temp.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(120, TimeUnit.SECONDS);
    copy(Path.of(java.net.URI.create(savepoint)), out);
    System.out.println("wrote savepoint to " + out.toAbsolutePath());
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void restoresTheCommittedSavepointOfRelease01AndContinuesLikeAnUninterruptedRun(@TempDir Path temp)
      throws Exception {
    assertThat(COMMITTED.resolve("_metadata")).as("committed savepoint").exists();
    List<ClickEvent> all = events();
    kafka.createTopics(Map.of(INPUT, ReliabilityFixture.PARTITIONS, "compat-ref-input", ReliabilityFixture.PARTITIONS));
    ReliabilityFixture.produce(kafka, "compat-ref-input", all);
    Configuration refOptions = options("compat-ref-input", "compat-reference");
    ReliabilityFixture.createOutputTopics(kafka, refOptions);
    // The uninterrupted run goes alongside the restored one (slots for both).
    ReliabilityFixture.Run uninterrupted = ReliabilityFixture.startRun(kafka, refOptions,
        ReliabilityFixture.environment(refOptions, 2, false, UnaryOperator.identity()));

    // The same input at the same offsets as when the savepoint was taken, then what came after it.
    ReliabilityFixture.produce(kafka, INPUT, all);
    Path savepoint = temp.resolve("savepoint");
    copy(COMMITTED, savepoint);
    Configuration options = options(INPUT, "compat");
    ReliabilityFixture.createOutputTopics(kafka, options);
    options.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
    Output restored = ReliabilityFixture.runUntilConsumed(kafka, options,
        ReliabilityFixture.environment(options, 2, false, UnaryOperator.identity()), () -> {});
    Output reference = uninterrupted.finish();

    Set<String> after = new HashSet<>();
    all.subList(6_000, all.size()).forEach(e -> after.add(e.getEventId()));
    Set<String> expected = new HashSet<>();
    reference.updates().keySet().stream().filter(after::contains).forEach(expected::add);
    assertThat(expected).hasSizeGreaterThan(100);
    assertThat(restored.duplicates()).isZero();
    assertThat(restored.updates().keySet()).as("updates after the savepoint").containsAll(expected);
    for (InterestUpdate got : restored.updates().values()) {
      InterestUpdate want = reference.updates().get(got.getTriggerEventId());
      assertThat(want).as("restored run's update for %s exists in the uninterrupted run", got.getTriggerEventId())
          .isNotNull();
      assertThat(got.getTopItems()).hasSameSizeAs(want.getTopItems());
      for (int i = 0; i < want.getTopItems().size(); i++) {
        assertThat(got.getTopItems().get(i).getItemId()).isEqualTo(want.getTopItems().get(i).getItemId());
        assertThat(got.getTopItems().get(i).getScore()).isCloseTo(want.getTopItems().get(i).getScore(), within(1e-5f));
      }
      assertThat(got.getCategoryInterests()).isEqualTo(want.getCategoryInterests());
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
