package dev.intereststream.bench;

import dev.intereststream.contracts.Topics;
import dev.intereststream.sim.KafkaEventWriter;
import dev.intereststream.sim.SimulationRun;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.World;
import dev.intereststream.sim.WorldConfig;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;

/** Simulated traffic for the benchmark: the simulator's default mix, written as fast as possible or paced. */
final class Traffic {

  private Traffic() {}

  static WorldConfig world(int users) {
    return WorldConfig.defaults().withUsers(users).withConcurrentSessions(400);
  }

  /**
   * Writes {@code events} events whose event times end about now (a backlog, as after an outage), as
   * fast as the producer goes; returns events per second written.
   */
  static double backlog(BenchStack stack, Configuration options, long events, int users) throws Exception {
    long t0 = System.nanoTime();
    history(stack, options, events, users, 60_000);
    return events / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Writes {@code events} events at 2,000 events/s of event time (as in the demo) whose event times end
   * {@code endBeforeNowMs} before now, as fast as the producer goes.
   */
  private static void history(BenchStack stack, Configuration options, long events, int users, long endBeforeNowMs)
      throws Exception {
    double rate = 2_000;
    long start = System.currentTimeMillis() - (long) (events / rate * 1000) - endBeforeNowMs;
    Simulator sim = new Simulator(new World(world(users)), start, rate);
    try (KafkaEventWriter writer = new KafkaEventWriter(stack.kafka.bootstrapServers(), new Properties(),
        Topics.CLICK_EVENTS.name(options))) {
      new SimulationRun(sim, writer, null, false, 0, 0, 1).run(events, () -> true);
    }
  }

  /**
   * Writes 15 s of event time (30,000 events) ending a second ago, before a live run starts. A request
   * at event time t takes its candidates from the newest trending list whose window closed by
   * t - candidates.snapshot-grace (10 s) on a 5 s slide, so a job that starts with live traffic alone has
   * no trending list for its first 10-15 s and scores almost no candidates (K about 1 instead of about
   * 70): the first ladder measured mostly that. With this history a list exists from the first live
   * request on, as in a job that has been running.
   */
  static void seed(BenchStack stack, Configuration options, int users) throws Exception {
    seed(stack, options, users, SEED_EVENTS);
  }

  /** Events of the default {@link #seed}. */
  static final long SEED_EVENTS = 30_000;

  /** As {@link #seed(BenchStack, Configuration, int)} with {@code events} events (a longer history). */
  static void seed(BenchStack stack, Configuration options, int users, long events) throws Exception {
    history(stack, options, events, users, 1_000);
  }

  /** Writes live traffic at {@code rate} events per second (event time = send time) while {@code go} holds. */
  static SimulationRun live(BenchStack stack, Configuration options, double rate, int users, BooleanSupplier go)
      throws Exception {
    Simulator sim = new Simulator(new World(world(users).withConcurrentSessions((int) Math.max(50, rate / 5))),
        System.currentTimeMillis(), rate);
    KafkaEventWriter writer = new KafkaEventWriter(stack.kafka.bootstrapServers(), new Properties(),
        Topics.CLICK_EVENTS.name(options));
    SimulationRun run = new SimulationRun(sim, writer, null, true, 0, 0, 1);
    Thread t = new Thread(() -> {
      try (writer) {
        run.run(-1, go);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "bench-traffic");
    t.setDaemon(true);
    t.start();
    return run;
  }
}
