package dev.intereststream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

/** Keeps the configuration reference (docs/configuration.md), the README's first lines and the compose file honest. */
class DocumentationTest {

  private static final Path ROOT = Path.of("..", "..");

  private static String defaultText(ConfigOption<?> option) {
    if (!option.hasDefaultValue()) {
      return "(none)";
    }
    Object d = option.defaultValue();
    if (d instanceof Duration duration) {
      return TimeUtils.formatWithHighestUnit(duration);
    }
    if (d instanceof List<?> list) {
      return String.join(";", list.stream().map(Object::toString).toList());
    }
    if (d instanceof Enum<?> e) {
      return e.toString(); // what Flink parses: DeliveryGuarantee reads "exactly-once", not its name
    }
    return String.valueOf(d);
  }

  @Test
  void everyDocumentedDefaultIsAValueTheOptionAccepts() {
    for (ConfigOption<?> option : InterestStreamOptions.all()) {
      if (option.hasDefaultValue()) {
        Configuration c = Configuration.fromMap(Map.of(option.key(), defaultText(option)));
        assertThat((Object) c.get(option)).as(option.key()).isEqualTo(option.defaultValue());
      }
    }
  }

  @Test
  void configurationReferenceDocumentsEveryOptionWithItsDefault() throws Exception {
    String reference = Files.readString(ROOT.resolve("docs").resolve("configuration.md"));
    for (ConfigOption<?> option : InterestStreamOptions.all()) {
      assertThat(reference).as("docs/configuration.md row of %s", option.key())
          .contains("| `" + option.key() + "` | `" + defaultText(option) + "` |");
    }
  }

  @Test
  void readmeStartsWithTheDemoAndTestCommands() throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    String head = String.join("\n", lines.subList(0, 6));
    assertThat(head).contains("java -jar flink-job/tools/target/interest-stream.jar demo").contains("mvn -B verify");
  }

  @Test
  void composeServicesPublishPortsOnLoopbackOnly() throws Exception {
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
    Matcher ports = Pattern.compile("(?m)^\\s+- \"([^\"]*:\\d+)\"\\s*$").matcher(compose);
    int found = 0;
    while (ports.find()) {
      found++;
      assertThat(ports.group(1)).startsWith("127.0.0.1:");
    }
    assertThat(found).isGreaterThanOrEqualTo(2);
  }
}
