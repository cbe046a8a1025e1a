package dev.intereststream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProcessStatsTest {

  private static final int MB = 1 << 20;

  @Test
  void residentMemorySeparatesHeapFromNativeMemory() {
    ProcessStats.Resident before = ProcessStats.resident();
    assertThat(before).isNotNull();
    assertThat(before.anonymousOutsideHeap()).isPositive();
    assertThat(before.fileBacked()).isPositive(); // the JVM's own libraries at least
    assertThat(before.heap() + before.anonymousOutsideHeap() + before.fileBacked())
        .isBetween(ProcessStats.rss() - 64L * MB, ProcessStats.rss() + 64L * MB);

    byte[][] heap = new byte[160][];
    for (int i = 0; i < heap.length; i++) {
      heap[i] = new byte[MB];
      heap[i][MB - 1] = 1; // resident
    }
    ProcessStats.Resident afterHeap = ProcessStats.resident();

    ByteBuffer direct = ByteBuffer.allocateDirect(160 * MB);
    for (int i = 0; i < direct.capacity(); i += 4096) {
      direct.put(i, (byte) 1); // resident
    }
    ProcessStats.Resident afterNative = ProcessStats.resident();

    // the arrays are live and zeroed by the JVM, so resident; heap pages touched by earlier garbage may take them
    assertThat(afterHeap.heap()).as("160 MB live on the heap").isGreaterThan(160L * MB);
    assertThat(afterHeap.anonymousOutsideHeap() - before.anonymousOutsideHeap()).as("160 MB on the heap")
        .isLessThan(40L * MB);
    assertThat(afterNative.anonymousOutsideHeap() - afterHeap.anonymousOutsideHeap()).as("160 MB of direct memory")
        .isGreaterThan(140L * MB);
    assertThat(heap[heap.length - 1][MB - 1] + direct.get(0)).isEqualTo(2);
  }
}
