package dev.intereststream.events;

import static dev.intereststream.events.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.events.Rejection.ErrorType;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.Scenario;
import dev.intereststream.sim.PoisonRecords;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class ClickEventDecoderTest {

  private static final long NOW = T0 + 3_600_000L;
  private static final long SKEW = 300_000L;
  private final ClickEventDecoder decoder = new ClickEventDecoder(SKEW);

  private static byte[] valid() {
    return TestEvents.encode(TestEvents.event("e-1", 7, 11, 3, Scenario.NEWS, Action.CLICK, 4_200L, T0));
  }

  @Test
  void decodesValidRecordIntoClick() {
    Click click = new Click();
    assertThat(decoder.decode(valid(), NOW, click)).isNull();
    assertThat(click).isEqualTo(new Click("e-1", 7, 11, 3, Scenario.NEWS, Action.CLICK, 4_200, T0));
  }

  @Test
  void decodesRecordWithoutDwell() {
    Click click = new Click();
    byte[] bytes = TestEvents.encode(TestEvents.event("e-2", 7, 11, 3, Scenario.SOCIAL, Action.IMPRESSION, null, T0));
    assertThat(decoder.decode(bytes, NOW, click)).isNull();
    assertThat(click.dwellMs).isEqualTo(Click.NO_DWELL);
  }

  @Test
  void randomBytesNeverThrowAndAlwaysBecomeRejections() {
    Random random = new Random(1);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(80)];
      random.nextBytes(bytes);
      if (i % 2 == 0 && bytes.length >= 10) { // half of them with a valid header and fingerprint
        System.arraycopy(valid(), 0, bytes, 0, 10);
      }
      Rejection r = decoder.decode(bytes, NOW, new Click());
      assertThat(r).as("random record %d: %s", i, Arrays.toString(bytes)).isNotNull();
      assertThat(r.reason()).isNotBlank();
    }
  }

  @Test
  void everyTruncationIsRejected() {
    byte[] valid = valid();
    for (int length = 0; length < valid.length; length++) {
      Rejection r = decoder.decode(Arrays.copyOf(valid, length), NOW, new Click());
      assertThat(r).as("truncated to %d bytes", length).isNotNull();
      assertThat(r.errorType()).isIn(ErrorType.BAD_HEADER, ErrorType.CORRUPT_PAYLOAD);
    }
  }

  @Test
  void negativeStringLengthPrefixIsACorruptPayloadNotTrailingBytes() {
    // Avro's skip treats a negative length as 0: event_id "abc" with prefix -3 then skips through 'a',
    // 'b', 'c' as ids, category 1 (zigzag 02) as a valid union index, and stops before the end.
    byte[] bytes = TestEvents.encode(TestEvents.event("abc", 7, 11, 1, Scenario.NEWS, Action.CLICK, null, T0));
    bytes[ClickEventDecoder.HEADER_LENGTH] = 0x05; // zigzag -3
    Rejection r = decoder.decode(bytes, NOW, new Click());
    assertThat(r.errorType() + ": " + r.reason()).startsWith("CORRUPT_PAYLOAD").contains("negative length -3");
  }

  @Test
  void everyNegativeEventIdLengthIsReportedAsSuch() {
    Random random = new Random(7);
    for (int n = 0; n < 20; n++) {
      String id = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
      byte[] valid = TestEvents.encode(TestEvents.event(id, 1 + random.nextInt(1_000_000), 1 + random.nextInt(50_000),
          1 + random.nextInt(200), Scenario.ECOMMERCE, Action.CLICK, null, T0));
      for (int k = 1; k <= 64; k++) {
        byte[] bytes = valid.clone();
        bytes[ClickEventDecoder.HEADER_LENGTH] = (byte) (2 * k - 1); // zigzag -k
        Rejection r = decoder.decode(bytes, NOW, new Click());
        assertThat(r.errorType() + ": " + r.reason()).as("length prefix -%d before %s", k, id)
            .startsWith("CORRUPT_PAYLOAD").contains("negative length -" + k);
      }
    }
  }

  @Test
  void rejectsUnknownFingerprintNamingIt() {
    byte[] bytes = valid();
    bytes[5] ^= 0x40;
    Rejection r = decoder.decode(bytes, NOW, new Click());
    assertThat(r.errorType()).isEqualTo(ErrorType.UNKNOWN_SCHEMA);
    assertThat(r.reason()).contains("fingerprint");
  }

  @Test
  void everyPoisonKindBecomesTheExpectedRejection() {
    Map<PoisonRecords.Kind, ErrorType> expected = new EnumMap<>(PoisonRecords.Kind.class);
    expected.put(PoisonRecords.Kind.TOMBSTONE, ErrorType.NULL_VALUE);
    expected.put(PoisonRecords.Kind.TOO_SHORT, ErrorType.BAD_HEADER);
    expected.put(PoisonRecords.Kind.BAD_HEADER, ErrorType.BAD_HEADER);
    expected.put(PoisonRecords.Kind.UNKNOWN_FINGERPRINT, ErrorType.UNKNOWN_SCHEMA);
    expected.put(PoisonRecords.Kind.TRUNCATED, ErrorType.CORRUPT_PAYLOAD);
    expected.put(PoisonRecords.Kind.TRAILING_BYTES, ErrorType.TRAILING_BYTES);
    expected.put(PoisonRecords.Kind.HUGE_STRING_LENGTH, ErrorType.CORRUPT_PAYLOAD);
    expected.put(PoisonRecords.Kind.BAD_ENUM_INDEX, ErrorType.CORRUPT_PAYLOAD);
    expected.put(PoisonRecords.Kind.EMPTY_EVENT_ID, ErrorType.INVALID_FIELD);
    expected.put(PoisonRecords.Kind.LONG_EVENT_ID, ErrorType.INVALID_FIELD);
    expected.put(PoisonRecords.Kind.MISSING_USER_ID, ErrorType.INVALID_FIELD);
    expected.put(PoisonRecords.Kind.MISSING_ITEM_ID, ErrorType.INVALID_FIELD);
    expected.put(PoisonRecords.Kind.NEGATIVE_DWELL, ErrorType.INVALID_FIELD);
    expected.put(PoisonRecords.Kind.ANCIENT_EVENT_TIME, ErrorType.EVENT_TIME_OUT_OF_RANGE);
    expected.put(PoisonRecords.Kind.FUTURE_EVENT_TIME, ErrorType.EVENT_TIME_OUT_OF_RANGE);
    PoisonRecords poison = new PoisonRecords(3);
    for (PoisonRecords.Kind kind : PoisonRecords.Kind.values()) {
      for (int i = 0; i < 50; i++) {
        Rejection r = decoder.decode(poison.make(kind, valid(), NOW), NOW, new Click());
        assertThat(r).as("%s #%d", kind, i).isNotNull();
        if (expected.containsKey(kind)) {
          assertThat(r.errorType()).as("%s: %s", kind, r.reason()).isEqualTo(expected.get(kind));
        }
      }
    }
  }

  @Test
  void missingIdsAreInvalidFieldsNamingTheField() {
    PoisonRecords poison = new PoisonRecords(5);
    assertThat(decoder.decode(poison.make(PoisonRecords.Kind.MISSING_USER_ID, valid(), NOW), NOW, new Click()).reason())
        .contains("user_id");
    assertThat(decoder.decode(poison.make(PoisonRecords.Kind.EMPTY_EVENT_ID, valid(), NOW), NOW, new Click()).reason())
        .contains("event_id");
    byte[] noCategory = TestEvents.encode(TestEvents.event("e", 1, 2, 0, Scenario.NEWS, Action.CLICK, null, T0));
    assertThat(decoder.decode(noCategory, NOW, new Click()).reason()).contains("category_id");
  }

  @Test
  void enumSymbolUnknownToThisReleaseIsDeadLettered() throws Exception {
    // A newer writer schema that added an action symbol (with the enum default, as the contract requires).
    Schema current = ClickEvent.getClassSchema();
    Schema newer = new Schema.Parser().parse(current.toString().replace("\"PURCHASE\"", "\"PURCHASE\", \"SAVE\""));
    ClickEventDecoder knowsNewer = new ClickEventDecoder(SKEW, List.of(current, newer));
    GenericRecord saved = new GenericData.Record(newer);
    saved.put("event_id", "e-9");
    saved.put("user_id", 1L);
    saved.put("item_id", 2L);
    saved.put("category_id", 3L);
    saved.put("scenario", new GenericData.EnumSymbol(newer.getField("scenario").schema(), "NEWS"));
    saved.put("action", new GenericData.EnumSymbol(newer.getField("action").schema(), "SAVE"));
    saved.put("dwell_ms", null);
    saved.put("event_time", T0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(saved, out);

    Rejection r = knowsNewer.decode(out.toByteArray(), NOW, new Click());
    assertThat(r.errorType()).isEqualTo(ErrorType.INVALID_FIELD);
    assertThat(r.reason()).contains("action is UNKNOWN");
    // the same record from a schema this release does not know at all
    assertThat(decoder.decode(out.toByteArray(), NOW, new Click()).errorType()).isEqualTo(ErrorType.UNKNOWN_SCHEMA);
  }

  @Test
  void acceptsEventTimeUpToTheFutureSkew() {
    byte[] edge = TestEvents.encode(TestEvents.event("e", 1, 2, 3, Scenario.NEWS, Action.CLICK, null, NOW + SKEW));
    byte[] beyond = TestEvents.encode(TestEvents.event("e", 1, 2, 3, Scenario.NEWS, Action.CLICK, null, NOW + SKEW + 1));
    assertThat(decoder.decode(edge, NOW, new Click())).isNull();
    assertThat(decoder.decode(beyond, NOW, new Click()).errorType()).isEqualTo(ErrorType.EVENT_TIME_OUT_OF_RANGE);
  }
}
