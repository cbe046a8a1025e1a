package dev.intereststream.job;

import dev.intereststream.events.ClickEventDeserializationSchema;
import dev.intereststream.events.DecodedRecord;
import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.sinks.DeadLetterSerializationSchema;
import dev.intereststream.sinks.InterestUpdateSerializationSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the job's Kafka source and sinks from {@link InterestStreamOptions}. */
public final class KafkaIo {

  private KafkaIo() {}

  /**
   * Extra client settings from {@link InterestStreamOptions#CLIENT_PROPERTIES_FILE}, or none. The
   * values (credentials) are never logged or echoed; errors name the file only.
   */
  public static Properties clientProperties(ReadableConfig config) {
    Properties props = new Properties();
    config.getOptional(InterestStreamOptions.CLIENT_PROPERTIES_FILE).ifPresent(file -> {
      Path path = Path.of(file);
      if (!Files.isReadable(path)) {
        throw new IllegalArgumentException("Kafka client properties file " + path + " does not exist or is not readable");
      }
      try (InputStream in = Files.newInputStream(path)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read Kafka client properties file " + path, e);
      }
    });
    return props;
  }

  /** The click-events source; callers may still change it (tests bound it). */
  public static KafkaSourceBuilder<DecodedRecord> sourceBuilder(ReadableConfig config) {
    return KafkaSource.<DecodedRecord>builder()
        .setBootstrapServers(config.get(InterestStreamOptions.BOOTSTRAP_SERVERS))
        .setProperties(clientProperties(config))
        .setTopics(Topics.CLICK_EVENTS.name(config))
        .setGroupId(config.get(InterestStreamOptions.CONSUMER_GROUP))
        .setStartingOffsets(startingOffsets(config.get(InterestStreamOptions.STARTING_OFFSETS)))
        // Upstream producers may write transactionally: never read what they abort.
        .setProperty("isolation.level", "read_committed")
        .setDeserializer(new ClickEventDeserializationSchema(
            config.get(InterestStreamOptions.MAX_FUTURE_SKEW).toMillis()));
  }

  private static OffsetsInitializer startingOffsets(InterestStreamOptions.StartingOffsets s) {
    return switch (s) {
      case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case COMMITTED_OR_LATEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
  }

  public static KafkaSink<InterestUpdate> updatesSink(ReadableConfig config) {
    return KafkaSink.<InterestUpdate>builder()
        .setBootstrapServers(config.get(InterestStreamOptions.BOOTSTRAP_SERVERS))
        .setKafkaProducerConfig(producerProperties(config))
        .setRecordSerializer(new InterestUpdateSerializationSchema(Topics.INTEREST_SCORES.name(config)))
        .setDeliveryGuarantee(config.get(InterestStreamOptions.DELIVERY_GUARANTEE))
        .setTransactionalIdPrefix(config.get(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX) + "-scores")
        .build();
  }

  public static KafkaSink<DeadLetter> deadLetterSink(ReadableConfig config) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(config.get(InterestStreamOptions.BOOTSTRAP_SERVERS))
        .setKafkaProducerConfig(producerProperties(config))
        .setRecordSerializer(new DeadLetterSerializationSchema(Topics.DEAD_LETTERS.name(config)))
        .setDeliveryGuarantee(config.get(InterestStreamOptions.DELIVERY_GUARANTEE))
        .setTransactionalIdPrefix(config.get(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX) + "-dlq")
        .build();
  }

  private static Properties producerProperties(ReadableConfig config) {
    Properties props = clientProperties(config);
    props.setProperty("transaction.timeout.ms",
        Long.toString(config.get(InterestStreamOptions.TRANSACTION_TIMEOUT).toMillis()));
    return props;
  }
}
