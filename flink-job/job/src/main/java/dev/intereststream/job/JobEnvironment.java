package dev.intereststream.job;

import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The one place that builds the job's {@link StreamExecutionEnvironment}, for every caller: {@code run}
 * (under {@code flink run} or {@code java -jar}), the demo, the benchmark and the tests. Every
 * environment gets the same configuration, in this order, later layers winning:
 * {@link InterestStreamJob#environmentConfig} (what the job needs; a {@code -D} that would change one of
 * those settings is refused there), then the caller's defaults, then {@code options} (the job's options
 * and any Flink option the user set with {@code -D}).
 */
public final class JobEnvironment {

  private JobEnvironment() {}

  /**
   * The environment the process was started in: Flink's client installs one for {@code flink run}, a
   * test's {@code MiniClusterExtension} installs one too; without either, a mini cluster in this JVM.
   * The parallelism is {@code parallelism.default} of {@code options} where set, else the context's.
   *
   * @param callerDefaults settings of this caller that {@code options} may override (none: empty)
   */
  public static StreamExecutionEnvironment fromContext(Configuration options, Configuration callerDefaults) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(configuration(options, callerDefaults));
    // A context environment (flink run -p, a test cluster) brings its own parallelism, which the
    // configuration handed to it does not replace: only setParallelism does.
    options.getOptional(CoreOptions.DEFAULT_PARALLELISM).ifPresent(env::setParallelism);
    return env;
  }

  /** As {@link #fromContext(Configuration, Configuration)} at a given parallelism (tests). */
  public static StreamExecutionEnvironment fromContext(Configuration options, int parallelism) {
    StreamExecutionEnvironment env = fromContext(options, new Configuration());
    env.setParallelism(parallelism);
    return env;
  }

  /**
   * A mini cluster in this JVM even where a context environment exists (the demo and the benchmark run
   * their own broker next to it): its REST endpoint on a free loopback port, so runs never collide on
   * 8081 or listen beyond this machine, and checkpoints on disk under {@code checkpoints} (Flink's
   * in-memory default caps state at 5 MB). The caller owns those settings (it reads and deletes that
   * directory), so a {@code -D} of one of them with another value is refused rather than obeyed or
   * silently replaced.
   *
   * @throws IllegalArgumentException if {@code options} set one of those keys otherwise
   */
  public static StreamExecutionEnvironment local(Configuration options, int parallelism, Path checkpoints) {
    Configuration local = new Configuration();
    local.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    local.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    local.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    local.set(RestOptions.ADDRESS, "127.0.0.1");
    local.set(RestOptions.PORT, 0);
    Map<String, String> given = options.toMap();
    local.toMap().forEach((key, value) -> {
      if (given.containsKey(key) && !given.get(key).equals(value)) {
        throw new IllegalArgumentException("-D " + key + "=" + given.get(key) + ": this command runs Flink in its "
            + "own process with " + key + "=" + value + " and manages it itself; leave it out");
      }
    });
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration(options, local));
  }

  /**
   * Refuses settings no environment can run with (see {@link InterestStreamJob#environmentConfig}), for
   * callers that should fail before they touch Kafka or local state.
   *
   * @throws IllegalArgumentException naming the option at fault
   */
  public static void check(Configuration options) {
    InterestStreamJob.environmentConfig(options);
  }

  /** The layers described on the class, merged. */
  static Configuration configuration(Configuration options, Configuration callerDefaults) {
    Configuration conf = InterestStreamJob.environmentConfig(options);
    conf.addAll(callerDefaults);
    conf.addAll(options);
    return conf;
  }
}
