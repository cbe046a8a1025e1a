package dev.intereststream.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The job's settings as {@code -D key=value} pairs, the same form on {@code flink run} (program
 * arguments of the job jar) and on the tool jar's commands: any {@link InterestStreamOptions} key or any
 * Flink option. A key in one of interest-stream's own namespaces that no option has is refused, so a
 * typo stops the start instead of passing silently.
 */
public final class JobArguments {

  private static final Set<String> KNOWN = InterestStreamOptions.all().stream()
      .map(ConfigOption::key).collect(Collectors.toSet());
  private static final Set<String> OWN_PREFIXES = InterestStreamOptions.all().stream()
      .map(o -> o.key().substring(0, o.key().indexOf('.') + 1)).collect(Collectors.toSet());

  private JobArguments() {}

  /**
   * Parses {@code -D key=value} and {@code -Dkey=value} arguments.
   *
   * @throws IllegalArgumentException on any other argument, a pair without '=', a key given twice or
   *     an unknown key of the job's own namespaces
   */
  public static Configuration parse(String[] args) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String pair;
      if (args[i].equals("-D") && i + 1 < args.length) {
        pair = args[++i];
      } else if (args[i].startsWith("-D") && args[i].length() > 2) {
        pair = args[i].substring(2);
      } else {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "': the job takes its settings "
            + "as -D key=value (see docs/configuration.md)");
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("-D " + pair + ": expected key=value");
      }
      String key = pair.substring(0, eq);
      if (settings.put(key, pair.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("-D " + key + " is given twice");
      }
    }
    return validated(settings);
  }

  /** The settings as a Flink configuration, after {@link #requireKnown} checked their keys. */
  public static Configuration validated(Map<String, String> settings) {
    requireKnown(settings.keySet());
    return Configuration.fromMap(settings);
  }

  /** Refuses a key in the job's own namespaces that no option has, listing the known ones. */
  public static void requireKnown(Set<String> keys) {
    for (String key : keys) {
      boolean ours = OWN_PREFIXES.stream().anyMatch(key::startsWith);
      if (ours && !KNOWN.contains(key)) {
        throw new IllegalArgumentException("unknown option -D " + key + "; known options: "
            + KNOWN.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
  }
}
