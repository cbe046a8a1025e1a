package dev.intereststream.candidates;

import dev.intereststream.schemas.Scenario;

/** Engagements with one item of one scenario in one slide bucket (a tumbling event-time window). */
public final class ItemBucketCount {
  public Scenario scenario;
  public long itemId;
  public long categoryId;
  /** Exclusive end of the bucket, event time in epoch millis. */
  public long bucketEnd;
  public long count;

  public ItemBucketCount() {}

  public ItemBucketCount(Scenario scenario, long itemId, long categoryId, long bucketEnd, long count) {
    this.scenario = scenario;
    this.itemId = itemId;
    this.categoryId = categoryId;
    this.bucketEnd = bucketEnd;
    this.count = count;
  }

  @Override
  public String toString() {
    return "ItemBucketCount{" + scenario + " item=" + itemId + " cat=" + categoryId + " end=" + bucketEnd + " n="
        + count + "}";
  }
}
