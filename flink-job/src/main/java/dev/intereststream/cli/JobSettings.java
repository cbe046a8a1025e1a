package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * {@code -D key=value} settings shared by the commands that run the job: any
 * {@link InterestStreamOptions} key, or any Flink option (state backend, parallelism, ...). A key in
 * one of interest-stream's own namespaces that no option has is refused, so typos do not pass silently.
 */
final class JobSettings {

  private static final Set<String> KNOWN = InterestStreamOptions.all().stream()
      .map(ConfigOption::key).collect(Collectors.toSet());
  private static final Set<String> OWN_PREFIXES = InterestStreamOptions.all().stream()
      .map(o -> o.key().substring(0, o.key().indexOf('.') + 1)).collect(Collectors.toSet());

  @Option(names = "-D", paramLabel = "key=value",
      description = "Set a job option (see docs/configuration.md) or any Flink option.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The settings as a Flink configuration, after validation. */
  Configuration toConfiguration() {
    for (String key : settings.keySet()) {
      boolean ours = OWN_PREFIXES.stream().anyMatch(key::startsWith);
      if (ours && !KNOWN.contains(key)) {
        throw new IllegalArgumentException("unknown option -D " + key + "; known options: "
            + KNOWN.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
    return Configuration.fromMap(settings);
  }
}
