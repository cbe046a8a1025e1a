package dev.intereststream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.contracts.Topics;
import dev.intereststream.job.KafkaTestSupport;
import dev.intereststream.local.EmbeddedKafka;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * An event id reused for a different event is refused with a dead letter that names the conflict; a
 * byte-identical re-send of an event is a duplicate and is dropped without one.
 */
class EventIdConflictITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void deadLettersAnEventIdReusedWithOtherContentAndDropsAReSentCopySilently() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(Map.of("conflict-input", ReliabilityFixture.PARTITIONS));
      List<ClickEvent> events = new ArrayList<>(ReliabilityFixture.events(2_000, 5));
      // A strong action triggers an update of its own, so the run must show the original's.
      int at = 1_000;
      while (events.get(at).getAction() != Action.PURCHASE && events.get(at).getAction() != Action.CLICK) {
        at++;
      }
      ClickEvent original = events.get(at);
      ClickEvent reSent = ClickEvent.newBuilder(original).build();
      ClickEvent reused = ClickEvent.newBuilder(original)
          .setItemId(original.getItemId() + 1)
          .setAction(original.getAction() == Action.PURCHASE ? Action.CLICK : Action.PURCHASE)
          .setEventTime(original.getEventTime().plusMillis(1))
          .build();
      events.add(at + 1, reSent);
      events.add(at + 2, reused);
      ReliabilityFixture.produce(kafka, "conflict-input", events);

      Configuration options = ReliabilityFixture.options(kafka, "conflict-input", "conflict");
      options.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      ReliabilityFixture.createOutputTopics(kafka, options);
      ReliabilityFixture.environment(options, 2, true, UnaryOperator.identity()).execute("conflict");

      BinaryMessageDecoder<DeadLetter> decoder = Topics.DEAD_LETTERS.newDecoder();
      List<DeadLetter> dead = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommitted(kafka.bootstrapServers(),
          Topics.DEAD_LETTERS.name(options), Duration.ofSeconds(3), Duration.ofSeconds(60))) {
        dead.add(decoder.decode(r.value()));
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Long.toString(original.getUserId()));
      }
      assertThat(dead).as("one dead letter: the reused id, not the re-sent copy").hasSize(1);
      DeadLetter d = dead.get(0);
      assertThat(d.getErrorType()).isEqualTo("EVENT_ID_CONFLICT");
      assertThat(d.getReason()).contains(original.getEventId()).contains(Long.toString(original.getUserId()));
      assertThat(d.getSourceTopic()).isEqualTo("conflict-input");
      assertThat(ClickEvent.fromByteBuffer(d.getOriginalValue())).isEqualTo(reused);
      assertThat(d.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(reused.getEventTime().toEpochMilli()));

      ReliabilityFixture.Output out = ReliabilityFixture.read(kafka, options);
      assertThat(out.duplicates()).isZero();
      // The update triggered under the id is the original's, never the reused event's.
      var update = out.updates().get(original.getEventId());
      assertThat(update).as("update triggered by the original").isNotNull();
      assertThat(update.getTriggerEventTime()).isEqualTo(original.getEventTime());
    }
  }
}
