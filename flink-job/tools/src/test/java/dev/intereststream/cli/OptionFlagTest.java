package dev.intereststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.intereststream.job.InterestStreamOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every CLI flag that sets a job option, parsed by picocli into the options the job receives: the flag
 * given or the {@code -D} given reaches the job, both disagreeing stop it, neither leaves the default.
 */
class OptionFlagTest {

  /**
   * One flag of one command, with values as the job receives them.
   *
   * @param value a value other than the default
   * @param other another one, for the conflict
   * @param neither what the job gets with neither given ({@code null}: the option stays unset)
   */
  record Case(String command, OptionFlag<?> flag, Object value, Object other, Object neither) {
    @Override
    public String toString() {
      return command + " " + flag.name() + " / -D " + flag.option().key();
    }

    String key() {
      return flag.option().key();
    }

    /** How the flag is written: picocli takes an enum's name. */
    static String flagText(Object v) {
      return v instanceof Enum<?> e ? e.name() : v.toString();
    }

    /** How -D is written: Flink parses an enum from its toString (exactly-once). */
    static String dashD(String key, Object v) {
      return key + "=" + v;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("run", KafkaConnection.BOOTSTRAP_SERVERS, "broker-a:9092", "broker-b:9092", "127.0.0.1:9092"),
        new Case("run", KafkaConnection.CLIENT_PROPERTIES, "/etc/a.properties", "/etc/b.properties", null),
        new Case("run", RunCommand.INPUT_TOPIC, "clicks-a", "clicks-b", "click-events"),
        new Case("run", RunCommand.OUTPUT_TOPIC, "scores-a", "scores-b", "interest-scores"),
        new Case("run", RunCommand.DEAD_LETTER_TOPIC, "dlq-a", "dlq-b", "click-events-dlq"),
        new Case("run", RunCommand.PARALLELISM, 3, 4, null),
        new Case("demo", DemoCommand.PARALLELISM, 3, 4, 2),
        new Case("demo", DemoCommand.DELIVERY, DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.NONE,
            DeliveryGuarantee.EXACTLY_ONCE));
  }

  /** What the job receives from a parsed command line. */
  private static Configuration jobOptions(String... args) {
    Object command = new CommandLine(new InterestStreamCli()).parseArgs(args).subcommand().commandSpec().userObject();
    if (command instanceof RunCommand run) {
      return run.options();
    }
    if (command instanceof DemoCommand demo) {
      return demo.options();
    }
    if (command instanceof ExportTrainingDataCommand export) {
      return export.options();
    }
    if (command instanceof TailCommand tail) {
      return tail.kafka.options();
    }
    return ((SimulateCommand) command).kafka.options();
  }

  private static String[] args(String... args) {
    return args;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aDashDOptionIsNotOverriddenByAFlagDefault(Case c) {
    Configuration options = jobOptions(c.command(), "-D", Case.dashD(c.key(), c.value()));
    assertThat((Object) options.get(c.flag().option())).isEqualTo(c.value());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aFlagGivenReachesTheJob(Case c) {
    Configuration options = jobOptions(c.command(), c.flag().name(), Case.flagText(c.value()));
    assertThat((Object) options.get(c.flag().option())).isEqualTo(c.value());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aFlagAndADashDWithDifferentValuesAreRefusedNamingBoth(Case c) {
    assertThatThrownBy(() -> jobOptions(c.command(), c.flag().name(), Case.flagText(c.value()),
        "-D", Case.dashD(c.key(), c.other())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(c.flag().name() + " " + Case.flagText(c.value()))
        .hasMessageContaining("-D " + Case.dashD(c.key(), c.other()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aFlagAndADashDWithTheSameValueAgree(Case c) {
    Configuration options = jobOptions(c.command(), c.flag().name(), Case.flagText(c.value()),
        "-D", Case.dashD(c.key(), c.value()));
    assertThat((Object) options.get(c.flag().option())).isEqualTo(c.value());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void withNeitherTheJobGetsTheDefault(Case c) {
    Configuration options = jobOptions(c.command());
    if (c.neither() == null) {
      assertThat(options.getOptional(c.flag().option())).isEmpty();
    } else {
      assertThat((Object) options.get(c.flag().option())).isEqualTo(c.neither());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theHelpOfEachFlagNamesItsOptionAndTheDefault(Case c) {
    String help = String.join(" ", new CommandLine(new InterestStreamCli()).getSubcommands().get(c.command())
        .getCommandSpec().findOption(c.flag().name()).description());
    assertThat(help).contains("sets " + c.key());
    if (c.neither() != null) {
      assertThat(help).contains("default: " + Case.flagText(c.neither()));
    }
  }

  @Test
  void theKafkaFlagsOfTailAndSimulateReachTheirClientsAndDefaultToTheOption() {
    for (String[] command : List.of(args("tail"), args("simulate", "--topic", "t"))) {
      List<String> given = new ArrayList<>(List.of(command));
      given.addAll(List.of("--bootstrap-servers", "broker-a:9092", "--client-properties", "/etc/a.properties"));
      Configuration options = jobOptions(given.toArray(String[]::new));
      assertThat(options.get(InterestStreamOptions.BOOTSTRAP_SERVERS)).as(given.toString()).isEqualTo("broker-a:9092");
      assertThat(options.get(InterestStreamOptions.CLIENT_PROPERTIES_FILE)).isEqualTo("/etc/a.properties");
      assertThat(jobOptions(command).get(InterestStreamOptions.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
    }
  }

  @Test
  void demoRefusesADashDBrokerSinceItRunsItsOwn() {
    assertThatThrownBy(() -> jobOptions("demo", "-D", "kafka.bootstrap-servers=broker-a:9092"))
        .hasMessageContaining("-D kafka.bootstrap-servers does not apply to demo");
  }

  @Test
  void exportTrainingDataRefusesADashDStateShorterThanTheModelNamingBoth() {
    assertThatThrownBy(() -> jobOptions("export-training-data", "--events", "e.avro", "--out", "o",
        "-D", "features.sequence-length=30"))
        .hasMessageContaining("-D features.sequence-length=30").hasMessageContaining("--sequence-length 50");
    assertThat(jobOptions("export-training-data", "--events", "e.avro", "--out", "o", "--sequence-length", "30",
        "-D", "features.sequence-length=30").get(InterestStreamOptions.SEQUENCE_LENGTH)).isEqualTo(30);
    assertThat(jobOptions("export-training-data", "--events", "e.avro", "--out", "o", "--sequence-length", "60")
        .get(InterestStreamOptions.SEQUENCE_LENGTH)).as("raised to what the model reads").isEqualTo(60);
    assertThat(jobOptions("export-training-data", "--events", "e.avro", "--out", "o",
        "-D", "features.sequence-length=80").get(InterestStreamOptions.SEQUENCE_LENGTH)).isEqualTo(80);
  }
}
