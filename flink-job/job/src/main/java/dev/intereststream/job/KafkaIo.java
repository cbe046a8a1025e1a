package dev.intereststream.job;

import dev.intereststream.contracts.Topics;
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

  /** Settings of an admin or plain client: {@link #clientProperties} plus the bootstrap servers. */
  public static Properties adminProperties(ReadableConfig config) {
    Properties props = clientProperties(config);
    props.put("bootstrap.servers", config.get(InterestStreamOptions.BOOTSTRAP_SERVERS));
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
            config.get(InterestStreamOptions.MAX_FUTURE_SKEW).toMillis(), maxRecordBytes(config)));
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
        .setRecordSerializer(new InterestUpdateSerializationSchema(Topics.INTEREST_SCORES.name(config),
            Topics.DEAD_LETTERS.name(config), maxRecordBytes(config)))
        .setDeliveryGuarantee(config.get(InterestStreamOptions.DELIVERY_GUARANTEE))
        .setTransactionalIdPrefix(config.get(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX) + "-scores")
        .build();
  }

  public static KafkaSink<DeadLetter> deadLetterSink(ReadableConfig config) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(config.get(InterestStreamOptions.BOOTSTRAP_SERVERS))
        .setKafkaProducerConfig(producerProperties(config))
        .setRecordSerializer(new DeadLetterSerializationSchema(Topics.DEAD_LETTERS.name(config),
            maxRecordBytes(config)))
        .setDeliveryGuarantee(config.get(InterestStreamOptions.DELIVERY_GUARANTEE))
        .setTransactionalIdPrefix(config.get(InterestStreamOptions.TRANSACTIONAL_ID_PREFIX) + "-dlq")
        .build();
  }

  /** Smallest accepted {@link InterestStreamOptions#MAX_RECORD_BYTES}: a dead letter's metadata must fit. */
  public static final int MIN_RECORD_BYTES = 4096;
  /** Bytes Kafka adds to a record's key and value (batch header 61, record framing up to 21, and slack). */
  public static final int RECORD_FRAMING_BYTES = 512;
  private static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

  /**
   * {@link InterestStreamOptions#MAX_RECORD_BYTES}, checked against the producer's max.request.size at
   * start-up: a limit the producer does not honour would let a record fail the job at run time.
   */
  public static int maxRecordBytes(ReadableConfig config) {
    int max = config.get(InterestStreamOptions.MAX_RECORD_BYTES);
    String key = InterestStreamOptions.MAX_RECORD_BYTES.key();
    if (max < MIN_RECORD_BYTES) {
      throw new IllegalArgumentException(key + " is " + max + ", less than the minimum " + MIN_RECORD_BYTES);
    }
    String configured = clientProperties(config).getProperty("max.request.size");
    int maxRequestSize;
    try {
      maxRequestSize = configured == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(configured.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("max.request.size in the Kafka client properties is not a number");
    }
    if (maxRequestSize < (long) max + RECORD_FRAMING_BYTES) {
      throw new IllegalArgumentException(key + " is " + max + " but the producer's max.request.size is "
          + maxRequestSize + (configured == null ? " (Kafka's default)" : " (set in the Kafka client properties)")
          + ": lower " + key + " to at most " + (maxRequestSize - RECORD_FRAMING_BYTES)
          + " or raise max.request.size");
    }
    return max;
  }

  private static Properties producerProperties(ReadableConfig config) {
    Properties props = clientProperties(config);
    props.setProperty("transaction.timeout.ms",
        Long.toString(config.get(InterestStreamOptions.TRANSACTION_TIMEOUT).toMillis()));
    return props;
  }
}
