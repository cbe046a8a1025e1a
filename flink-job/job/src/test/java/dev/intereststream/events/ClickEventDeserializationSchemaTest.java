package dev.intereststream.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.contracts.Topics;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Valid events whose Kafka key is not the decimal user id (a librdkafka producer, another key format)
 * are kept and counted; null keys are counted apart.
 */
class ClickEventDeserializationSchemaTest {

  /** The counters the schema registers, by name. */
  private final Map<String, Counter> counters = new HashMap<>();
  private final ClickEventDeserializationSchema schema = new ClickEventDeserializationSchema(300_000L, 1_000_000);
  private final List<DecodedRecord> out = new ArrayList<>();
  private long offset;

  ClickEventDeserializationSchemaTest() throws Exception {
    MetricGroup group = new UnregisteredMetricsGroup() {
      @Override
      public Counter counter(String name) {
        return counters.computeIfAbsent(name, n -> new SimpleCounter());
      }
    };
    schema.open(new DeserializationSchema.InitializationContext() {
      @Override
      public MetricGroup getMetricGroup() {
        return group;
      }

      @Override
      public UserCodeClassLoader getUserCodeClassLoader() {
        return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
      }
    });
  }

  private void send(String key, long user) throws Exception {
    byte[] value = TestEvents.encode(TestEvents.event("e-" + offset, user, 11, 3, Scenario.NEWS, Action.CLICK, null,
        System.currentTimeMillis()));
    byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    schema.deserialize(new ConsumerRecord<>("click-events", 1, offset++, keyBytes, value), new Collector<>() {
      @Override
      public void collect(DecodedRecord record) {
        out.add(record);
      }

      @Override
      public void close() {}
    });
  }

  private long count(String name) {
    return counters.get(name).getCount();
  }

  @Test
  void countsValidEventsWhoseKeyIsNotTheUserIdAndKeepsThem() throws Exception {
    send("7", 7);
    send("1234567890123", 1234567890123L);
    send("8", 7);
    send("07", 7);
    send("77", 7);
    send("", 7);
    send("user-7", 7);
    send(null, 7);
    assertThat(out).hasSize(8).allSatisfy(r -> assertThat(r.click).isNotNull());
    assertThat(count("keyMismatchEvents")).isEqualTo(5);
    assertThat(count("unkeyedEvents")).isEqualTo(1);
  }

  @Test
  void deadLettersAreNotKeyChecked() throws Exception {
    schema.deserialize(new ConsumerRecord<>("click-events", 0, 0L, "x".getBytes(StandardCharsets.UTF_8),
        new byte[] {1, 2, 3}), new Collector<>() {
          @Override
          public void collect(DecodedRecord record) {
            out.add(record);
          }

          @Override
          public void close() {}
        });
    assertThat(out.get(0).deadLetter).isNotNull();
    assertThat(count("keyMismatchEvents")).isZero();
  }

  @Test
  void userKeyMatchesOnlyTheExactDecimalDigits() {
    for (long id : new long[] {1, 9, 10, 42, 1_000_000, Long.MAX_VALUE}) {
      assertThat(Topics.isUserKey(Topics.userKey(id), id)).as("%d", id).isTrue();
      assertThat(Topics.isUserKey(Topics.userKey(id + 1), id)).as("%d + 1", id).isFalse();
      assertThat(Topics.isUserKey(("0" + id).getBytes(StandardCharsets.UTF_8), id)).isFalse();
      assertThat(Topics.isUserKey((id + " ").getBytes(StandardCharsets.UTF_8), id)).isFalse();
    }
    assertThat(Topics.isUserKey(new byte[0], 5)).isFalse();
    assertThat(Topics.isUserKey(Topics.userKey(-5), -5)).isTrue();
  }
}
