package dev.intereststream.events;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time of a decoded record: the click's event_time. Dead letters get Long.MIN_VALUE, which
 * never advances the watermark: an invalid record must not move event time.
 */
public final class EventTimeAssigner implements SerializableTimestampAssigner<DecodedRecord> {
  @Override
  public long extractTimestamp(DecodedRecord record, long kafkaTimestamp) {
    return record.click != null ? record.click.eventTime : Long.MIN_VALUE;
  }
}
