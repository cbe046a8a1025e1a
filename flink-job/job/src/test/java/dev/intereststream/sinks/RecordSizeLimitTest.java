package dev.intereststream.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.contracts.DeadLetterCap;
import dev.intereststream.contracts.Topics;
import dev.intereststream.events.ClickEventDeserializationSchema;
import dev.intereststream.events.Rejection.ErrorType;
import dev.intereststream.events.Rejection;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.CategoryInterest;
import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.schemas.ScoredItem;
import dev.intereststream.schemas.TriggerReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Dead letters and updates at and beyond the Kafka limits (producer max.request.size 1,048,576, broker
 * message.max.bytes 1,048,588): what the sinks hand to the producer never exceeds the record limit, and
 * a cut dead letter still names the whole original by size and SHA-256.
 */
class RecordSizeLimitTest {

  private static final int LIMIT = 1_000_000;
  private static final Rejection BAD = new Rejection(ErrorType.BAD_HEADER, "value starts with 00 00");
  private final Random random = new Random(3);

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static DeadLetter deadLetter(byte[] key, byte[] value, int limit) {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("click-events", 2, 77L, key, value);
    return ClickEventDeserializationSchema.deadLetter(record, BAD, 1_767_225_600_000L, limit);
  }

  private static void assertDescribesWhole(DeadLetter d, byte[] key, byte[] value) {
    assertThat(d.getOriginalKeySize()).isEqualTo(key == null ? null : key.length);
    assertThat(d.getOriginalValueSize()).isEqualTo(value == null ? null : value.length);
    assertThat(DeadLetterCap.bytes(d.getOriginalKeySha256())).isEqualTo(DeadLetterCap.sha256(key));
    assertThat(DeadLetterCap.bytes(d.getOriginalValueSha256())).isEqualTo(DeadLetterCap.sha256(value));
    byte[] keyPrefix = DeadLetterCap.bytes(d.getOriginalKey());
    byte[] valuePrefix = DeadLetterCap.bytes(d.getOriginalValue());
    if (key != null) {
      assertThat(keyPrefix).isEqualTo(Arrays.copyOf(key, keyPrefix.length));
    }
    if (value != null) {
      assertThat(valuePrefix).isEqualTo(Arrays.copyOf(value, valuePrefix.length));
    }
    boolean whole = Arrays.equals(keyPrefix, key) && Arrays.equals(valuePrefix, value);
    assertThat(d.getTruncated()).isEqualTo(!whole);
  }

  private static int size(ProducerRecord<byte[], byte[]> r) {
    return (r.key() == null ? 0 : r.key().length) + r.value().length;
  }

  private static DeadLetter decode(ProducerRecord<byte[], byte[]> r) throws Exception {
    return Topics.DEAD_LETTERS.newDecoder().decode(r.value());
  }

  @Test
  void deadLetterOfASmallRecordKeepsItWholeWithSizesAndHashes() {
    byte[] key = "42".getBytes(StandardCharsets.UTF_8);
    byte[] value = randomBytes(60);
    DeadLetter d = deadLetter(key, value, LIMIT);
    assertThat(DeadLetterCap.bytes(d.getOriginalKey())).isEqualTo(key);
    assertThat(DeadLetterCap.bytes(d.getOriginalValue())).isEqualTo(value);
    assertThat(d.getOriginalKeySha256().remaining()).isEqualTo(32);
    assertDescribesWhole(d, key, value);
    assertThat(d.getTruncated()).isFalse();
  }

  @Test
  void nullKeyAndTombstoneHaveNeitherSizesNorHashes() {
    DeadLetter d = deadLetter(null, null, LIMIT);
    assertThat(d.getOriginalKey()).isNull();
    assertThat(d.getOriginalValue()).isNull();
    assertDescribesWhole(d, null, null);
    assertThat(d.getTruncated()).isFalse();
  }

  @Test
  void valueFillingTheRoomLeftIsKeptWholeAndOneByteMoreIsCut() {
    byte[] key = "12345".getBytes(StandardCharsets.UTF_8);
    int room = LIMIT - 2 * key.length - DeadLetterCap.METADATA_RESERVE_BYTES;
    byte[] atRoom = randomBytes(room);
    DeadLetter whole = deadLetter(key, atRoom, LIMIT);
    assertThat(whole.getTruncated()).isFalse();
    assertDescribesWhole(whole, key, atRoom);

    byte[] beyond = randomBytes(room + 1);
    DeadLetter cut = deadLetter(key, beyond, LIMIT);
    assertThat(cut.getOriginalValue().remaining()).isEqualTo(room);
    assertThat(cut.getTruncated()).isTrue();
    assertDescribesWhole(cut, key, beyond);
  }

  @Test
  void keyLongerThanOneKibIsCutToItsPrefix() {
    byte[] key = randomBytes(300_000);
    byte[] value = randomBytes(740_000);
    DeadLetter d = deadLetter(key, value, LIMIT);
    assertThat(d.getOriginalKey().remaining()).isEqualTo(DeadLetterCap.MAX_KEY_PREFIX_BYTES);
    assertThat(d.getOriginalValue().remaining()).isEqualTo(value.length);
    assertDescribesWhole(d, key, value);
  }

