package dev.intereststream.training;

import static dev.intereststream.events.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.candidates.ItemBucketCount;
import dev.intereststream.candidates.ScenarioKey;
import dev.intereststream.candidates.TrendingItemsFunction;
import dev.intereststream.candidates.TrendingSnapshot;
import dev.intereststream.events.Click;
import dev.intereststream.features.FeatureConfig;
import dev.intereststream.features.UserFeatureFunction;
import dev.intereststream.features.UserKey;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.scoring.ModelInputs;
import dev.intereststream.scoring.ScoringRequest;
import dev.intereststream.sim.AvroFileEventWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One feature path, proven: for the same user state, the tensors {@code export-training-data} writes
 * equal the tensors the job's scorer is fed ({@link ModelInputs} filled from the request the job's
 * {@link UserFeatureFunction} emits, with candidates from the job's {@link TrendingItemsFunction}).
 */
class ExportParityTest {

  static final FeatureConfig FEATURES = new FeatureConfig(50, 8, 8, 1_800_000L, 7 * 86_400_000L, 600_000L, 30_000L,
      EnumSet.of(Action.CLICK, Action.SHARE, Action.ADD_TO_CART, Action.PURCHASE));
  static final CandidateConfig CANDIDATES = new CandidateConfig(600_000L, 10_000L, 5, 2, 2, 5_000L);
  static final int TOP_CATEGORIES = 10;
  static final long T = T0 + 30_000;

