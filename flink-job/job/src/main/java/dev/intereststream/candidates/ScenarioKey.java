package dev.intereststream.candidates;

import org.apache.flink.api.java.functions.KeySelector;

/** Keys per-bucket item counts by scenario ordinal (enums are not valid Flink keys: their hash codes vary by JVM). */
public final class ScenarioKey implements KeySelector<ItemBucketCount, Integer> {
  @Override
  public Integer getKey(ItemBucketCount count) {
    return count.scenario.ordinal();
  }
}
