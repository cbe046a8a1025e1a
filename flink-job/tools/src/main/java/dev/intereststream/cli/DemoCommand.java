package dev.intereststream.cli;

import dev.intereststream.contracts.Topics;
import dev.intereststream.job.InterestStreamJob;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.JobEnvironment;
import dev.intereststream.job.KafkaIo;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.local.OutputMonitor;
import dev.intereststream.scoring.OnnxScorer;
import dev.intereststream.scoring.ScorerFactory;
import dev.intereststream.sim.KafkaEventWriter;
import dev.intereststream.sim.SimulationRun;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.World;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole product on one machine, no Docker: an Apache Kafka broker (KRaft) in this JVM on 127.0.0.1,
 * the three topics, the simulator writing live traffic (with a few malformed and duplicate records),
 * the job on a local Flink mini cluster, and a live view of what a read_committed consumer of
 * interest-scores sees.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run broker, simulator and job locally and show the interest updates streaming out.")
final class DemoCommand implements Callable<Integer> {

  private static final int INPUT_PARTITIONS = 4;
  static final OptionFlag<Integer> PARALLELISM = new OptionFlag<>("--parallelism", CoreOptions.DEFAULT_PARALLELISM);
  static final OptionFlag<DeliveryGuarantee> DELIVERY =
      new OptionFlag<>("--delivery", InterestStreamOptions.DELIVERY_GUARANTEE);

  @Mixin
  WorldOptions world;

  @Mixin
  JobSettings settings;

  @Option(names = "--duration", description = "Stop after this long, e.g. 60s (default: until Ctrl-C).",
      converter = DurationConverter.class)
  Duration duration;

  @Option(names = "--rate", description = "Simulated events per second (default: ${DEFAULT-VALUE}).",
      defaultValue = "2000")
  double rate;

  // No picocli defaults on flags that set an option (see OptionFlag): the help states the default.
  @Option(names = "--parallelism", description = "Job parallelism (sets parallelism.default; default: 2).")
  Integer parallelism;

  @Option(names = "--delivery",
      description = "EXACTLY_ONCE or AT_LEAST_ONCE (sets sink.delivery-guarantee; default: EXACTLY_ONCE).")
  DeliveryGuarantee delivery;

  @Option(names = "--malformed-fraction", description = "Share of malformed records mixed into the input "
      + "(default: ${DEFAULT-VALUE}).", defaultValue = "0.002")
  double malformedFraction;

  @Option(names = "--duplicate-fraction", description = "Share of events sent twice (default: ${DEFAULT-VALUE}).",
      defaultValue = "0.002")
  double duplicateFraction;

  @Option(names = "--users-shown", description = "Users whose interests the view shows (default: ${DEFAULT-VALUE}).",
      defaultValue = "3")
  int usersShown;

  private final PrintStream out = System.out;

