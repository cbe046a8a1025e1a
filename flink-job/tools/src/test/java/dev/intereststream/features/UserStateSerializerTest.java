package dev.intereststream.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.intereststream.events.Click;
import dev.intereststream.events.EventIds;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.sim.SimEvent;
import dev.intereststream.sim.Simulator;
import dev.intereststream.sim.World;
import dev.intereststream.sim.WorldConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class UserStateSerializerTest {

  static final FeatureConfig L50 = new FeatureConfig(50, 8, 8, 1_800_000L, 7 * 86_400_000L, 600_000L,
      30_000L, EnumSet.of(Action.CLICK));
  private final UserStateSerializer serializer = new UserStateSerializer();

  /** Users of a simulated world after enough traffic that the heaviest have full sequences. */
  static Map<Long, UserState> simulatedUsers(int events) {
    Simulator sim = new Simulator(new World(WorldConfig.defaults().withUsers(2_000)), 1_767_225_600_000L, 200);
    Map<Long, UserState> users = new HashMap<>();
    for (int i = 0; i < events; i++) {
      SimEvent e = sim.next();
      ClickEvent ev = e.event();
      Click c = new Click(ev.getEventId(), ev.getUserId(), ev.getItemId(), ev.getCategoryId(), ev.getScenario(),
          ev.getAction(), ev.getDwellMs() == null ? Click.NO_DWELL : (int) (long) ev.getDwellMs(),
          ev.getEventTime().toEpochMilli());
      users.computeIfAbsent(c.userId, k -> new UserState()).apply(c, EventIds.fingerprint(c), L50);
    }
    return users;
  }

  private byte[] bytes(UserState u) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(u, out);
    return out.getCopyOfBuffer();
  }

  private UserState read(byte[] bytes) throws IOException {
    return serializer.deserialize(new DataInputDeserializer(bytes));
  }

  @Test
  void roundTripsSimulatedUsersExactly() throws IOException {
    for (UserState u : simulatedUsers(100_000).values()) {
      UserState back = read(bytes(u));
      assertThat(back).isEqualTo(u);
      assertThat(bytes(back)).isEqualTo(bytes(u));
    }
  }

  @Test
  void roundTripsEmptyState() throws IOException {
    assertThat(read(bytes(new UserState()))).isEqualTo(new UserState());
  }

  @Test
  void fullUserAtSequenceLength50IsSmallerThan600Bytes() throws IOException {
    List<Integer> sizes = new ArrayList<>();
    for (UserState u : simulatedUsers(400_000).values()) {
      if (u.sequenceSize() == 50) {
        sizes.add(bytes(u).length);
      }
    }
    assertThat(sizes).as("users with a full sequence").hasSizeGreaterThan(20);
    double mean = sizes.stream().mapToInt(Integer::intValue).average().orElseThrow();
    int max = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    System.out.printf("user state at L=50: %d users, mean %.0f bytes, max %d bytes%n", sizes.size(), mean, max);
    assertThat(max).isLessThan(600);
  }

  @Test
  void copyIsDeepAndEqual() throws IOException {
    UserState u = simulatedUsers(20_000).values().iterator().next();
    UserState copy = serializer.copy(u);
    assertThat(copy).isEqualTo(u);
    copy.apply(new Click("x", 1, 1, 1, dev.intereststream.schemas.Scenario.NEWS, Action.CLICK, Click.NO_DWELL,
        u.lastEventTime() + 1), 1L, L50);
    assertThat(copy).isNotEqualTo(u);
  }

  @Test
  void refusesAFormatVersionItDoesNotKnow() throws IOException {
    byte[] b = bytes(new UserState());
    b[0] = 9;
    assertThatThrownBy(() -> read(b)).isInstanceOf(IOException.class).hasMessageContaining("version 9");
  }

  @Test
  void snapshotRestoresACompatibleSerializer() throws IOException {
    TypeSerializerSnapshot<UserState> snapshot = serializer.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    TypeSerializerSnapshot<UserState> restored = TypeSerializerSnapshot.readVersionedSnapshot(
        new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    assertThat(restored.restoreSerializer()).isEqualTo(serializer);
    TypeSerializerSchemaCompatibility<UserState> compatibility =
        new UserStateSerializer().snapshotConfiguration().resolveSchemaCompatibility(restored);
    assertThat(compatibility.isCompatibleAsIs()).isTrue();
  }
}
