package dev.intereststream.candidates;

import static dev.intereststream.events.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.schemas.Scenario;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrendingItemsFunctionTest {

  /** Window of three 10 s buckets; top 2 overall plus 1 more per category. */
  private static final CandidateConfig CONFIG = new CandidateConfig(30_000L, 10_000L, 2, 1, 2, 0L);
  private static final long B = 10_000L;
  private static final long START = T0 - T0 % B;

  private KeyedOneInputStreamOperatorTestHarness<Integer, ItemBucketCount, TrendingSnapshot> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new TrendingItemsFunction(CONFIG),
        new ScenarioKey(), Types.INT);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void count(long item, long category, long bucketEnd, long n) throws Exception {
    harness.processElement(new ItemBucketCount(Scenario.NEWS, item, category, bucketEnd, n), bucketEnd - 1);
  }

  private TrendingSnapshot last() {
    List<TrendingSnapshot> out = harness.extractOutputValues();
    return out.get(out.size() - 1);
  }

  @Test
  void sumsTheBucketsOfTheSlidingWindowAndRanksByCount() throws Exception {
    count(1, 10, START + B, 5);
    count(2, 10, START + B, 3);
    count(2, 10, START + 2 * B, 4);
    count(3, 20, START + 2 * B, 1);
    harness.processWatermark(START + 2 * B);
    TrendingSnapshot s = last();
    assertThat(s.scenario).isEqualTo(Scenario.NEWS);
    assertThat(s.windowEnd).isEqualTo(START + 2 * B);
    assertThat(s.items).containsExactly(2L, 1L, 3L); // top 2 overall, then the best of category 20
    assertThat(s.counts).containsExactly(7L, 5L, 1L);
    assertThat(s.categories).containsExactly(10L, 10L, 20L);
  }

  @Test
  void bucketsOlderThanTheWindowDropOutAndEmptyItemsLeaveState() throws Exception {
    count(1, 10, START + B, 5);
    count(2, 10, START + 3 * B, 1);
    harness.processWatermark(START + 3 * B);
    assertThat(last().counts).containsExactly(5L, 1L); // window (START, START + 3B] still holds bucket 1
    count(2, 10, START + 4 * B, 1);
    harness.processWatermark(START + 4 * B);
    assertThat(last().items).containsExactly(2L);
    assertThat(last().counts).containsExactly(2L);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // item 1 removed
    harness.processWatermark(START + 10 * B);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void emitsOneSnapshotPerBucketEndWithTiesBrokenByItemId() throws Exception {
    count(9, 10, START + B, 2);
    count(4, 10, START + B, 2);
    count(7, 11, START + B, 2);
    harness.processWatermark(START + B);
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(last().items).containsExactly(4L, 7L, 9L);
  }
}