  /** A fixed story: items 500 and 501 trend, user 1 engages, clicks 702, and is then shown 500. */
  static List<Click> events() {
    List<Click> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      events.add(new Click("p500-" + i, 100 + i, 500, 7, Scenario.ECOMMERCE, Action.CLICK, 3_000, T0 + i * 100));
    }
    for (int i = 0; i < 10; i++) {
      events.add(new Click("p501-" + i, 200 + i, 501, 7, Scenario.ECOMMERCE, Action.PURCHASE, Click.NO_DWELL,
          T0 + 2_500 + i * 100));
    }
    for (int i = 0; i < 5; i++) {
      events.add(new Click("p600-" + i, 300 + i, 600, 8, Scenario.ECOMMERCE, Action.CLICK, 1_000, T0 + 4_000 + i));
    }
    events.add(new Click("u1-i700", 1, 700, 9, Scenario.ECOMMERCE, Action.IMPRESSION, Click.NO_DWELL, T0 + 5_000));
    events.add(new Click("u1-c700", 1, 700, 9, Scenario.ECOMMERCE, Action.CLICK, 5_000, T0 + 6_000));
    events.add(new Click("u1-l701", 1, 701, 9, Scenario.NEWS, Action.LIKE, Click.NO_DWELL, T0 + 7_000));
    events.add(new Click("u1-i501", 1, 501, 7, Scenario.ECOMMERCE, Action.IMPRESSION, Click.NO_DWELL, T0 + 20_000));
    events.add(new Click("u1-c702", 1, 702, 7, Scenario.ECOMMERCE, Action.CLICK, 42_000, T));
    events.add(new Click("u1-i500", 1, 500, 7, Scenario.ECOMMERCE, Action.IMPRESSION, Click.NO_DWELL, T));
    events.add(new Click("u1-c500", 1, 500, 7, Scenario.ECOMMERCE, Action.CLICK, 9_000, T + 1_000));
    events.sort((a, b) -> Long.compare(a.eventTime, b.eventTime));
    return events;
  }

  /** The job's side: trending snapshots, then the request emitted for user 1's click at T. */
  static ScoringRequest jobRequest(List<Click> events) throws Exception {
    // what the job's tumbling window emits per (scenario, item, bucket)
    Map<String, ItemBucketCount> buckets = new TreeMap<>();
    for (Click c : events) {
      if (c.isEngagement()) {
        long end = Math.floorDiv(c.eventTime, CANDIDATES.slideMs()) * CANDIDATES.slideMs() + CANDIDATES.slideMs();
        buckets.computeIfAbsent(c.scenario + "/" + c.itemId + "/" + end,
            k -> new ItemBucketCount(c.scenario, c.itemId, c.categoryId, end, 0)).count++;
      }
    }
    List<TrendingSnapshot> snapshots;
    try (KeyedOneInputStreamOperatorTestHarness<Integer, ItemBucketCount, TrendingSnapshot> trending =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(new TrendingItemsFunction(CANDIDATES), new ScenarioKey(),
            Types.INT)) {
      for (ItemBucketCount b : buckets.values()) {
        if (b.bucketEnd <= T) {
          trending.processElement(b, b.bucketEnd - 1);
        }
      }
      trending.processWatermark(T);
      snapshots = trending.extractOutputValues();
    }
    try (KeyedBroadcastOperatorTestHarness<Long, Click, TrendingSnapshot, ScoringRequest> features =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new UserFeatureFunction(FEATURES, CANDIDATES, TOP_CATEGORIES, true), new UserKey(), Types.LONG,
            UserFeatureFunction.TRENDING)) {
      for (TrendingSnapshot s : snapshots) {
        features.processBroadcastElement(s, s.windowEnd);
      }
      for (Click c : events) {
        if (c.eventTime <= T && !c.eventId.equals("u1-i500")) {
          features.processElement(c, c.eventTime);
        }
      }
      features.watermark(T);
      return features.extractOutputValues().stream().filter(r -> r.triggerEventId.equals("u1-c702")).findFirst()
          .orElseThrow();
    }
  }

  @Test
  void exportedTensorsEqualTheTensorsTheJobsScorerBuildsForTheSameState(@TempDir Path dir) throws Exception {
    List<Click> events = events();
    Path file = dir.resolve("events.avro");
    try (AvroFileEventWriter writer = new AvroFileEventWriter(file.toFile())) {
      for (Click c : events) {
        writer.write(new ClickEvent(c.eventId, c.userId, c.itemId, c.categoryId, c.scenario, c.action,
            c.dwellMs < 0 ? null : (long) c.dwellMs, Instant.ofEpochMilli(c.eventTime)), null);
      }
    }
    Path out = dir.resolve("data");
    new TrainingDataExporter(FEATURES, CANDIDATES, TOP_CATEGORIES, 60_000L, 0.5, 0.25).export(file, null, out);

    // the exported example for user 1's impression of item 500 at T
    String split = null;
    int row = -1;
    for (String s : TrainingDataExporter.SPLITS) {
      Npy users = Npy.read(out.resolve(s).resolve("user_id.npy"));
      Npy times = Npy.read(out.resolve(s).resolve("event_time.npy"));
      Npy items = Npy.read(out.resolve(s).resolve("cand_item.npy"));
      for (int i = 0; i < users.size(); i++) {
        if (users.getLong(i) == 1 && times.getLong(i) == T && items.getLong(i) == FeatureSpec.itemBucket(500)) {
          split = s;
          row = i;
        }
      }
    }
    assertThat(split).as("exported example").isNotNull();
    Path dataDir = out.resolve(split);

    ScoringRequest request = jobRequest(events);
    int j = -1;
    for (int c = 0; c < request.candidateCount(); c++) {
      if (request.candidateItems[c] == 500) {
        j = c;
      }
    }
    assertThat(j).as("item 500 among the job's candidates %s", java.util.Arrays.toString(request.candidateItems))
        .isNotNegative();
    ModelInputs job = new ModelInputs(1, request.candidateCount());
    job.start(request.candidateCount());
    job.add(request);

    int l = FeatureSpec.SEQUENCE_LENGTH;
    for (int f = 0; f < FeatureSpec.SEQUENCE_FEATURES; f++) {
      String name = FeatureSpec.SEQUENCE_INPUTS.get(f);
      int[] exported = java.util.Arrays.copyOfRange(Npy.read(dataDir.resolve(name + ".npy")).ints(), row * l,
          (row + 1) * l);
      assertThat(exported).as(name).containsExactly(job.ints(f));
    }
    int[] sequenceItems = job.ints(0);
    assertThat(sequenceItems[0]).as("most recent engagement first").isEqualTo(FeatureSpec.itemBucket(702));
    int u = FeatureSpec.USER_DENSE_SIZE;
    float[] userDense = java.util.Arrays.copyOfRange(Npy.read(dataDir.resolve("user_dense.npy")).floats(), row * u,
        (row + 1) * u);
    assertThat(userDense).as("user_dense").containsExactly(job.floats(6));
    assertThat(Npy.read(dataDir.resolve("scenario.npy")).getLong(row)).isEqualTo(job.ints(7)[0]);
    assertThat(Npy.read(dataDir.resolve("cand_item.npy")).getLong(row)).isEqualTo(job.ints(8)[j]);
    assertThat(Npy.read(dataDir.resolve("cand_category.npy")).getLong(row)).isEqualTo(job.ints(9)[j]);
    int c = FeatureSpec.CANDIDATE_DENSE_SIZE;
    float[] candDense = java.util.Arrays.copyOfRange(Npy.read(dataDir.resolve("cand_dense.npy")).floats(), row * c,
        (row + 1) * c);
    float[] jobCandDense = java.util.Arrays.copyOfRange(job.floats(10), j * c, (j + 1) * c);
    assertThat(candDense).as("cand_dense").containsExactly(jobCandDense);
    assertThat(candDense[0]).as("trending popularity of item 500").isEqualTo(1f);
    assertThat(Npy.read(dataDir.resolve("label.npy")).getFloat(row)).as("clicked a second later").isEqualTo(1f);
  }
}
