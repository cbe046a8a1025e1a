package dev.intereststream.events;

import static dev.intereststream.events.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.events.Rejection.ErrorType;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.Scenario;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Producers upgrade at their own pace, so the job reads every released ClickEvent version by its
 * fingerprint: an older one (without dwell_ms, which the current schema defaults to null) and a newer
 * one (a field added with a default, an action symbol added with the enum's default) both decode; a
 * fingerprint of no released version is dead-lettered.
 */
class SchemaEvolutionTest {

  private static final long NOW = T0 + 3_600_000L;
  private static final Schema CURRENT = ClickEvent.getClassSchema();

  /** The current schema without dwell_ms: what an older release wrote. */
  static Schema older() {
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("ClickEvent")
        .namespace(CURRENT.getNamespace()).fields();
    for (Schema.Field f : CURRENT.getFields()) {
      if (!f.name().equals("dwell_ms")) {
        fields = fields.name(f.name()).type(f.schema()).noDefault();
      }
    }
    return fields.endRecord();
  }

  /** The current schema plus an app_version field with a default and a SAVE action. */
  static Schema newer() {
    String json = CURRENT.toString()
        .replace("\"PURCHASE\"", "\"PURCHASE\",\"SAVE\"")
        .replace("{\"name\":\"event_time\"",
            "{\"name\":\"app_version\",\"type\":\"string\",\"default\":\"\"},{\"name\":\"event_time\"");
    return new Schema.Parser().parse(json);
  }

  private static byte[] write(Schema schema, Consumer<GenericRecord> fill) throws Exception {
    GenericRecord r = new GenericData.Record(schema);
    r.put("event_id", "e-" + schema.hashCode());
    r.put("user_id", 7L);
    r.put("item_id", 11L);
    r.put("category_id", 3L);
    r.put("scenario", new GenericData.EnumSymbol(schema.getField("scenario").schema(), "SOCIAL"));
    r.put("action", new GenericData.EnumSymbol(schema.getField("action").schema(), "CLICK"));
    r.put("event_time", T0);
    if (schema.getField("app_version") != null) {
      r.put("app_version", "9.0");
    }
    fill.accept(r);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r, out);
    return out.toByteArray();
  }

  private final ClickEventDecoder decoder = new ClickEventDecoder(300_000L, List.of(older(), CURRENT, newer()));

  @Test
  void decodesARecordOfAnOlderVersionFillingTheDefault() throws Exception {
    Click click = new Click();
    assertThat(decoder.decode(write(older(), r -> {}), NOW, click)).isNull();
    assertThat(click.dwellMs).isEqualTo(Click.NO_DWELL);
    assertThat(click.scenario).isEqualTo(Scenario.SOCIAL);
    assertThat(click.action).isEqualTo(Action.CLICK);
  }

  @Test
  void decodesARecordOfANewerVersionIgnoringTheAddedField() throws Exception {
    Click click = new Click();
    byte[] bytes = write(newer(), r -> {
      r.put("dwell_ms", 2_000L);
      r.put("app_version", "9.1");
    });
    assertThat(decoder.decode(bytes, NOW, click)).isNull();
    assertThat(click.dwellMs).isEqualTo(2_000);
    assertThat(click.userId).isEqualTo(7);
  }

  @Test
  void deadLettersAnAddedEnumSymbolAsUnknownRatherThanGuessing() throws Exception {
    Schema newer = newer();
    byte[] bytes = write(newer, r -> r.put("action", new GenericData.EnumSymbol(newer.getField("action").schema(),
        "SAVE")));
    Rejection r = decoder.decode(bytes, NOW, new Click());
    assertThat(r.errorType()).isEqualTo(ErrorType.INVALID_FIELD);
    assertThat(r.reason()).contains("action is UNKNOWN");
  }

  @Test
  void deadLettersAFingerprintOfNoReleasedVersion() throws Exception {
    ClickEventDecoder releasedOnly = new ClickEventDecoder(300_000L);
    assertThat(releasedOnly.decode(write(newer(), r -> {}), NOW, new Click()).errorType())
        .isEqualTo(ErrorType.UNKNOWN_SCHEMA);
    assertThat(releasedOnly.decode(write(older(), r -> {}), NOW, new Click()).errorType())
        .isEqualTo(ErrorType.UNKNOWN_SCHEMA);
  }

  private static final List<String> DEAD_LETTER_ADDITIONS = List.of("original_key_size", "original_value_size",
      "original_key_sha256", "original_value_sha256", "truncated");

  /** DeadLetter as released before the size cap: without the size, hash and truncated fields. */
  static Schema deadLetterBeforeCap() {
    Schema current = dev.intereststream.schemas.DeadLetter.getClassSchema();
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("DeadLetter")
        .namespace(current.getNamespace()).fields();
    for (Schema.Field f : current.getFields()) {
      if (!DEAD_LETTER_ADDITIONS.contains(f.name())) {
        fields = fields.name(f.name()).type(f.schema()).noDefault();
      }
    }
    return fields.endRecord();
  }

  @Test
  void deadLettersOfTheReleaseBeforeTheCapReadWithDefaultsAndNewOnesReadWithTheOldSchema() throws Exception {
    Schema old = deadLetterBeforeCap();
    GenericRecord r = new GenericData.Record(old);
    r.put("error_type", "BAD_HEADER");
    r.put("reason", "r");
    r.put("source_topic", "click-events");
    r.put("source_partition", 1);
    r.put("source_offset", 5L);
    r.put("source_timestamp", T0);
    r.put("original_key", java.nio.ByteBuffer.wrap(new byte[] {'7'}));
    r.put("original_value", java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
    r.put("dead_lettered_at", T0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(r, out);
    org.apache.avro.message.BinaryMessageDecoder<dev.intereststream.schemas.DeadLetter> reader =
        dev.intereststream.contracts.Topics.DEAD_LETTERS.newDecoder();
    reader.addSchema(old);
    dev.intereststream.schemas.DeadLetter d = reader.decode(out.toByteArray());
    assertThat(d.getOriginalKeySize()).isNull();
    assertThat(d.getOriginalValueSha256()).isNull();
    assertThat(d.getTruncated()).isFalse();
    assertThat(d.getSourceOffset()).isEqualTo(5L);

    ByteArrayOutputStream current = new ByteArrayOutputStream();
    dev.intereststream.contracts.Topics.DEAD_LETTERS.newEncoder().encode(d, current);
    org.apache.avro.message.BinaryMessageDecoder<GenericRecord> oldReader =
        new org.apache.avro.message.BinaryMessageDecoder<>(GenericData.get(), old);
    oldReader.addSchema(dev.intereststream.schemas.DeadLetter.getClassSchema());
    assertThat(oldReader.decode(current.toByteArray()).get("source_offset")).isEqualTo(5L);
  }
}
