package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamJob;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.JobEnvironment;
import dev.intereststream.job.KafkaIo;
import dev.intereststream.contracts.Topics;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.local.OutputMonitor;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.scoring.OnnxScorer;
import dev.intereststream.scoring.ScorerFactory;
import dev.intereststream.sim.KafkaEventWriter;
import dev.intereststream.sim.SimulationRun;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.World;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
  private static final int WARM_UP_SECONDS = 5;
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

      java.nio.file.Path checkpoints = java.nio.file.Files.createTempDirectory("interest-stream-checkpoints-");
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

      View view = new View(monitor, simulation);
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
      org.apache.logging.log4j.core.config.Configurator.setLevel(
          "org.apache.flink.runtime.checkpoint.CheckpointFailureManager", org.apache.logging.log4j.Level.ERROR);
      job.cancel().get(30, TimeUnit.SECONDS);
      monitorThread.join(5_000);
      org.apache.flink.util.FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
      return monitor.updates() > 0 ? 0 : 1;
    }
  }

  private static String describe(ScorerFactory scorer) {
    return scorer instanceof OnnxScorer.Factory onnx ? "onnx (Transformer " + onnx.modelVersion() + ")" : "heuristic";
  }

  /** The once-a-second live view. */
  private final class View {
    private final OutputMonitor monitor;
    private final SimulationRun simulation;
    private final long started = System.nanoTime();
    private long lastEvents;
    private long lastUpdates;
    private long lastDead;
    private int seconds;
    private long firstUpdateSecond = -1;
    private long eventsAtFirstUpdate;
    /** Last tick while traffic was still running, for the steady input rate. */
    private long lastLiveSecond;
    private long eventsAtLastLiveTick;
    /** Largest "behind" after the warm-up while traffic ran: how far the scored output trailed the input. */
    private long steadyBehindMaxMs;
    private final OutputMonitor.Interval all = OutputMonitor.Interval.empty();
    /** Latencies after the first updates' catch-up of the backlog written while the job started. */
    private final OutputMonitor.Interval steady = OutputMonitor.Interval.empty();

    View(OutputMonitor monitor, SimulationRun simulation) {
      this.monitor = monitor;
      this.simulation = simulation;
    }

    void header() {
      out.println("   time  events/s  updates/s  dead/s   behind s | pipeline ms p50   p99 | visible ms p50   p99");
    }

    /** @param live whether traffic is still running (false for the last tick after it stopped) */
    void tick(boolean live) {
      seconds = (int) Math.round((System.nanoTime() - started) / 1e9);
      long events = simulation.validEvents();
      long updates = monitor.updates();
      long dead = monitor.deadLetters();
      OutputMonitor.Interval interval = monitor.interval();
      if (firstUpdateSecond < 0 && updates > 0) {
        firstUpdateSecond = seconds;
        eventsAtFirstUpdate = events;
      }
      all.add(interval);
      if (firstUpdateSecond >= 0 && seconds > firstUpdateSecond + WARM_UP_SECONDS) {
        steady.add(interval);
      }
      if (live) {
        lastLiveSecond = seconds;
        eventsAtLastLiveTick = events;
      }
      String behind = "-";
      long newestInput = simulation.newestEventTime();
      long newestScored = monitor.newestTriggerEventTime();
      if (newestInput != Long.MIN_VALUE && newestScored != Long.MIN_VALUE) {
        long behindMs = Math.max(0, newestInput - newestScored);
        behind = String.format(Locale.ROOT, "%.1f", behindMs / 1000.0);
        if (live && firstUpdateSecond >= 0 && seconds > firstUpdateSecond + WARM_UP_SECONDS) {
          steadyBehindMaxMs = Math.max(steadyBehindMaxMs, behindMs);
        }
      }
      out.printf(Locale.ROOT, "%6ds %9d %10d %7d %10s | %15s %5s | %14s %5s%n", seconds, events - lastEvents,
          updates - lastUpdates, dead - lastDead, behind, p(interval.pipeline(), 50), p(interval.pipeline(), 99),
          p(interval.visible(), 50), p(interval.visible(), 99));
      lastEvents = events;
      lastUpdates = updates;
      lastDead = dead;
      if (seconds % 5 == 0 && usersShown > 0) {
        users();
      }
    }

    private void users() {
      for (Map.Entry<Long, Map<Scenario, InterestUpdate>> user : monitor.mostActiveUsers(usersShown).entrySet()) {
        for (InterestUpdate u : user.getValue().values()) {
          String categories = u.getCategoryInterests().stream().limit(4)
              .map(c -> c.getCategoryId() + ":" + String.format(Locale.ROOT, "%.2f", c.getWeight()))
              .collect(Collectors.joining(" "));
          String items = u.getTopItems().stream().limit(4)
              .map(i -> i.getItemId() + "(" + String.format(Locale.ROOT, "%.2f", i.getScore()) + ")")
              .collect(Collectors.joining(" "));
          out.printf("         user %-6d %-9s categories %-30s top items %s%n", user.getKey(), u.getScenario(),
              categories, items.isEmpty() ? "(no trending candidates yet)" : items);
        }
      }
    }

    void summary() {
      long steadySeconds = firstUpdateSecond < 0 ? 0 : Math.max(1, lastLiveSecond - firstUpdateSecond);
      double eventsPerSecond = steadySeconds == 0 ? 0 : (eventsAtLastLiveTick - eventsAtFirstUpdate) / (double) steadySeconds;
      out.printf(Locale.ROOT, "SUMMARY seconds=%d events_in=%d malformed_in=%d duplicates_in=%d updates_out=%d "
              + "dead_letters=%d first_update_after_s=%d steady_events_per_s=%.0f updates_per_s=%.0f "
              + "pipeline_p50_ms=%s pipeline_p99_ms=%s visible_p50_ms=%s visible_p99_ms=%s "
              + "all_pipeline_p99_ms=%s all_visible_p99_ms=%s steady_behind_max_ms=%d%n",
          seconds, simulation.validEvents(), simulation.malformedRecords(), simulation.duplicateRecords(),
          monitor.updates(), monitor.deadLetters(), firstUpdateSecond, eventsPerSecond,
          steadySeconds == 0 ? 0.0 : monitor.updates() / (double) steadySeconds,
          p(steady.pipeline(), 50), p(steady.pipeline(), 99), p(steady.visible(), 50), p(steady.visible(), 99),
          p(all.pipeline(), 99), p(all.visible(), 99), steadyBehindMaxMs);
    }

    private static String p(Histogram h, double percentile) {
      return h.getTotalCount() == 0 ? "-" : Long.toString(h.getValueAtPercentile(percentile));
    }
  }
}
