package dev.intereststream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.schemas.ClickEvent;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job against a broker that goes away and against a sink that slows to a trickle: it recovers or
 * slows down by itself, and a read_committed consumer still sees every update once, equal to a
 * failure-free run's.
 */
class FaultsITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static EmbeddedKafka kafka;
  private static List<ClickEvent> events;
  private static Output reference;

  @BeforeAll
  static void setUp() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of("faults-ref-input", ReliabilityFixture.PARTITIONS));
    events = ReliabilityFixture.events(12_000, 91);
    ReliabilityFixture.produce(kafka, "faults-ref-input", events);
    reference = ReliabilityFixture.reference(kafka, "faults-ref-input", "faults-reference");
  }

  @AfterAll
  static void tearDown() throws Exception {
    ChaosMapper.reset();
    kafka.close();
  }

  private Configuration options(String run) throws Exception {
    kafka.createTopics(Map.of(run + "-input", ReliabilityFixture.PARTITIONS));
    Configuration options = ReliabilityFixture.options(kafka, run + "-input", run);
    options.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    options.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 100);
    options.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    ReliabilityFixture.createOutputTopics(kafka, options);
    return options;
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void recoversByItselfWhenTheBrokerStopsAndStartsAgainMidRun() throws Exception {
    Configuration options = options("outage");
    List<ClickEvent> before = events.subList(0, 6_000);
    List<ClickEvent> after = events.subList(6_000, events.size());
    Output out = ReliabilityFixture.runUntilConsumed(kafka, options,
        ReliabilityFixture.environment(options, 2, false, UnaryOperator.identity()), () -> {
          ReliabilityFixture.produceLive(kafka, "outage-input", before, 4);
          Thread.sleep(1_000);
          kafka.stop();
          Thread.sleep(8_000); // the job's consumer, producers and checkpoints all fail meanwhile
          kafka.restart();
          // Not idempotent: the restarted single-node broker can hand out the producer id of the writer
          // above again (seen under load: "Out of order sequence number for producer 1000 ... 0 (incoming
          // seq. number), 1960"), and an idempotent producer with a reused id is refused until it times
          // out. One request in flight keeps the order. The job's own producers recover by restarting.
          Properties plain = new Properties();
          plain.put("enable.idempotence", "false");
          plain.put("max.in.flight.requests.per.connection", "1");
          ReliabilityFixture.produceLive(kafka, "outage-input", after, 4, plain);
        });
    ReliabilityFixture.assertSameUpdatesOnce(reference, out);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void slowsDownWithBoundedHeapWhenTheSinkCrawlsAndDropsNothing() throws Exception {
    Configuration options = options("slow-sink");
    ChaosMapper.reset();
    ChaosMapper.sleepNanosPerRecord = 8_000_000L; // about 125 updates/s per subtask reach the sink
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicLong maxHeap = new AtomicLong();
    Thread sampler = new Thread(() -> {
      var memory = ManagementFactory.getMemoryMXBean();
      while (sampling.get()) {
        maxHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    long start = System.nanoTime();
    Output out;
    try {
      out = ReliabilityFixture.runUntilConsumed(kafka, options,
          ReliabilityFixture.environment(options, 2, false,
              updates -> updates.map(new ChaosMapper()).uid("throttle").name("slow sink")),
          () -> ReliabilityFixture.produceLive(kafka, "slow-sink-input", events, 3));
    } finally {
      sampling.set(false);
      sampler.join();
      ChaosMapper.reset();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long heapMb = maxHeap.get() / (1024 * 1024);
    long maxMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    System.out.printf("slow sink: %d updates in %.1f s (input written in 3 s); max heap used %d MB of %d MB%n",
        out.updates().size(), seconds, heapMb, maxMb);
    assertThat(seconds).as("the job slowed down to the sink's pace").isGreaterThan(
        out.updates().size() * 0.008 / 2 * 0.8);
    assertThat(heapMb).as("heap used at most (MB)").isLessThan(maxMb / 2);
    ReliabilityFixture.assertSameUpdatesOnce(reference, out);
  }
}
