package dev.intereststream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

class ReleasedSchemasTest {

  @Test
  void currentClickEventSchemaIsTheLatestReleasedVersion() {
    List<Schema> released = ReleasedSchemas.clickEvent();
    Schema latest = released.get(released.size() - 1);
    assertThat(ReleasedSchemas.fingerprint(latest))
        .as("ClickEvent.avsc changed: add the new full schema to ReleasedSchemas as the next version")
        .isEqualTo(ReleasedSchemas.fingerprint(ClickEvent.getClassSchema()));
  }

  @Test
  void currentDeadLetterSchemaIsTheLatestReleasedVersion() {
    List<Schema> released = ReleasedSchemas.deadLetter();
    assertThat(ReleasedSchemas.fingerprint(released.get(released.size() - 1)))
        .as("DeadLetter.avsc changed: add the new full schema to ReleasedSchemas as the next version")
        .isEqualTo(ReleasedSchemas.fingerprint(DeadLetter.getClassSchema()));
    assertThat(released.stream().map(ReleasedSchemas::fingerprint).distinct()).hasSize(released.size());
  }

  @Test
  void releasedVersionsHaveDistinctFingerprints() {
    assertThat(ReleasedSchemas.clickEvent().stream().map(ReleasedSchemas::fingerprint).distinct())
        .hasSize(ReleasedSchemas.clickEvent().size());
  }

  @Test
  void singleObjectEncodingStartsWithHeaderAndFingerprint() throws Exception {
    ClickEvent event = ClickEvent.newBuilder()
        .setEventId("e-1").setUserId(1).setItemId(2).setCategoryId(3)
        .setScenario(Scenario.NEWS).setAction(Action.CLICK).setDwellMs(1500L)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
    ByteBuffer bytes = event.toByteBuffer();
    assertThat(bytes.get(0)).isEqualTo((byte) 0xC3);
    assertThat(bytes.get(1)).isEqualTo((byte) 0x01);
    long fingerprint = bytes.order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(2);
    assertThat(fingerprint).isEqualTo(ReleasedSchemas.fingerprint(ClickEvent.getClassSchema()));

    BinaryMessageDecoder<ClickEvent> decoder = ClickEvent.getDecoder();
    assertThat(decoder.decode(event.toByteBuffer())).isEqualTo(event);
  }
}
