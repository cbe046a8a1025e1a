package dev.intereststream.candidates;

import dev.intereststream.events.Click;
import dev.intereststream.schemas.Scenario;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The job's trending path for a replay of time-ordered events outside Flink: engagements counted per
 * slide bucket, each scenario's {@link ItemWindow}s advanced when the event time passes a bucket end,
 * and a {@link TrendingSnapshot} ranked by the same {@link TrendingRanking} the job uses. With events in
 * time order this equals the job's output with zero out-of-orderness: a bucket closes at the first
 * event at or after its end, as the watermark closes it in the job.
 */
public final class TrendingReplay {

  private final CandidateConfig config;
  private final Map<Scenario, Map<Long, ItemWindow>> windows = new EnumMap<>(Scenario.class);
  /** Counts of the open bucket: scenario -> item -> {count, category}. */
  private final Map<Scenario, Map<Long, long[]>> openBucket = new EnumMap<>(Scenario.class);
  private final Map<Scenario, NavigableMap<Long, Indexed>> snapshots = new EnumMap<>(Scenario.class);
  private long openBucketEnd = Long.MIN_VALUE;

  /** A snapshot with an item index for lookups. */
  private record Indexed(TrendingSnapshot snapshot, Map<Long, Integer> position) {}

  public TrendingReplay(CandidateConfig config) {
    this.config = config;
  }

  /** Closes every bucket that ends at or before {@code eventTime}. Call before each event. */
  public void advanceTo(long eventTime) {
    if (openBucketEnd != Long.MIN_VALUE && eventTime >= openBucketEnd) {
      closeBucket(openBucketEnd);
      openBucketEnd = Long.MIN_VALUE;
    }
  }

  /** Counts an engagement; impressions are ignored, as in the job. */
  public void add(Click click) {
    if (!click.isEngagement()) {
      return;
    }
    long end = Math.floorDiv(click.eventTime, config.slideMs()) * config.slideMs() + config.slideMs();
    if (openBucketEnd == Long.MIN_VALUE) {
      openBucketEnd = end;
    } else if (end != openBucketEnd) {
      if (end < openBucketEnd) {
        return; // out of order beyond the bucket: the job's window would drop it as late too
      }
      closeBucket(openBucketEnd);
      openBucketEnd = end;
    }
    long[] c = openBucket.computeIfAbsent(click.scenario, s -> new HashMap<>())
        .computeIfAbsent(click.itemId, i -> new long[2]);
    c[0]++;
    c[1] = click.categoryId;
  }

  private void closeBucket(long bucketEnd) {
    long bucket = bucketEnd / config.slideMs();
    for (Map.Entry<Scenario, Map<Long, long[]>> e : openBucket.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      Map<Long, ItemWindow> items = windows.computeIfAbsent(e.getKey(), s -> new HashMap<>());
      for (Map.Entry<Long, long[]> item : e.getValue().entrySet()) {
        items.computeIfAbsent(item.getKey(), i -> ItemWindow.create())
            .add(bucket, item.getValue()[0], item.getValue()[1], config.buckets());
      }
      TrendingSnapshot s = TrendingRanking.snapshot(e.getKey(), bucketEnd, items.entrySet().iterator(), config);
      Map<Long, Integer> position = new HashMap<>();
      for (int i = 0; i < s.size(); i++) {
        position.put(s.items[i], i);
      }
      NavigableMap<Long, Indexed> history = snapshots.computeIfAbsent(e.getKey(), k -> new TreeMap<>());
      history.put(bucketEnd, new Indexed(s, position));
      // a replay moves forward: keep what requests within the grace can still select
      while (history.size() > 2 && history.firstKey() < bucketEnd - config.snapshotGraceMs() - 2 * config.slideMs()) {
        history.pollFirstEntry();
      }
      e.getValue().clear();
    }
  }

  /** The snapshot a request of {@code scenario} at {@code eventTime} uses, or null. */
  public TrendingSnapshot snapshotFor(Scenario scenario, long eventTime) {
    Indexed i = indexed(scenario, eventTime);
    return i == null ? null : i.snapshot();
  }

  /** The item's engagement count in the snapshot a request at {@code eventTime} uses; 0 if absent. */
  public long countOf(Scenario scenario, long eventTime, long itemId) {
    Indexed i = indexed(scenario, eventTime);
    if (i == null) {
      return 0;
    }
    Integer p = i.position().get(itemId);
    return p == null ? 0 : i.snapshot().counts[p];
  }

  private Indexed indexed(Scenario scenario, long eventTime) {
    NavigableMap<Long, Indexed> history = snapshots.get(scenario);
    if (history == null) {
      return null;
    }
    Map.Entry<Long, Indexed> e = history.floorEntry(config.snapshotEndFor(eventTime));
    return e == null ? null : e.getValue();
  }
}
