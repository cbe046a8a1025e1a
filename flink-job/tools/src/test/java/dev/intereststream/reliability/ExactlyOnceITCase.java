package dev.intereststream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.job.InterestStreamJob;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.schemas.ClickEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once under failure: the same input as a failure-free run, with failures injected before the
 * first checkpoint, between checkpoints, in a checkpoint's asynchronous phase and inside the scorer,
 * one after another; a read_committed consumer must see one update per trigger, none missing, each
 * equal to the failure-free run's. The same failures with an at-least-once sink show duplicates, which
 * proves the comparison notices a broken guarantee.
 */
class ExactlyOnceITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final String INPUT = "eo-click-events";
  private static EmbeddedKafka kafka;
  private static List<ClickEvent> events;
  private static Output reference;

  @BeforeAll
  static void setUp() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of(INPUT, ReliabilityFixture.PARTITIONS));
    events = ReliabilityFixture.events(16_000, 61);
    ReliabilityFixture.produce(kafka, INPUT, events);
    ChaosMapper.reset();
    reference = ReliabilityFixture.reference(kafka, INPUT, "eo-reference");
  }

  @AfterAll
  static void tearDown() throws Exception {
    kafka.close();
  }

  @BeforeEach
  void resetChaos() {
    ChaosMapper.reset();
  }

  /** The same events, written live into a topic of their own while the job runs and fails. */
  private Output runWithFailures(String run, DeliveryGuarantee delivery) throws Exception {
    String input = run + "-click-events";
    kafka.createTopics(Map.of(input, ReliabilityFixture.PARTITIONS));
    Configuration options = ReliabilityFixture.options(kafka, input, run);
    options.set(InterestStreamOptions.DELIVERY_GUARANTEE, delivery);
    options.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    options.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
    options.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    options.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 0);
    ReliabilityFixture.createOutputTopics(kafka, options);

    ChaosMapper.PLAN.put(0, new ChaosMapper.Fault(0, ChaosMapper.Kind.UPDATE));         // before the first checkpoint
    ChaosMapper.PLAN.put(1, new ChaosMapper.Fault(1, ChaosMapper.Kind.UPDATE));         // between checkpoints
    ChaosMapper.PLAN.put(2, new ChaosMapper.Fault(1, ChaosMapper.Kind.ASYNC_SNAPSHOT)); // asynchronous phase
    ChaosMapper.PLAN.put(3, new ChaosMapper.Fault(1, ChaosMapper.Kind.SCORER));         // inside the scorer
    ChaosMapper.PLAN.put(4, new ChaosMapper.Fault(2, ChaosMapper.Kind.UPDATE));         // again, later
    Output out = ReliabilityFixture.runUntilConsumed(kafka, options,
        ReliabilityFixture.environment(options, 2, false,
            updates -> updates.map(new ChaosMapper()).uid("chaos").name("chaos"),
            new FlakyScorer.Factory(InterestStreamJob.scorer(options))),
        () -> ReliabilityFixture.produceLive(kafka, input, events, 15));
    System.out.println(run + " injected: " + ChaosMapper.INJECTED);
    assertThat(ChaosMapper.INJECTED).as("injected failures").hasSize(5);
    return out;
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void readCommittedOutputHoldsEveryUpdateOnceAfterFailuresAtSeveralPoints() throws Exception {
    Output chaos = runWithFailures("eo-chaos", DeliveryGuarantee.EXACTLY_ONCE);
    ReliabilityFixture.assertSameUpdatesOnce(reference, chaos);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void anAtLeastOnceSinkRepeatsUpdatesUnderTheSameFailures() throws Exception {
    Output chaos = runWithFailures("eo-alo", DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(chaos.updates().keySet()).containsAll(reference.updates().keySet());
    assertThat(chaos.duplicates()).as("updates repeated after recovery").isPositive();
  }
}
