package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.sim.AvroFileEventWriter;
import dev.intereststream.sim.EventWriter;
import dev.intereststream.sim.KafkaEventWriter;
import dev.intereststream.sim.SimulationRun;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.TruthWriter;
import dev.intereststream.sim.World;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes simulated click events to Kafka (paced, live) or to an Avro file, with a ground-truth side file. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Simulate users clicking in three scenarios; write events to Kafka or an Avro file.")
final class SimulateCommand implements Callable<Integer> {

  @Mixin
  WorldOptions world;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--topic", description = "Write to this Kafka topic, paced at --rate in wall-clock time.")
    String topic;

    @Option(names = "--output", paramLabel = "FILE", description = "Write an Avro container file, as fast as possible.")
    Path output;
  }

  @Mixin
  KafkaConnection kafka;

  @Option(names = "--truth", paramLabel = "FILE",
      description = "Write the true click probability of every impression to this CSV file.")
  Path truth;

  @Option(names = "--rate", description = "Events per second of event time (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  double rate;

  @Option(names = "--events", description = "Number of valid events to write (default: unlimited for Kafka, "
      + "100000 for a file).")
  Long events;

  @Option(names = "--duration", description = "Stop after this long, e.g. PT60S or 60s.", converter = DurationConverter.class)
  Duration duration;

  @Option(names = "--start-time", description = "Event time of the first event, ISO-8601 (default: now).")
  Instant startTime;

  @Option(names = "--no-pacing", description = "Write to Kafka as fast as possible instead of at --rate.")
  boolean noPacing;

  @Option(names = "--malformed-fraction", description = "Share of extra malformed records mixed in (Kafka only; "
      + "default: ${DEFAULT-VALUE}).", defaultValue = "0")
  double malformedFraction;

  @Option(names = "--duplicate-fraction", description = "Share of events sent twice, as a retrying producer "
      + "would (Kafka only; default: ${DEFAULT-VALUE}).", defaultValue = "0")
  double duplicateFraction;

  @Override
  public Integer call() throws Exception {
    long start = (startTime != null ? startTime : Instant.now()).toEpochMilli();
    Simulator simulator = new Simulator(new World(world.toConfig()), start, rate);
    long limit = events != null ? events : (target.output != null ? 100_000 : -1);
    long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
    boolean toKafka = target.topic != null;
    try (EventWriter writer = toKafka
            ? new KafkaEventWriter(kafka.options().get(InterestStreamOptions.BOOTSTRAP_SERVERS),
                kafka.clientProperties(), target.topic)
            : new AvroFileEventWriter(target.output.toFile());
        TruthWriter truthWriter = truth == null ? null : new TruthWriter(truth)) {
      SimulationRun run = new SimulationRun(simulator, writer, truthWriter, toKafka && !noPacing,
          malformedFraction, duplicateFraction, world.seed);
      long began = System.nanoTime();
      run.run(limit, () -> System.nanoTime() < deadline);
      double seconds = (System.nanoTime() - began) / 1e9;
      System.out.printf("simulate: %d events, %d malformed, %d duplicates written to %s in %.1f s (%.0f events/s)%n",
          run.validEvents(), run.malformedRecords(), run.duplicateRecords(),
          toKafka ? "topic " + target.topic : target.output, seconds, run.validEvents() / Math.max(seconds, 1e-9));
    }
    return 0;
  }
}
