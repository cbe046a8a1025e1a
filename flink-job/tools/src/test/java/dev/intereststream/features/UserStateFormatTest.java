package dev.intereststream.features;

import static dev.intereststream.events.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.intereststream.events.Click;
import dev.intereststream.events.EventIds;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The stored form of {@link UserState} is a contract with every savepoint ever taken: the bytes a
 * fixed user serialized to in each format version are committed, and this release must read them back
 * to the same state. A release that changes the layout writes a new version and keeps this test passing.
 */
class UserStateFormatTest {

  static final Path V1 = Path.of("src", "test", "resources", "state", "user-state-v1.hex");
  static final Path V2 = Path.of("src", "test", "resources", "state", "user-state-v2.hex");

  /** The fixed user as this release builds it: recent events with their content. */
  static UserState fixedUser() {
    return fixedUser(true);
  }

  /**
   * @param withContent whether recent events carry their content hash (format 2) or their id only, as
   *     format-1 state reads back
   */
  static UserState fixedUser(boolean withContent) {
    UserState u = new UserState();
    Scenario[] scenarios = {Scenario.ECOMMERCE, Scenario.SOCIAL, Scenario.NEWS};
    Action[] actions = {Action.IMPRESSION, Action.CLICK, Action.LIKE, Action.SHARE, Action.PURCHASE};
    for (int i = 0; i < 80; i++) {
      Click c = new Click("e" + i, 42, 1_000 + i % 13, 1 + i % 5, scenarios[i % 3], actions[i % 5],
          i % 4 == 0 ? 12_345 : Click.NO_DWELL, T0 + i * 61_000L);
      u.apply(c, withContent ? EventIds.fingerprint(c) : EventIds.fingerprint(c.eventId), UserStateSerializerTest.L50);
    }
    u.setLastTriggerTime(Scenario.SOCIAL, T0 + 40 * 61_000L);
    u.setExpiryTimer(u.lastEventTime() + 7 * 86_400_000L);
    return u;
  }

  @Test
  void readsTheCommittedVersion1BytesBackToTheSameState() throws Exception {
    byte[] v1 = HexFormat.of().parseHex(Files.readString(V1, StandardCharsets.US_ASCII).strip());
    assertThat(v1[0]).as("format version").isEqualTo((byte) 1);
    UserState read = new UserStateSerializer().deserialize(new DataInputDeserializer(v1));
    assertThat(read).isEqualTo(fixedUser(false));
  }

  @Test
  void readsTheCommittedVersion2BytesBackToTheSameState() throws Exception {
    byte[] v2 = HexFormat.of().parseHex(Files.readString(V2, StandardCharsets.US_ASCII).strip());
    assertThat(v2[0]).as("format version").isEqualTo((byte) 2);
    UserState read = new UserStateSerializer().deserialize(new DataInputDeserializer(v2));
    assertThat(read).isEqualTo(fixedUser());
  }

  @Test
  void thisReleaseWritesVersion2() throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(512);
    new UserStateSerializer().serialize(fixedUser(), out);
    String hex = HexFormat.of().formatHex(out.getCopyOfBuffer());
    if (System.getProperty("interest-stream.write-state-format") != null) {
      Files.writeString(V2, hex + "\n", StandardCharsets.US_ASCII);
    }
    assertThat(hex).isEqualTo(Files.readString(V2, StandardCharsets.US_ASCII).strip());
  }
}
