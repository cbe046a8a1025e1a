package dev.intereststream.features;

import dev.intereststream.events.EventIds;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact, versioned binary form of {@link UserState} for Flink state (heap snapshots and RocksDB
 * alike), instead of Kryo.
 *
 * <p>Every value starts with a format version byte; {@link #deserialize} dispatches on it, so a release
 * that adds a field writes version 2 and still reads version-1 state. Ids and times are LEB128
 * varints, times are deltas (the sequence is sorted, so deltas are small and non-negative), counters
 * are 32-bit floats (exact: state restored from a checkpoint equals the state that was running, on
 * heap and RocksDB backends alike), and only scenarios the user was active in are written.
 *
 * <p>Versions: 1 stored recent events as 64-bit event-id hashes; 2 has the same layout, with the low
 * bits of each recent event holding its content hash ({@link EventIds}). Version-1 entries are read
 * with those bits cleared (content unknown), so they still catch duplicates but never report a
 * conflict.
 */
public final class UserStateSerializer extends TypeSerializer<UserState> {

  /** Format written by this release. */
  public static final int FORMAT_VERSION = 2;

  private static final long serialVersionUID = 1L;
  private static final int MAX_ENTRIES = 100_000;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<UserState> duplicate() {
    return this; // stateless
  }

  @Override
  public UserState createInstance() {
    return new UserState();
  }

  @Override
  public UserState copy(UserState from) {
    return from.copy();
  }

  @Override
  public UserState copy(UserState from, UserState reuse) {
    from.copyInto(reuse);
    return reuse;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(UserState u, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    long now = u.lastEventTime;
    VarInts.writeSigned(out, now);
    if (now == UserState.NEVER) {
      return;
    }
    VarInts.writeUnsigned(out, now - u.sessionStart);
    VarInts.writeUnsigned(out, u.sessionEvents);
    VarInts.writeUnsigned(out, relative(now, u.expiryTimer));

    out.writeByte(u.counters.mask);
    for (int s = 0; s < UserState.SCENARIOS; s++) {
      if (!u.counters.active(s)) {
        continue;
      }
      VarInts.writeUnsigned(out, relative(now, u.lastTriggerTime[s]));
      for (int h = 0; h < UserState.HORIZONS; h++) {
        out.writeFloat(u.counters.engagement[s * UserState.HORIZONS + h]);
      }
      out.writeFloat(u.counters.impressions[s]);
    }

    EngagementSequence q = u.sequence;
    VarInts.writeUnsigned(out, q.size);
    long previous = now;
    for (int i = q.size - 1; i >= 0; i--) { // newest first: deltas back from the user's clock
      VarInts.writeUnsigned(out, q.items[i]);
      VarInts.writeUnsigned(out, q.categories[i]);
      out.writeByte((q.scenarios[i] << 3) | q.actions[i]);
      VarInts.writeUnsigned(out, previous - q.times[i]);
      VarInts.writeUnsigned(out, q.dwells[i]);
      previous = q.times[i];
    }

    TrackedCategories c = u.categories;
    VarInts.writeUnsigned(out, c.count);
    for (int i = 0; i < c.count; i++) {
      out.writeByte(c.scenarios[i]);
      VarInts.writeUnsigned(out, c.ids[i]);
      for (int k = 0; k < UserState.CH; k++) {
        out.writeFloat(c.weights[i * UserState.CH + k]);
      }
    }

    long[] recent = u.recentIds.ordered();
    VarInts.writeUnsigned(out, recent.length);
    for (long id : recent) {
      out.writeLong(id);
    }
  }

  /** Encodes a time relative to the user's clock: 0 for NEVER, else zig-zag(now - t) + 1. */
  private static long relative(long now, long t) {
    if (t == UserState.NEVER) {
      return 0;
    }
    long d = now - t;
    return ((d << 1) ^ (d >> 63)) + 1;
  }

  private static long absolute(long now, long code) {
    if (code == 0) {
      return UserState.NEVER;
    }
    long z = code - 1;
    return now - ((z >>> 1) ^ -(z & 1));
  }

  @Override
  public UserState deserialize(DataInputView in) throws IOException {
    return deserialize(new UserState(), in);
  }

  @Override
  public UserState deserialize(UserState reuse, DataInputView in) throws IOException {
    int version = in.readUnsignedByte();
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IOException("user state format version " + version + " is not one this release reads (1 to "
          + FORMAT_VERSION + ")");
    }
    UserState u = new UserState();
    long now = VarInts.readSigned(in);
    u.lastEventTime = now;
    if (now == UserState.NEVER) {
      return u;
    }
    u.sessionStart = now - VarInts.readUnsigned(in);
    u.sessionEvents = (int) VarInts.readUnsigned(in);
    u.expiryTimer = absolute(now, VarInts.readUnsigned(in));

    ScenarioCounters counters = u.counters;
    counters.mask = in.readUnsignedByte();
    for (int s = 0; s < UserState.SCENARIOS; s++) {
      if (!counters.active(s)) {
        continue;
      }
      u.lastTriggerTime[s] = absolute(now, VarInts.readUnsigned(in));
      for (int h = 0; h < UserState.HORIZONS; h++) {
        counters.engagement[s * UserState.HORIZONS + h] = in.readFloat();
      }
      counters.impressions[s] = in.readFloat();
    }

    int size = VarInts.readCount(in, MAX_ENTRIES, "sequence");
    EngagementSequence q = u.sequence;
    q.ensureCapacity(size);
    long previous = now;
    for (int i = size - 1; i >= 0; i--) {
      q.items[i] = VarInts.readUnsigned(in);
      q.categories[i] = VarInts.readUnsigned(in);
      int packed = in.readUnsignedByte();
      q.scenarios[i] = (byte) (packed >>> 3);
      q.actions[i] = (byte) (packed & 0x7);
      q.times[i] = previous - VarInts.readUnsigned(in);
      q.dwells[i] = (int) VarInts.readUnsigned(in);
      previous = q.times[i];
    }
    q.size = size;

    int categories = VarInts.readCount(in, MAX_ENTRIES, "category");
    TrackedCategories c = u.categories;
    c.ensureCapacity(categories);
    for (int i = 0; i < categories; i++) {
      c.scenarios[i] = in.readByte();
      c.ids[i] = VarInts.readUnsigned(in);
      for (int k = 0; k < UserState.CH; k++) {
        c.weights[i * UserState.CH + k] = in.readFloat();
      }
    }
    c.count = categories;

    int recent = VarInts.readCount(in, MAX_ENTRIES, "recent id");
    long[] recentIds = new long[recent];
    for (int i = 0; i < recent; i++) {
      long fingerprint = in.readLong();
      recentIds[i] = version == 1 ? fingerprint & ~EventIds.CONTENT_MASK : fingerprint;
    }
    u.recentIds.restore(recentIds); // ring is full at its restored length; the next id overwrites the oldest
    return u;
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof UserStateSerializer;
  }

  @Override
  public int hashCode() {
    return UserStateSerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
    return new Snapshot();
  }

  /**
   * Serializer snapshot. The data format is versioned per value (leading byte), so any release's
   * serializer reads state written by an older one and compatibility is always "as is".
   */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserState> {
    public Snapshot() {
      super(UserStateSerializer::new);
    }
  }
}
