package dev.intereststream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.reliability.ReliabilityFixture;
import dev.intereststream.schemas.ClickEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job jar on a real Flink session cluster: a JobManager and two TaskManagers as separate JVMs on
 * Flink's own artifacts, the jar submitted with Flink's client and its code loaded child-first, as on
 * any standalone cluster, reading simulated traffic from a real broker. One TaskManager is killed with
 * SIGKILL mid-run and a new one started: the job must restart from a checkpoint and its read_committed
 * output must equal a failure-free run's, update by update. A TaskManager that exits on its own is
 * replaced, as a production cluster's supervisor replaces it, and reported.
 */
class RealClusterITCase {

  private static final String INPUT = "cluster-click-events";
  private static final String REFERENCE_INPUT = "cluster-reference-click-events";
  private static final String RUN = "cluster";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(Map.of(INPUT, ReliabilityFixture.PARTITIONS, REFERENCE_INPUT, ReliabilityFixture.PARTITIONS,
        RUN + "-scores", 2, RUN + "-dlq", 1));
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  /** A jar and the program arguments 'flink run' passes to it. */
  record Submission(Path jar, List<String> args) {}

  /**
   * What is submitted: the job jar (Flink provided, main class InterestStreamJob) with the options as
   * {@code -D key=value} program arguments, as docker-compose and users submit it.
   */
  private static Submission submission(Configuration options) {
    List<String> args = new ArrayList<>();
    options.toMap().forEach((key, value) -> args.addAll(List.of("-D", key + "=" + value)));
    return new Submission(Path.of(System.getProperty("interest-stream-job.jar", "../job/target/interest-stream-job.jar")),
        args);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void survivesATaskManagerKilledWithSigkillWithUpdatesEqualToAFailureFreeRun() throws Exception {
    long started = System.nanoTime();
    List<ClickEvent> events = ReliabilityFixture.events(12_000, 83);
    // The failure-free run: the same events in a topic of their own, on a MiniCluster in this JVM, while
    // the cluster starts and runs.
    CompletableFuture<Output> reference = CompletableFuture.supplyAsync(() -> reference(events));
    CompletableFuture<Void> firstPart = CompletableFuture.runAsync(
        () -> ReliabilityFixture.produce(kafka, INPUT, events.subList(0, 8_000)));
    Configuration options = ReliabilityFixture.options(kafka, INPUT, RUN);
    Path dir = Path.of("target", "real-cluster", "run-" + System.currentTimeMillis());
    Recovery recovery;
    // One slot per TaskManager at parallelism 2: each TaskManager runs one subtask of every operator.
    try (FlinkSessionCluster cluster = FlinkSessionCluster.start(dir, 2, 1, Map.of(), TIMEOUT)) {
      cluster.superviseTaskManagers(2);
      Submission job = submission(options);
      String jobId = cluster.submitDetached(job.jar(), 2, job.args(), TIMEOUT);
      FlinkRest rest = cluster.rest();
      cluster.awaitCondition(() -> rest.allTasksRunning(jobId), "every task of " + jobId + " running", TIMEOUT);
      assertThat(rest.vertexParallelism(jobId)).as("parallelism of each operator").containsOnly(2);
      assertThat(rest.freeSlots()).as("free slots: the job must use both TaskManagers").isZero();
      // Offsets are committed when a checkpoint completes: the first part is consumed and checkpointed.
      firstPart.get(60, TimeUnit.SECONDS);
      ReliabilityFixture.awaitConsumed(kafka, RUN, INPUT, TIMEOUT);
      assertThat(rest.completedCheckpoints(jobId)).as("completed checkpoints before the kill").isPositive();

      CompletableFuture<Void> live = CompletableFuture.runAsync(
          () -> ReliabilityFixture.produceLive(kafka, INPUT, events.subList(8_000, events.size()), 6));
      Thread.sleep(2_000);
      int exit = cluster.killTaskManager("tm-1");
      String replacement = cluster.startTaskManager();
      cluster.awaitTaskManager(replacement, TIMEOUT);
      live.get(60, TimeUnit.SECONDS);
      try {
        ReliabilityFixture.awaitConsumed(kafka, RUN, INPUT, TIMEOUT);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; job " + rest.jobState(jobId) + ", failures " + rest.failures(jobId)
            + ", TaskManagers that exited on their own " + cluster.unexpectedExits() + "; logs in " + dir, e);
      }
      Thread.sleep(3 * options.get(InterestStreamOptions.CHECKPOINT_INTERVAL).toMillis() + 500);
      recovery = new Recovery(exit, rest.restarts(jobId), rest.restoredCheckpoints(jobId),
          rest.lastRestoredCheckpoint(jobId).orElse(-1L), rest.failures(jobId), cluster.unexpectedExits());
      // Cancelling aborts the open transactions, which would otherwise hold back read_committed readers.
      rest.cancel(jobId);
      cluster.awaitCondition(() -> "CANCELED".equals(rest.jobState(jobId)), jobId + " cancelled", TIMEOUT);
    }
    Output killed = ReliabilityFixture.read(kafka, options);
    Output failureFree = reference.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    System.out.printf("real cluster: %s; %d updates, reference %d; %.1f s%n", recovery, killed.updates().size(),
        failureFree.updates().size(), (System.nanoTime() - started) / 1e9);

    assertThat(recovery.exitStatus()).as("exit status of the killed TaskManager (128 + SIGKILL)").isEqualTo(137);
    assertThat(recovery.restarts()).as("job restarts; failures: %s", recovery.failures()).isPositive();
    assertThat(recovery.restoredCheckpoints()).as("recoveries from a checkpoint").isPositive();
    ReliabilityFixture.assertSameUpdatesOnce(failureFree, killed);
  }

  private static Output reference(List<ClickEvent> events) {
    try {
      ReliabilityFixture.produce(kafka, REFERENCE_INPUT, events);
      return ReliabilityFixture.reference(kafka, REFERENCE_INPUT, RUN + "-reference");
    } catch (Exception e) {
      throw new IllegalStateException("the failure-free reference run failed", e);
    }
  }

  /** What the cluster reported about the recovery from the killed TaskManager. */
  private record Recovery(int exitStatus, long restarts, long restoredCheckpoints, long lastRestored,
      List<String> failures, List<String> otherTaskManagerExits) {}
}
