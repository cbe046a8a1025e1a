package dev.intereststream.events;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Flink's bounded-out-of-orderness watermarks, fed no timestamp later than the wall clock plus
 * {@code maxLead}. A device whose clock runs minutes ahead still gets its event accepted (up to
 * {@code events.max-future-skew}) and keeps that event's own timestamp for state and windows, but it
 * can no longer drag the partition's watermark minutes into the future, where every live engagement
 * of every other user would arrive late and be dropped from the trending windows.
 *
 * <p>The cap only binds for events stamped after the wall clock, so replaying a log of past events
 * produces exactly the watermarks of plain bounded out-of-orderness: replays stay deterministic. The
 * cost is for live input only: while a future-stamped event is the newest of its partition, the
 * watermark follows the wall clock instead of that event, so whatever waits for the watermark at that
 * event's time (its trending bucket, its user's re-scoring request) waits until the wall clock gets
 * there: the skewed device's own update comes late by about its clock's lead, and nobody else's does.
 */
public final class WallClockCappedWatermarks implements WatermarkGenerator<DecodedRecord> {

  private final BoundedOutOfOrdernessWatermarks<DecodedRecord> watermarks;
  private final long maxLeadMs;
  private final LongSupplier wallClock;
  /**
   * The wall clock plus the lead, as last read. It only grows, so an event at or before it needs no cap
   * and no clock read: the common case costs one comparison.
   */
  private long cap = Long.MIN_VALUE;

  /**
   * @param outOfOrdernessMs how far behind the newest (capped) timestamp the watermark trails
   * @param maxLeadMs how far ahead of the wall clock one event may move the watermark
   * @param wallClock milliseconds since the epoch
   */
  public WallClockCappedWatermarks(long outOfOrdernessMs, long maxLeadMs, LongSupplier wallClock) {
    this.watermarks = new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(outOfOrdernessMs));
    this.maxLeadMs = maxLeadMs;
    this.wallClock = wallClock;
  }

  @Override
  public void onEvent(DecodedRecord event, long eventTimestamp, WatermarkOutput output) {
    long timestamp = eventTimestamp;
    if (timestamp > cap) {
      cap = Math.max(cap, wallClock.getAsLong() + maxLeadMs);
      timestamp = Math.min(timestamp, cap);
    }
    watermarks.onEvent(event, timestamp, output);
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    watermarks.onPeriodicEmit(output);
  }

  /** Creates one generator per source split, reading the wall clock of the task manager. */
  public static final class Supplier implements WatermarkGeneratorSupplier<DecodedRecord> {
    private static final long serialVersionUID = 1L;
    private final long outOfOrdernessMs;
    private final long maxLeadMs;

    public Supplier(Duration outOfOrderness, Duration maxLead) {
      if (outOfOrderness.isNegative() || maxLead.isNegative()) {
        throw new IllegalArgumentException("events.max-out-of-orderness and events.watermark-max-lead must not be "
            + "negative, were " + outOfOrderness + " and " + maxLead);
      }
      this.outOfOrdernessMs = outOfOrderness.toMillis();
      this.maxLeadMs = maxLead.toMillis();
    }

    @Override
    public WatermarkGenerator<DecodedRecord> createWatermarkGenerator(Context context) {
      return new WallClockCappedWatermarks(outOfOrdernessMs, maxLeadMs, System::currentTimeMillis);
    }
  }
}
