package dev.intereststream.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.job.InterestStreamJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.RelativeClock;
import org.apache.flink.util.clock.SystemClock;
import org.junit.jupiter.api.Test;

/** Watermarks that a handful of devices with clocks running ahead cannot drag into the future. */
class WallClockCappedWatermarksTest {

  private static final long OUT_OF_ORDERNESS = 5_000;
  private static final long FOUR_MINUTES = 240_000;

  @Test
  void fourEventsStampedFourMinutesAheadOnePerPartitionKeepTheWatermarkBehindTheWallClock() {
    // The job's own strategy with its defaults, one generator per partition as the Kafka source makes them.
    WatermarkStrategy<DecodedRecord> strategy = InterestStreamJob.watermarks(new Configuration());
    TimestampAssigner<DecodedRecord> assigner = strategy.createTimestampAssigner(() -> new UnregisteredMetricsGroup());
    List<WatermarkGenerator<DecodedRecord>> partitions = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      partitions.add(strategy.createWatermarkGenerator(context()));
    }
    long now = System.currentTimeMillis();
    for (WatermarkGenerator<DecodedRecord> partition : partitions) {
      DecodedRecord skewed = click(now + FOUR_MINUTES);
      partition.onEvent(skewed, assigner.extractTimestamp(skewed, now), new Recorder());
    }
    // Live traffic stamped by correct clocks keeps flowing on every partition.
    for (WatermarkGenerator<DecodedRecord> partition : partitions) {
      DecodedRecord live = click(System.currentTimeMillis());
      partition.onEvent(live, assigner.extractTimestamp(live, now), new Recorder());
    }
    long liveEngagement = System.currentTimeMillis() - 1_000; // a second in flight: must not be late
    for (WatermarkGenerator<DecodedRecord> partition : partitions) {
      Recorder out = new Recorder();
      partition.onPeriodicEmit(out);
      assertThat(out.last).as("watermark of a partition that saw one event 4 min ahead")
          .isLessThanOrEqualTo(System.currentTimeMillis() - OUT_OF_ORDERNESS)
          .isLessThan(liveEngagement);
    }
  }

  @Test
  void theWatermarkFollowsTheWallClockWhileTheSkewedEventIsTheNewestAndThenLiveEvents() {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    WallClockCappedWatermarks generator = new WallClockCappedWatermarks(OUT_OF_ORDERNESS, 0, clock::get);
    Recorder out = new Recorder();
    generator.onEvent(click(clock.get() + FOUR_MINUTES), clock.get() + FOUR_MINUTES, out);
    generator.onPeriodicEmit(out);
    assertThat(out.last).isEqualTo(clock.get() - OUT_OF_ORDERNESS - 1);

    clock.addAndGet(10_000);
    generator.onEvent(click(clock.get()), clock.get(), out);
    generator.onPeriodicEmit(out);
    assertThat(out.last).isEqualTo(clock.get() - OUT_OF_ORDERNESS - 1);

    clock.addAndGet(FOUR_MINUTES);
    generator.onEvent(click(clock.get() - 1), clock.get() - 1, out);
    generator.onPeriodicEmit(out);
    assertThat(out.last).isEqualTo(clock.get() - 1 - OUT_OF_ORDERNESS - 1);
  }

  @Test
  void aReplayOfPastEventsGetsExactlyTheWatermarksOfBoundedOutOfOrderness() {
    long start = 1_767_225_600_000L; // 2026-01-01, in the past of the wall clock
    WallClockCappedWatermarks capped =
        new WallClockCappedWatermarks(OUT_OF_ORDERNESS, 0, System::currentTimeMillis);
    BoundedOutOfOrdernessWatermarks<DecodedRecord> plain =
        new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(OUT_OF_ORDERNESS));
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 10_000; i++) {
      long t = start + i * 100L + random.nextInt(8_000) - 4_000;
      capped.onEvent(click(t), t, a);
      plain.onEvent(click(t), t, b);
      if (i % 50 == 0) {
        capped.onPeriodicEmit(a);
        plain.onPeriodicEmit(b);
        assertThat(a.last).isEqualTo(b.last);
      }
    }
    capped.onEvent(DecodedRecord.of((dev.intereststream.schemas.DeadLetter) null), Long.MIN_VALUE, a);
    capped.onPeriodicEmit(a);
    plain.onPeriodicEmit(b);
    assertThat(a.last).isEqualTo(b.last);
  }

  private static DecodedRecord click(long eventTime) {
    Click click = new Click();
    click.eventTime = eventTime;
    return DecodedRecord.of(click);
  }

  private static WatermarkGeneratorSupplier.Context context() {
    return new WatermarkGeneratorSupplier.Context() {
      @Override
      public org.apache.flink.metrics.MetricGroup getMetricGroup() {
        return new UnregisteredMetricsGroup();
      }

      @Override
      public RelativeClock getInputActivityClock() {
        return SystemClock.getInstance();
      }
    };
  }

  private static final class Recorder implements WatermarkOutput {
    long last = Long.MIN_VALUE;

    @Override
    public void emitWatermark(Watermark watermark) {
      last = watermark.getTimestamp();
    }

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}
  }
}
