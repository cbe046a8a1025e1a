package dev.intereststream.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;

/** Parses durations as Flink does ("30s", "2 min", "1h") or as ISO-8601 ("PT30S"). */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    if (value.startsWith("P") || value.startsWith("p")) {
      return Duration.parse(value);
    }
    return TimeUtils.parseDuration(value);
  }
}
