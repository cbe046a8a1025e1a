package dev.intereststream.contracts;

import static org.apache.flink.configuration.ConfigOptions.key;

import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.DeadLetter;
import dev.intereststream.schemas.InterestUpdate;
import dev.intereststream.schemas.ReleasedSchemas;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The job's three topics, each with the option naming it, its key format and its value type. All
 * values are Avro single-object encoded; all keys are ids as decimal UTF-8 strings, readable by any
 * Kafka tool and by {@code StringDeserializer}.
 */
public final class Topics {

  private Topics() {}

  /** Input: click events keyed by user id. */
  public static final Topic<ClickEvent> CLICK_EVENTS =
      new Topic<>(
          key("topics.click-events").stringType().defaultValue("click-events")
              .withDescription("Input topic of ClickEvent records (Avro single-object encoding), keyed by user id."),
          "user_id", ClickEvent.class);
  /** Output: interest updates keyed by user id. */
  public static final Topic<InterestUpdate> INTEREST_SCORES =
      new Topic<>(
          key("topics.interest-scores").stringType().defaultValue("interest-scores")
              .withDescription("Output topic of InterestUpdate records (Avro single-object encoding), keyed by user id."),
          "user_id", InterestUpdate.class);
  /** Dead letters keyed by the original record's key (bytes as they were). */
  public static final Topic<DeadLetter> DEAD_LETTERS =
      new Topic<>(
          key("topics.dead-letters").stringType().defaultValue("click-events-dlq")
              .withDescription("Topic of DeadLetter records: every input record the job could not use, with "
                  + "reason and original bytes."),
          "original key", DeadLetter.class);

  /** A single-object encoder of {@code type}; not thread-safe. */
  public static <V extends SpecificRecord> BinaryMessageEncoder<V> encoder(Class<V> type) {
    return new BinaryMessageEncoder<>(SpecificData.getForClass(type), SpecificData.get().getSchema(type));
  }

  /** The key of a record about {@code userId}. */
  public static byte[] userKey(long userId) {
    return Long.toString(userId).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether {@code key} is exactly {@link #userKey(long)} of {@code userId}, compared digit by digit
   * without allocating (it runs for every input record). Leading zeros or a sign make it differ, as
   * they change the partition the Java client's murmur2 partitioner picks.
   */
  public static boolean isUserKey(byte[] key, long userId) {
    if (userId <= 0) {
      return Arrays.equals(key, userKey(userId));
    }
    int i = key.length;
    for (long v = userId; v > 0; v /= 10) {
      if (--i < 0 || key[i] != (byte) ('0' + v % 10)) {
        return false;
      }
    }
    return i == 0;
  }

  /**
   * One topic's contract.
   *
   * @param nameOption option holding the topic name
   * @param key what the record key holds
   * @param valueType Avro class of the value
   */
  public record Topic<V extends SpecificRecord>(ConfigOption<String> nameOption, String key, Class<V> valueType) {

    public String name(ReadableConfig config) {
      return config.get(nameOption);
    }

    /** A decoder of this topic's values, in every released writer schema; not thread-safe. */
    public BinaryMessageDecoder<V> newDecoder() {
      BinaryMessageDecoder<V> decoder =
          new BinaryMessageDecoder<>(SpecificData.getForClass(valueType), SpecificData.get().getSchema(valueType));
      ReleasedSchemas.of(valueType).forEach(decoder::addSchema);
      return decoder;
    }

    /** An encoder of this topic's values; not thread-safe. */
    public BinaryMessageEncoder<V> newEncoder() {
      return encoder(valueType);
    }
  }
}
