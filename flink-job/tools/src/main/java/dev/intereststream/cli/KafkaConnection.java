package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.KafkaIo;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/**
 * Where Kafka is and how to authenticate, shared by the commands that talk to it. The flags set
 * {@link InterestStreamOptions#BOOTSTRAP_SERVERS} and {@link InterestStreamOptions#CLIENT_PROPERTIES_FILE}
 * by the rule of {@link OptionFlag}.
 */
final class KafkaConnection {

  static final OptionFlag<String> BOOTSTRAP_SERVERS =
      new OptionFlag<>("--bootstrap-servers", InterestStreamOptions.BOOTSTRAP_SERVERS);
  static final OptionFlag<String> CLIENT_PROPERTIES =
      new OptionFlag<>("--client-properties", InterestStreamOptions.CLIENT_PROPERTIES_FILE);

  @Option(names = "--bootstrap-servers", paramLabel = "host:port,...",
      description = "Kafka bootstrap servers (sets kafka.bootstrap-servers; default: 127.0.0.1:9092).")
  String bootstrapServers;

  @Option(names = "--client-properties", paramLabel = "FILE",
      description = "Kafka client properties file (security.protocol, sasl.*, ssl.*). Keeps credentials off "
          + "the command line; never printed (sets kafka.client-properties-file).")
  Path clientProperties;

  /** Sets the flags given into {@code given} (the {@code -D} settings), refusing a contradiction. */
  void applyTo(Configuration given) {
    BOOTSTRAP_SERVERS.applyTo(given, bootstrapServers);
    CLIENT_PROPERTIES.applyTo(given, clientProperties == null ? null : clientProperties.toString());
  }

  /** The options these flags set, for the commands without {@code -D}. */
  Configuration options() {
    Configuration c = new Configuration();
    applyTo(c);
    return c;
  }

  /** Client properties of a command without {@code -D}: bootstrap servers and the file's settings. */
  Properties clientProperties() {
    return KafkaIo.adminProperties(options());
  }
}
