package dev.intereststream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.contracts.DeadLetterCap;
import dev.intereststream.contracts.Topics;
import dev.intereststream.events.TestEvents;
import dev.intereststream.job.KafkaTestSupport;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.DeadLetter;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A click-events record as large as a broker with default limits accepts (a 300,000-byte key and a
 * 740,000-byte value) among valid traffic, restarts disabled: its dead letter would carry both and
 * exceed the producer's 1 MiB max.request.size. The job must keep running, the dead letter must fit
 * with the original sizes and hashes, and every valid record must still produce its updates.
 */
class LargeRecordITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final int KEY_BYTES = 300_000;
  private static final int VALUE_BYTES = 740_000;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void deadLettersARecordAtTheBrokerLimitAndKeepsProcessingTheValidOnesAfterIt() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(Map.of("large-input", ReliabilityFixture.PARTITIONS, "plain-input", ReliabilityFixture.PARTITIONS));
      List<ClickEvent> events = ReliabilityFixture.events(3_000, 31);
      Random random = new Random(5);
      byte[] key = new byte[KEY_BYTES];
      byte[] value = new byte[VALUE_BYTES];
      random.nextBytes(key);
      random.nextBytes(value);
      try (KafkaTestSupport.TestProducer producer = KafkaTestSupport.producer(kafka.bootstrapServers())) {
        for (int i = 0; i < events.size(); i++) {
          ClickEvent e = events.get(i);
          if (i == events.size() / 3) {
            producer.send("large-input", key, value);
          }
          producer.send("large-input", Topics.userKey(e.getUserId()), TestEvents.encode(e));
        }
      }
      ReliabilityFixture.produce(kafka, "plain-input", events);

      Output withLarge = runBounded(kafka, "large-input", "large");
      Output reference = runBounded(kafka, "plain-input", "plain");
      ReliabilityFixture.assertSameUpdatesOnce(reference, withLarge);

      List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestSupport.readCommitted(kafka.bootstrapServers(), "large-dlq",
          Duration.ofSeconds(3), Duration.ofSeconds(60));
      assertThat(dead).hasSize(1);
      ConsumerRecord<byte[], byte[]> record = dead.get(0);
      assertThat(record.serializedKeySize() + record.serializedValueSize()).isLessThanOrEqualTo(1_000_000);
      DeadLetter d = Topics.DEAD_LETTERS.newDecoder().decode(record.value());
      assertThat(d.getErrorType()).isEqualTo("BAD_HEADER");
      assertThat(d.getOriginalKeySize()).isEqualTo(KEY_BYTES);
      assertThat(d.getOriginalValueSize()).isEqualTo(VALUE_BYTES);
      assertThat(DeadLetterCap.bytes(d.getOriginalKeySha256())).isEqualTo(sha256(key));
      assertThat(DeadLetterCap.bytes(d.getOriginalValueSha256())).isEqualTo(sha256(value));
      assertThat(d.getTruncated()).isTrue();
      byte[] keyPrefix = DeadLetterCap.bytes(d.getOriginalKey());
      byte[] valuePrefix = DeadLetterCap.bytes(d.getOriginalValue());
      assertThat(keyPrefix).isNotEmpty().isEqualTo(Arrays.copyOf(key, keyPrefix.length));
      assertThat(valuePrefix).isNotEmpty().isEqualTo(Arrays.copyOf(value, valuePrefix.length));
      assertThat(record.key()).as("the dead letter's Kafka key is the key prefix").isEqualTo(keyPrefix);
    }
  }

  private static Output runBounded(EmbeddedKafka kafka, String input, String run) throws Exception {
    Configuration options = ReliabilityFixture.options(kafka, input, run);
    options.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // one failure fails the test
    ReliabilityFixture.createOutputTopics(kafka, options);
    ReliabilityFixture.environment(options, 2, true, UnaryOperator.identity()).execute(run);
    return ReliabilityFixture.read(kafka, options);
  }

  static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

}
