package dev.intereststream.sim;

import dev.intereststream.contracts.Topics;
import dev.intereststream.schemas.ClickEvent;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Drives a {@link Simulator} into an {@link EventWriter}: a number of events or until stopped,
 * optionally paced to the event rate in wall-clock time, optionally mixing in malformed records and
 * re-sent duplicates, and writing the ground truth of every impression to a side file.
 */
public final class SimulationRun {

  private final Simulator simulator;
  private final EventWriter writer;
  private final TruthWriter truth;
  private final boolean paced;
  private final double malformedFraction;
  private final double duplicateFraction;
  private final SplittableRandom random;
  private final PoisonRecords poison;
  private final BinaryMessageEncoder<ClickEvent> encoder = Topics.CLICK_EVENTS.newEncoder();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);

  private final AtomicLong valid = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong newestEventTime = new AtomicLong(Long.MIN_VALUE);

  /**
   * @param truth side file of impression truths, or null
   * @param paced whether to send each event at its event time (live traffic) or write at full speed
   */
  public SimulationRun(Simulator simulator, EventWriter writer, TruthWriter truth, boolean paced, double malformedFraction, double duplicateFraction, long seed) {
    if ((malformedFraction > 0 || duplicateFraction > 0) && !writer.acceptsRaw()) {
      throw new IllegalArgumentException("malformed records and duplicates can only be written to Kafka");
    }
    this.simulator = simulator;
    this.writer = writer;
    this.truth = truth;
    this.paced = paced;
    this.malformedFraction = malformedFraction;
    this.duplicateFraction = duplicateFraction;
    this.random = new SplittableRandom(seed ^ 0xD1B54A32D192ED03L);
    this.poison = new PoisonRecords(seed);
  }

  /**
   * Writes up to {@code maxEvents} valid events (no limit if negative) while {@code keepGoing} holds.
   * Paced runs send each event when the wall clock reaches its event time (catching up at full speed
   * when behind), so event time and send time agree and latency measured from event time is honest.
   */
  public void run(long maxEvents, BooleanSupplier keepGoing) throws Exception {
    long wallBase = System.currentTimeMillis();
    long nanoBase = System.nanoTime();
    for (long i = 0; (maxEvents < 0 || i < maxEvents) && keepGoing.getAsBoolean(); i++) {
      SimEvent e = simulator.next();
      if (paced) {
        long due = nanoBase + (e.event().getEventTime().toEpochMilli() - wallBase) * 1_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 200_000) {
          LockSupport.parkNanos(wait);
        }
      }
      byte[] encoded = encode(e.event());
      writer.write(e.event(), encoded);
      valid.incrementAndGet();
      newestEventTime.accumulateAndGet(e.event().getEventTime().toEpochMilli(), Math::max);
      if (truth != null) {
        truth.write(e);
      }
      if (duplicateFraction > 0 && random.nextDouble() < duplicateFraction) {
        writer.writeRaw(Topics.userKey(e.event().getUserId()), encoded);
        duplicates.incrementAndGet();
      }
      if (malformedFraction > 0 && random.nextDouble() < malformedFraction) {
        PoisonRecords.Poison p = poison.next(encoded, System.currentTimeMillis());
        writer.writeRaw(Topics.userKey(e.event().getUserId()), p.value());
        malformed.incrementAndGet();
      }
    }
  }

  private byte[] encode(ClickEvent event) throws java.io.IOException {
    buffer.reset();
    encoder.encode(event, buffer);
    return buffer.toByteArray();
  }

  public long validEvents() {
    return valid.get();
  }

  /** Event time of the newest valid event written so far, Long.MIN_VALUE before the first. */
  public long newestEventTime() {
    return newestEventTime.get();
  }

  public long malformedRecords() {
    return malformed.get();
  }

  public long duplicateRecords() {
    return duplicates.get();
  }
}
