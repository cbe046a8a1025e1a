package dev.intereststream.candidates;

import dev.intereststream.events.Click;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Counts engagements per item in a tumbling bucket; keyed by (scenario, item). The accumulator keeps
 * the count and the item's category so the bucket result can name it.
 */
public final class ItemEngagementCounter implements AggregateFunction<Click, ItemBucketCount, ItemBucketCount> {

  @Override
  public ItemBucketCount createAccumulator() {
    return new ItemBucketCount();
  }

  @Override
  public ItemBucketCount add(Click click, ItemBucketCount acc) {
    acc.scenario = click.scenario;
    acc.itemId = click.itemId;
    acc.categoryId = click.categoryId;
    acc.count++;
    return acc;
  }

  @Override
  public ItemBucketCount getResult(ItemBucketCount acc) {
    return acc;
  }

  @Override
  public ItemBucketCount merge(ItemBucketCount a, ItemBucketCount b) {
    a.count += b.count;
    return a;
  }

  /** Stamps the bucket end on the count. */
  public static final class StampBucketEnd
      extends ProcessWindowFunction<ItemBucketCount, ItemBucketCount, Tuple2<Integer, Long>, TimeWindow> {
    @Override
    public void process(Tuple2<Integer, Long> key, Context context, Iterable<ItemBucketCount> counts, Collector<ItemBucketCount> out) {
      for (ItemBucketCount c : counts) {
        out.collect(new ItemBucketCount(c.scenario, c.itemId, c.categoryId, context.window().getEnd(), c.count));
      }
    }
  }
}
