package dev.intereststream.reliability;

import dev.intereststream.schemas.InterestUpdate;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Sits between scoring and the sink and injects failures by plan: per execution attempt of its first
 * subtask, once a number of checkpoints have completed in that attempt, fail at the next update, arm a
 * failure of the next checkpoint's asynchronous phase (its operator state's serializer throws while the
 * snapshot is written), or arm a failure inside the scorer ({@link FlakyScorer}). It can also slow every
 * update down (to spread a run over checkpoints, or to make backpressure). Plans are static: the
 * MiniCluster runs in the test's JVM and restarts create new instances.
 */
public final class ChaosMapper extends RichMapFunction<InterestUpdate, InterestUpdate>
    implements CheckpointedFunction, CheckpointListener {

  /** Where a failure lands. */
  public enum Kind { UPDATE, ASYNC_SNAPSHOT, SCORER }

  /** What to do in one attempt: inject {@code kind} once {@code afterCheckpoints} have completed in it. */
  public record Fault(int afterCheckpoints, Kind kind) {}

  static final Map<Integer, Fault> PLAN = new ConcurrentHashMap<>();
  static final CopyOnWriteArrayList<String> INJECTED = new CopyOnWriteArrayList<>();
  static final AtomicBoolean ASYNC_ARMED = new AtomicBoolean();
  static final AtomicBoolean SCORER_ARMED = new AtomicBoolean();
  static volatile long sleepNanosPerRecord;
  /** Checkpoints completed in the current attempt of subtask 0, to tell where a failure landed. */
  static volatile int completedCheckpoints;

  private transient ListState<Long> seen;
  private transient long count;
  private transient int attempt;
  private transient boolean first;
  private transient boolean injected;

  static void reset() {
    PLAN.clear();
    INJECTED.clear();
    ASYNC_ARMED.set(false);
    SCORER_ARMED.set(false);
    sleepNanosPerRecord = 0;
  }

  @Override
  public void open(OpenContext openContext) {
    attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
    first = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    if (first) {
      completedCheckpoints = 0;
    }
  }

  @Override
  public InterestUpdate map(InterestUpdate update) throws Exception {
    count++;
    if (sleepNanosPerRecord > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(sleepNanosPerRecord);
    }
    Fault fault = first ? PLAN.get(attempt) : null;
    if (fault != null && !injected && completedCheckpoints >= fault.afterCheckpoints()) {
      injected = true;
      switch (fault.kind()) {
        case ASYNC_SNAPSHOT -> ASYNC_ARMED.set(true);
        case SCORER -> SCORER_ARMED.set(true);
        case UPDATE -> {
          INJECTED.add("attempt " + attempt + ": failed at update " + count + " after " + completedCheckpoints
              + " completed checkpoints");
          throw new RuntimeException("injected failure in attempt " + attempt);
        }
      }
    }
    return update;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    seen = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("chaos-seen", new ArmedSerializer()));
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    seen.update(java.util.List.of(count));
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    if (first) {
      completedCheckpoints++;
    }
  }

  /** A long serializer that throws once while a checkpoint's asynchronous phase writes it, when armed. */
  public static final class ArmedSerializer extends TypeSerializer<Long> {
    @Override
    public boolean isImmutableType() {
      return true;
    }

    @Override
    public TypeSerializer<Long> duplicate() {
      return this;
    }

    @Override
    public Long createInstance() {
      return 0L;
    }

    @Override
    public Long copy(Long from) {
      return from;
    }

    @Override
    public Long copy(Long from, Long reuse) {
      return from;
    }

    @Override
    public int getLength() {
      return 8;
    }

    @Override
    public void serialize(Long record, DataOutputView target) throws IOException {
      if (ASYNC_ARMED.compareAndSet(true, false)) {
        INJECTED.add("failed in the asynchronous phase of a checkpoint, thread " + Thread.currentThread().getName());
        throw new IOException("injected failure in the asynchronous phase of a checkpoint");
      }
      target.writeLong(record);
    }

    @Override
    public Long deserialize(DataInputView source) throws IOException {
      return source.readLong();
    }

    @Override
    public Long deserialize(Long reuse, DataInputView source) throws IOException {
      return source.readLong();
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
      target.writeLong(source.readLong());
    }

    @Override
    public boolean equals(Object obj) {
      return obj instanceof ArmedSerializer;
    }

    @Override
    public int hashCode() {
      return 7;
    }

    @Override
    public TypeSerializerSnapshot<Long> snapshotConfiguration() {
      return new Snapshot();
    }

    /** Snapshot of {@link ArmedSerializer}. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Long> {
      public Snapshot() {
        super(ArmedSerializer::new);
      }
    }
  }
}
