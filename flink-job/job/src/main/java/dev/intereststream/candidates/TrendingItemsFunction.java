package dev.intereststream.candidates;

import dev.intereststream.schemas.Scenario;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns per-bucket item engagement counts of one scenario (keyed by its ordinal) into a sliding
 * window: for every item it keeps an {@link ItemWindow} of its bucket counts within the window, and when the watermark passes a bucket end it emits the scenario's
 * {@link TrendingSnapshot} for the window ending there.
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

  @Override
  public void open(OpenContext openContext) {
    items = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("trending-items", Types.LONG, TypeInformation.of(ItemWindow.class)));
  }

  @Override
  public void processElement(ItemBucketCount count, Context ctx, Collector<TrendingSnapshot> out) throws Exception {
    long bucket = count.bucketEnd / config.slideMs();
    ItemWindow w = items.get(count.itemId);
    if (w == null) {
      w = ItemWindow.create();
    }
    if (w.add(bucket, count.count, count.categoryId, config.buckets())) {
      items.put(count.itemId, w);
      ctx.timerService().registerEventTimeTimer(count.bucketEnd);
    }
  }

  @Override
  public void onTimer(long windowEnd, OnTimerContext ctx, Collector<TrendingSnapshot> out) throws Exception {
    out.collect(TrendingRanking.snapshot(Scenario.values()[ctx.getCurrentKey()], windowEnd, items.iterator(), config));
  }
}
