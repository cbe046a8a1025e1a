package dev.intereststream.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.TriggerReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingScorerTest {

  /** Records batch sizes; scores candidate j as 1 / (j + 1). */
  static final class RecordingScorer implements Scorer {
    static final List<Integer> BATCHES = new ArrayList<>();
    static final AtomicInteger CLOSED = new AtomicInteger();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public String modelVersion() {
      return "test-1";
    }

    @Override
    public float[][] score(List<ScoringRequest> batch) {
      BATCHES.add(batch.size());
      float[][] scores = new float[batch.size()][];
      for (int r = 0; r < batch.size(); r++) {
        scores[r] = new float[batch.get(r).candidateCount()];
        for (int j = 0; j < scores[r].length; j++) {
          scores[r][j] = 1f / (j + 1);
        }
      }
      return scores;
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  private OneInputStreamOperatorTestHarness<ScoringRequest, InterestUpdate> harness;

  private OneInputStreamOperatorTestHarness<ScoringRequest, InterestUpdate> open(int batchSize, long delay)
      throws Exception {
    RecordingScorer.BATCHES.clear();
    harness = new OneInputStreamOperatorTestHarness<>(
        new BatchingScorer.Factory(RecordingScorer::new, batchSize, delay, 2));
    harness.open();
    return harness;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  static ScoringRequest request(long user) {
    ScoringRequest r = new ScoringRequest();
    r.userId = user;
    r.scenario = Scenario.SOCIAL;
    r.triggerEventId = "e" + user;
    r.triggerAction = Action.CLICK;
    r.triggerReason = TriggerReason.STRONG_ACTION;
    r.triggerEventTime = 1_000 + user;
    r.interestCategories = new long[] {5};
    r.interestWeights = new float[] {1f};
    r.candidateItems = new long[] {30, 10, 20};
    r.candidateCategories = new long[] {5, 5, 6};
    r.candidatePopularity = new float[] {1f, 1f, 1f};
    return r;
  }

  @Test
  void scoresAFullBatchInOneCall() throws Exception {
    open(3, 1_000);
    for (long u = 1; u <= 7; u++) {
      harness.processElement(request(u), 0);
    }
    assertThat(RecordingScorer.BATCHES).containsExactly(3, 3);
    assertThat(harness.extractOutputValues()).hasSize(6);
  }

  @Test
  void flushesAPartialBatchAtTheDeadline() throws Exception {
    open(32, 5);
    harness.setProcessingTime(100);
    harness.processElement(request(1), 0);
    harness.processElement(request(2), 0);
    assertThat(harness.extractOutputValues()).isEmpty();
    harness.setProcessingTime(105);
    assertThat(RecordingScorer.BATCHES).containsExactly(2);
    assertThat(harness.extractOutputValues()).extracting(InterestUpdate::getUserId).containsExactly(1L, 2L);
    assertThat(harness.extractOutputValues().get(0).getScoredAt().toEpochMilli()).isEqualTo(105);
  }

  @Test
  void holdsNoRequestAcrossACheckpointBarrierOrAWatermark() throws Exception {
    open(32, 1_000);
    harness.processElement(request(1), 0);
    harness.prepareSnapshotPreBarrier(1);
    assertThat(harness.extractOutputValues()).hasSize(1);
    harness.processElement(request(2), 0);
    harness.processWatermark(500);
    assertThat(harness.extractOutputValues()).hasSize(2);
    // the update precedes the watermark in the output
    assertThat(harness.getOutput().toArray()[harness.getOutput().size() - 1])
        .isInstanceOf(org.apache.flink.streaming.api.watermark.Watermark.class);
    harness.processElement(request(3), 0);
    harness.endInput();
    harness.getOneInputOperator().finish();
    assertThat(harness.extractOutputValues()).hasSize(3);
  }

  @Test
  void emitsTopKByScoreWithTheRequestsTriggerAndDistribution() throws Exception {
    open(1, 0);
    harness.processElement(request(9), 0);
    InterestUpdate u = harness.extractOutputValues().get(0);
    assertThat(u.getUserId()).isEqualTo(9L);
    assertThat(u.getScorer()).isEqualTo("recording");
    assertThat(u.getModelVersion()).isEqualTo("test-1");
    assertThat(u.getTriggerEventId()).isEqualTo("e9");
    assertThat(u.getTriggerEventTime().toEpochMilli()).isEqualTo(1_009L);
    assertThat(u.getCandidatesConsidered()).isEqualTo(3);
    assertThat(u.getTopItems()).extracting(i -> i.getItemId()).containsExactly(30L, 10L);
    assertThat(u.getCategoryInterests()).hasSize(1);
  }

  @Test
  void closesTheScorer() throws Exception {
    int before = RecordingScorer.CLOSED.get();
    open(4, 10);
    harness.close();
    harness = null;
    assertThat(RecordingScorer.CLOSED.get()).isEqualTo(before + 1);
  }
}
