package dev.intereststream.cli;

import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * A command-line flag that sets one job option, which {@code -D key=value} can set too. One rule for
 * every such flag: the flag given sets the option; a {@code -D} given sets it; both given with different
 * values stop the command at start-up naming both; neither leaves the option's default. So these flags
 * carry no picocli default (an unset flag is {@code null}): a default would look like a given flag
 * and silently replace the {@code -D} value.
 *
 * @param name the flag, e.g. {@code --input-topic}
 * @param option the option it sets
 */
record OptionFlag<T>(String name, ConfigOption<T> option) {

  /**
   * Sets the flag's value into {@code given}, the {@code -D} settings, unless the flag was not given.
   *
   * @param value the flag's value, {@code null} when the flag was not given
   * @throws IllegalArgumentException if {@code given} holds another value for the option
   */
  void applyTo(Configuration given, T value) {
    if (value == null) {
      return;
    }
    Optional<T> dashD = given.getOptional(option);
    if (dashD.isPresent() && !dashD.get().equals(value)) {
      // Each side as it is written: picocli takes an enum's name, Flink its toString (exactly-once).
      Object flagText = value instanceof Enum<?> e ? e.name() : value;
      throw new IllegalArgumentException(name + " " + flagText + " and -D " + option.key() + "=" + dashD.get()
          + " set the same option to different values: give one of them");
    }
    given.set(option, value);
  }
}