  /**
   * Settings that make a short demo lively; any -D overrides them. Trending settings stay at the
   * defaults, which the shipped model's training data was exported with (see model/MODEL_CARD.md).
   */
  static Configuration demoDefaults() {
    Configuration c = new Configuration();
    c.set(InterestStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    c.set(InterestStreamOptions.DEBOUNCE_INTERVAL, Duration.ofSeconds(10));
    c.set(InterestStreamOptions.MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(1));
    c.set(InterestStreamOptions.SOURCE_IDLENESS, Duration.ofSeconds(5));
    c.set(InterestStreamOptions.STARTING_OFFSETS, InterestStreamOptions.StartingOffsets.EARLIEST);
    c.set(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX, "interest-stream-demo");
    c.set(CoreOptions.DEFAULT_PARALLELISM, 2); // one task slot per core of a small machine
    return c;
  }

  /**
   * The options the job runs with: the demo's defaults, under the {@code -D} settings and the flags
   * given (by the rule of {@link OptionFlag}); the caller adds its broker's address.
   *
   * @throws IllegalArgumentException for {@code -D kafka.bootstrap-servers}: the demo runs its own broker
   */
  Configuration options() {
    Configuration given = settings.toConfiguration();
    if (given.getOptional(InterestStreamOptions.BOOTSTRAP_SERVERS).isPresent()) {
      throw new IllegalArgumentException("-D " + InterestStreamOptions.BOOTSTRAP_SERVERS.key() + " does not apply "
          + "to demo, which runs its own broker; use 'run' for an existing Kafka cluster");
    }
    PARALLELISM.applyTo(given, parallelism);
    DELIVERY.applyTo(given, delivery);
    Configuration config = demoDefaults();
    config.addAll(given);
    return config;
  }

  @Override
  public Integer call() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopped.countDown();
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return demo(stopped);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for `finished`
      }
    }
  }

  private int demo(CountDownLatch stopped) throws Exception {
    Configuration config = options();
    out.println("interest-stream demo: starting an Apache Kafka broker (KRaft) on 127.0.0.1 ...");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      config.set(InterestStreamOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      int parallelism = config.get(CoreOptions.DEFAULT_PARALLELISM);
      DeliveryGuarantee delivery = config.get(InterestStreamOptions.DELIVERY_GUARANTEE);
      String input = Topics.CLICK_EVENTS.name(config);
      String output = Topics.INTEREST_SCORES.name(config);
      String dlq = Topics.DEAD_LETTERS.name(config);
      kafka.createTopics(Map.of(input, INPUT_PARTITIONS, output, INPUT_PARTITIONS, dlq, 1));

      Path checkpoints = Files.createTempDirectory("interest-stream-checkpoints-");
      StreamExecutionEnvironment env = JobEnvironment.local(config, parallelism, checkpoints);
      ScorerFactory scorer = InterestStreamJob.scorer(config);
      out.printf("interest-stream demo: Kafka at %s; Flink local, parallelism %d; scorer %s; %s delivery, "
              + "checkpoint every %s%n", kafka.bootstrapServers(), parallelism, describe(scorer), delivery,
          config.get(InterestStreamOptions.CHECKPOINT_INTERVAL).toMillis() + " ms");
      out.printf("  read along from another shell: java -jar flink-job/tools/target/interest-stream.jar tail "
          + "--bootstrap-servers %s%n", kafka.bootstrapServers());
      InterestStreamJob.build(env, config, KafkaIo.sourceBuilder(config).build(), KafkaIo.updatesSink(config),
          KafkaIo.deadLetterSink(config), scorer);
      JobClient job = env.executeAsync(InterestStreamJob.NAME);

      Properties clientProps = kafka.clientProperties();
      OutputMonitor monitor = new OutputMonitor(clientProps, output, dlq, true);
      Thread monitorThread = new Thread(monitor, "demo-monitor");
      monitorThread.setDaemon(true);
      monitorThread.start();

      int sessions = world.sessions != null ? world.sessions : (int) Math.max(50, rate / 5);
      World simulated = new World(world.toConfig().withConcurrentSessions(sessions));
      KafkaEventWriter writer = new KafkaEventWriter(kafka.bootstrapServers(), new Properties(), input);
      Simulator simulator = new Simulator(simulated, System.currentTimeMillis(), rate);
      SimulationRun simulation = new SimulationRun(simulator, writer, null, true, malformedFraction,
          duplicateFraction, world.seed);
      Thread simThread = new Thread(() -> {
        try {
          simulation.run(-1, () -> stopped.getCount() > 0);
        } catch (Exception e) {
          out.println("simulator stopped: " + e);
          stopped.countDown();
        }
      }, "demo-simulator");
      simThread.setDaemon(true);
      simThread.start();

      DemoView view = new DemoView(out, monitor, simulation, usersShown);
      long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
      view.header();
      while (stopped.getCount() > 0 && System.nanoTime() < deadline) {
        stopped.await(1, TimeUnit.SECONDS);
        view.tick(true);
        if (job.getJobStatus().get().isGloballyTerminalState()) {
          out.println("the job ended: " + job.getJobStatus().get());
          break;
        }
      }
      stopped.countDown();
      simThread.join(10_000);
      writer.close();
      // Let the last checkpoint commit what was scored, so the summary counts it.
      Thread.sleep(2 * config.get(InterestStreamOptions.CHECKPOINT_INTERVAL).toMillis() + 500);
      view.tick(false);
      monitor.close();
      view.summary();
      // Cancelling aborts the checkpoint in flight, which Flink reports as a warning with a stack trace.
      Configurator.setLevel("org.apache.flink.runtime.checkpoint.CheckpointFailureManager", Level.ERROR);
      job.cancel().get(30, TimeUnit.SECONDS);
      monitorThread.join(5_000);
      FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
      return monitor.updates() > 0 ? 0 : 1;
    }
  }

  private static String describe(ScorerFactory scorer) {
    return scorer instanceof OnnxScorer.Factory onnx ? "onnx (Transformer " + onnx.modelVersion() + ")" : "heuristic";
  }
}
