package dev.intereststream.candidates;

import dev.intereststream.schemas.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns per-bucket item engagement counts of one scenario (keyed by its ordinal) into a sliding window: for every
 * item it keeps a ring of the last {@code window / slide} bucket counts, and when the watermark passes a
 * bucket end it emits the scenario's {@link TrendingSnapshot} for the window ending there.
 *
 * <p>One state update per item and bucket, instead of one per event and overlapping window as Flink's
 * sliding windows would do. Items with no engagement left in the window are dropped from state.
 */
public final class TrendingItemsFunction extends KeyedProcessFunction<Integer, ItemBucketCount, TrendingSnapshot> {

  private final CandidateConfig config;
  private transient MapState<Long, ItemWindow> items;

  public TrendingItemsFunction(CandidateConfig config) {
    this.config = config;
  }

  /** Per-item ring of bucket counts. */
  public static final class ItemWindow {
    public long categoryId;
    /** Bucket number (bucket end / slide) of the newest count in the ring. */
    public long newestBucket;
    public long[] counts;

    public ItemWindow() {}
  }

  @Override
  public void open(OpenContext openContext) {
    items = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("trending-items", Types.LONG, TypeInformation.of(ItemWindow.class)));
  }

  @Override
  public void processElement(ItemBucketCount count, Context ctx, Collector<TrendingSnapshot> out) throws Exception {
    int buckets = config.buckets();
    long bucket = count.bucketEnd / config.slideMs();
    ItemWindow w = items.get(count.itemId);
    if (w == null) {
      w = new ItemWindow();
      w.counts = new long[buckets];
      w.newestBucket = bucket;
    }
    if (w.counts.length != buckets) { // window resized across a restart: start the ring afresh
      w.counts = new long[buckets];
      w.newestBucket = bucket;
    }
    if (bucket > w.newestBucket) {
      for (long b = Math.max(w.newestBucket + 1, bucket - buckets + 1); b <= bucket; b++) {
        w.counts[(int) Math.floorMod(b, (long) buckets)] = 0;
      }
      w.newestBucket = bucket;
    } else if (bucket <= w.newestBucket - buckets) {
      return; // older than the window: cannot happen for in-order bucket results, ignored if it does
    }
    w.categoryId = count.categoryId;
    w.counts[(int) Math.floorMod(bucket, (long) buckets)] += count.count;
    items.put(count.itemId, w);
    ctx.timerService().registerEventTimeTimer(count.bucketEnd);
  }

  @Override
  public void onTimer(long windowEnd, OnTimerContext ctx, Collector<TrendingSnapshot> out) throws Exception {
    int buckets = config.buckets();
    long current = windowEnd / config.slideMs();
    List<long[]> ranked = new ArrayList<>(); // {item, category, count}
    Iterator<Map.Entry<Long, ItemWindow>> it = items.iterator();
    while (it.hasNext()) {
      Map.Entry<Long, ItemWindow> e = it.next();
      ItemWindow w = e.getValue();
      long sum = 0;
      for (long b = current - buckets + 1; b <= Math.min(current, w.newestBucket); b++) {
        sum += w.counts[(int) Math.floorMod(b, (long) buckets)];
      }
      if (sum > 0) {
        ranked.add(new long[] {e.getKey(), w.categoryId, sum});
      } else if (w.newestBucket <= current) {
        it.remove(); // nothing left in the window and nothing newer pending
      }
    }
    ranked.sort((a, b) -> a[2] != b[2] ? Long.compare(b[2], a[2]) : Long.compare(a[0], b[0]));
    out.collect(snapshot(Scenario.values()[ctx.getCurrentKey()], windowEnd, ranked));
  }

  private TrendingSnapshot snapshot(Scenario scenario, long windowEnd, List<long[]> ranked) {
    int overall = Math.min(config.trendingItems(), ranked.size());
    Map<Long, Integer> perCategory = new HashMap<>();
    List<long[]> kept = new ArrayList<>(ranked.subList(0, overall));
    for (int i = overall; i < ranked.size(); i++) {
      long[] r = ranked.get(i);
      int n = perCategory.getOrDefault(r[1], 0);
      if (n < config.itemsPerCategory()) {
        kept.add(r);
        perCategory.put(r[1], n + 1);
      }
    }
    long[] itemIds = new long[kept.size()];
    long[] categories = new long[kept.size()];
    long[] counts = new long[kept.size()];
    for (int i = 0; i < kept.size(); i++) {
      itemIds[i] = kept.get(i)[0];
      categories[i] = kept.get(i)[1];
      counts[i] = kept.get(i)[2];
    }
    return new TrendingSnapshot(scenario, windowEnd, itemIds, categories, counts);
  }
}
