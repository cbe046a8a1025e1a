package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.KafkaIo;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Option;

/** Where Kafka is and how to authenticate, shared by the commands that talk to it. */
final class KafkaConnection {

  @Option(names = "--bootstrap-servers", paramLabel = "host:port,...",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1:9092")
  String bootstrapServers;

  @Option(names = "--client-properties", paramLabel = "FILE",
      description = "Kafka client properties file (security.protocol, sasl.*, ssl.*). Keeps credentials off "
          + "the command line; never printed.")
  Path clientProperties;

  void applyTo(Configuration config) {
    config.set(InterestStreamOptions.BOOTSTRAP_SERVERS, bootstrapServers);
    if (clientProperties != null) {
      config.set(InterestStreamOptions.CLIENT_PROPERTIES_FILE, clientProperties.toString());
    }
  }

  /** Client properties including bootstrap servers and the file's settings. */
  Properties clientProperties() {
    Configuration c = new Configuration();
    applyTo(c);
    Properties props = KafkaIo.clientProperties(c);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }
}
