package dev.intereststream.candidates;

import dev.intereststream.events.Click;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;

/** Keys clicks by (scenario ordinal, item id): an item trends separately in each scenario. */
public final class ItemKey implements KeySelector<Click, Tuple2<Integer, Long>> {
  @Override
  public Tuple2<Integer, Long> getKey(Click click) {
    return Tuple2.of(click.scenario.ordinal(), click.itemId);
  }
}
