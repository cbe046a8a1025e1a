package dev.intereststream.events;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded-out-of-orderness watermarks in which no event counts for more than the wall clock plus
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

  private final long outOfOrdernessMs;
  private final long maxLeadMs;
  private final LongSupplier wallClock;
  private long maxTimestamp;

  /**
   * @param outOfOrdernessMs how far behind the newest (capped) timestamp the watermark trails
   * @param maxLeadMs how far ahead of the wall clock one event may move the watermark
   * @param wallClock milliseconds since the epoch
   */
  public WallClockCappedWatermarks(long outOfOrdernessMs, long maxLeadMs, LongSupplier wallClock) {
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.maxLeadMs = maxLeadMs;
    this.wallClock = wallClock;
    // As BoundedOutOfOrdernessWatermarks: the first watermark is Long.MIN_VALUE, without overflow.
    this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMs + 1;
  }

  @Override
  public void onEvent(DecodedRecord event, long eventTimestamp, WatermarkOutput output) {
    if (eventTimestamp <= maxTimestamp) {
      return; // the common case (and dead letters at Long.MIN_VALUE) reads no clock
    }
    maxTimestamp = Math.max(maxTimestamp, Math.min(eventTimestamp, wallClock.getAsLong() + maxLeadMs));
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    output.emitWatermark(new Watermark(maxTimestamp - outOfOrdernessMs - 1));
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