  @Test
  void deadLetterRecordFitsTheLimitAtAndBeyondTheBrokerLimits() throws Exception {
    DeadLetterSerializationSchema schema = new DeadLetterSerializationSchema("dlq", LIMIT);
    for (int keySize : new int[] {-1, 2, 300_000, 1_048_576}) {
      for (int valueSize : new int[] {740_000, LIMIT, 1_048_576, 1_048_588, 5_000_000}) {
        byte[] key = keySize < 0 ? null : randomBytes(keySize);
        byte[] value = randomBytes(valueSize);
        ProducerRecord<byte[], byte[]> r = schema.serialize(deadLetter(key, value, LIMIT), null, null);
        assertThat(size(r)).as("key %d, value %d", keySize, valueSize).isLessThanOrEqualTo(LIMIT);
        assertThat(r.topic()).isEqualTo("dlq");
        DeadLetter d = decode(r);
        assertDescribesWhole(d, key, value);
        assertThat(r.key()).isEqualTo(DeadLetterCap.bytes(d.getOriginalKey()));
      }
    }
  }

  @Test
  void deadLetterBuiltWithoutTheCapIsCutInTheSinkKeepingSizesAndHashes() throws Exception {
    byte[] key = randomBytes(300_000);
    byte[] value = randomBytes(2_000_000);
    DeadLetter uncapped = DeadLetter.newBuilder()
        .setErrorType("CORRUPT_PAYLOAD").setReason("x".repeat(50_000))
        .setSourceTopic("click-events").setSourcePartition(0).setSourceOffset(9L)
        .setSourceTimestamp(Instant.EPOCH).setDeadLetteredAt(Instant.EPOCH)
        .setOriginalKey(ByteBuffer.wrap(key)).setOriginalValue(ByteBuffer.wrap(value))
        .build();
    for (int limit : new int[] {4096, LIMIT}) {
      ProducerRecord<byte[], byte[]> r = new DeadLetterSerializationSchema("dlq", limit).serialize(uncapped, null, null);
      assertThat(size(r)).as("limit %d", limit).isLessThanOrEqualTo(limit);
      DeadLetter d = decode(r);
      assertDescribesWhole(d, key, value);
      assertThat(d.getOriginalKey().remaining()).isLessThanOrEqualTo(DeadLetterCap.MAX_KEY_PREFIX_BYTES);
      if (limit == LIMIT) { // room enough to keep most of the value and the whole reason
        assertThat(d.getOriginalValue().remaining()).isGreaterThan(LIMIT - 60_000);
        assertThat(d.getReason()).hasSize(50_000);
      }
      assertThat(d.getErrorType()).isEqualTo("CORRUPT_PAYLOAD");
    }
  }

  private static InterestUpdate update(int items) {
    List<ScoredItem> top = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      top.add(new ScoredItem(1_000_000L + i, 500L + i % 97, 0.5f));
    }
    return InterestUpdate.newBuilder()
        .setUserId(42).setScenario(Scenario.NEWS).setScorer("onnx").setModelVersion("m-1")
        .setTriggerEventId("e-42").setTriggerAction(Action.CLICK).setTriggerReason(TriggerReason.STRONG_ACTION)
        .setTriggerEventTime(Instant.ofEpochMilli(1_767_225_600_000L)).setScoredAt(Instant.ofEpochMilli(1_767_225_600_100L))
        .setCandidatesConsidered(items).setTopItems(top)
        .setCategoryInterests(List.of(new CategoryInterest(500L, 1.0f)))
        .build();
  }

  @Test
  void updateAtTheLimitGoesToTheUpdatesTopicAndOneByteOverToTheDeadLetterTopic() throws Exception {
    InterestUpdate u = update(300);
    int size = size(new InterestUpdateSerializationSchema("scores", "dlq", LIMIT).serialize(u, null, null));
    ProducerRecord<byte[], byte[]> at = new InterestUpdateSerializationSchema("scores", "dlq", size)
        .serialize(u, null, null);
    assertThat(at.topic()).isEqualTo("scores");
    assertThat(Topics.INTEREST_SCORES.newDecoder().decode(at.value())).isEqualTo(u);

    ProducerRecord<byte[], byte[]> over = new InterestUpdateSerializationSchema("scores", "dlq", size - 1)
        .serialize(u, null, null);
    assertThat(over.topic()).isEqualTo("dlq");
    assertThat(size(over)).isLessThanOrEqualTo(size - 1);
    assertThat(decode(over).getErrorType()).isEqualTo(InterestUpdateSerializationSchema.UPDATE_TOO_LARGE);
  }

  @Test
  void updateBeyondTheBrokerLimitBecomesAnUpdateTooLargeDeadLetterThatFits() throws Exception {
    InterestUpdate u = update(120_000);
    byte[] encoded = new InterestUpdateSerializationSchema("scores", "dlq", Integer.MAX_VALUE).encode(u);
    assertThat(encoded.length).isGreaterThan(1_048_588);

    ProducerRecord<byte[], byte[]> r = new InterestUpdateSerializationSchema("scores", "dlq", LIMIT)
        .serialize(u, null, null);
    assertThat(r.topic()).isEqualTo("dlq");
    assertThat(size(r)).isLessThanOrEqualTo(LIMIT);
    assertThat(r.key()).isEqualTo(Topics.userKey(42));
    DeadLetter d = decode(r);
    assertThat(d.getErrorType()).isEqualTo("UPDATE_TOO_LARGE");
    assertThat(d.getReason()).contains("user 42", "e-42", "120000 top items");
    assertThat(d.getSourceTopic()).isEqualTo("scores");
    assertThat(d.getSourcePartition()).isEqualTo(-1);
    assertThat(d.getSourceOffset()).isEqualTo(-1L);
    assertDescribesWhole(d, Topics.userKey(42), encoded);
    assertThat(d.getTruncated()).isTrue();
  }
}
