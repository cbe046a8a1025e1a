package dev.intereststream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.contracts.Topics;
import dev.intereststream.events.TestEvents;
import dev.intereststream.job.KafkaTestSupport;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.reliability.ReliabilityFixture.Output;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.sim.PoisonRecords;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of malformed records of every kind, mixed into valid traffic, with restarts disabled: the
 * job never fails, every input record is accounted for (a dead letter keeping its original bytes and
 * offset, or a valid event that triggered an update or was a documented no-op), and nothing else.
 */
class PoisonFuzzITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private record Position(int partition, long offset) {}

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void everyRecordIsAnUpdateTriggerADeadLetterWithItsBytesOrADocumentedNoOp() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(Map.of("fuzz-input", ReliabilityFixture.PARTITIONS));
      List<ClickEvent> events = ReliabilityFixture.events(16_000, 101);
      PoisonRecords poison = new PoisonRecords(17);
      Random random = new Random(23);
      List<byte[]> malformed = new ArrayList<>();
      Set<String> validIds = new HashSet<>();
      try (KafkaTestSupport.TestProducer producer = KafkaTestSupport.producer(kafka.bootstrapServers())) {
        for (ClickEvent e : events) {
          byte[] valid = TestEvents.encode(e);
          byte[] key = Topics.userKey(e.getUserId());
          producer.send("fuzz-input", key, valid);
          validIds.add(e.getEventId());
          if (random.nextInt(4) == 0) { // one malformed record for every four valid ones
            byte[] bad = random.nextInt(10) == 0
                ? randomBytes(random) : poison.next(valid, System.currentTimeMillis()).value();
            producer.send("fuzz-input", random.nextBoolean() ? key : null, bad);
            malformed.add(bad);
          }
        }
      }
      assertThat(malformed).hasSizeGreaterThan(3_000);

      Configuration options = ReliabilityFixture.options(kafka, "fuzz-input", "fuzz");
      options.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // one failure would fail the test
      ReliabilityFixture.createOutputTopics(kafka, options);
      ReliabilityFixture.environment(options, 2, true, UnaryOperator.identity()).execute("fuzz");

      Map<Position, ConsumerRecord<byte[], byte[]>> input = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommitted(kafka.bootstrapServers(), "fuzz-input",
          Duration.ofSeconds(3), Duration.ofSeconds(60))) {
        input.put(new Position(r.partition(), r.offset()), r);
      }
      assertThat(input).hasSize(events.size() + malformed.size());

      BinaryMessageDecoder<DeadLetter> decoder = Topics.DEAD_LETTERS.newDecoder();
      List<ByteBuffer> deadValues = new ArrayList<>();
      Set<Position> deadPositions = new HashSet<>();
      Set<String> errorTypes = new HashSet<>();
      for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommitted(kafka.bootstrapServers(),
          Topics.DEAD_LETTERS.name(options), Duration.ofSeconds(3), Duration.ofSeconds(60))) {
        DeadLetter d = decoder.decode(r.value());
        Position p = new Position(d.getSourcePartition(), (long) d.getSourceOffset());
        ConsumerRecord<byte[], byte[]> original = input.get(p);
        assertThat(original).as("input record at %s", p).isNotNull();
        assertThat(bytes(d.getOriginalValue())).as("original bytes at %s", p).isEqualTo(original.value());
        assertThat(bytes(d.getOriginalKey())).as("original key at %s", p).isEqualTo(original.key());
        assertThat(d.getSourceTopic()).isEqualTo("fuzz-input");
        assertThat(d.getReason()).isNotBlank();
        assertThat(deadPositions.add(p)).as("one dead letter per record, %s", p).isTrue();
        deadValues.add(d.getOriginalValue());
        errorTypes.add(d.getErrorType());
      }
      assertThat(deadValues).containsExactlyInAnyOrderElementsOf(
          malformed.stream().map(b -> b == null ? null : ByteBuffer.wrap(b)).toList());
      assertThat(errorTypes).contains("NULL_VALUE", "BAD_HEADER", "UNKNOWN_SCHEMA", "CORRUPT_PAYLOAD",
          "TRAILING_BYTES", "INVALID_FIELD", "EVENT_TIME_OUT_OF_RANGE");

      Output out = ReliabilityFixture.read(kafka, options);
      assertThat(out.duplicates()).isZero();
      assertThat(validIds).containsAll(out.updates().keySet());
      long noOps = validIds.size() - out.updates().size();
      System.out.printf("fuzz: %d records = %d dead letters + %d valid events (%d triggered an update, %d no-ops: "
              + "debounced, duplicate or late)%n", input.size(), deadPositions.size(), validIds.size(),
          out.updates().size(), noOps);
      assertThat(deadPositions.size() + validIds.size()).isEqualTo(input.size());
    }
  }

  private static byte[] randomBytes(Random random) {
    byte[] b = new byte[random.nextInt(300)];
    random.nextBytes(b);
    return b;
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
