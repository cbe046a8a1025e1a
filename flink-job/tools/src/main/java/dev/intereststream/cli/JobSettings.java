package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.JobArguments;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * {@code -D key=value} settings shared by the commands that run the job: any
 * {@link InterestStreamOptions} key, or any Flink option (state backend, parallelism, ...). A key in
 * one of interest-stream's own namespaces that no option has is refused, so typos do not pass silently.
 */
final class JobSettings {

  @Option(names = "-D", paramLabel = "key=value",
      description = "Set a job option (see docs/configuration.md) or any Flink option.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The settings as a Flink configuration, after validation. */
  Configuration toConfiguration() {
    return JobArguments.validated(settings);
  }
}
