package dev.intereststream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap, resident memory and CPU time of this process, for benchmark reports. */
public final class ProcessStats {

  private ProcessStats() {}

  /** Heap in use, bytes. */
  public static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Resident set size from /proc (Linux), bytes; -1 elsewhere. */
  public static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Native memory the JVM accounts for itself, bytes: committed non-heap pools (code cache, metaspace,
   * compressed class space) plus direct buffers in use. What the JIT compiler and class loading add
   * shows here; what is left of the anonymous memory outside the heap is malloc and mmap by native
   * code (ONNX Runtime), thread stacks and the JVM's own internals.
   */
  public static long jvmNativeBytes() {
    long bytes = 0;
    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.NON_HEAP) {
        bytes += pool.getUsage().getCommitted();
      }
    }
    for (var buffers : ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
      if (buffers.getName().equals("direct")) {
        bytes += buffers.getMemoryUsed();
      }
    }
    return bytes;
  }

  /**
   * Resident memory by kind, bytes.
   *
   * @param heap resident pages of the Java heap
   * @param anonymousOutsideHeap anonymous memory outside the heap: native allocations (ONNX Runtime,
   *     direct buffers, malloc arenas), thread stacks, metaspace, code; where a native leak shows
   * @param fileBacked pages of mapped files: jars, libraries, and the embedded broker's memory-mapped log
   *     indexes, which grow with the topics' logs
   */
  public record Resident(long heap, long anonymousOutsideHeap, long fileBacked) {}

  /**
   * Resident memory by kind (Linux: /proc/self/smaps), null elsewhere. RSS minus the committed heap would
   * not do: G1 touches its committed regions over time, so the heap's resident part grows for minutes
   * without any allocation outside it, and mapped files count in RSS too. The heap is the largest
   * contiguous run of anonymous mappings of at least 90 % of the maximum heap (G1 reserves it whole; its
   * committed and uncommitted parts are separate mappings).
   */
  public static Resident resident() {
    long maxHeap = Runtime.getRuntime().maxMemory();
    long anonymous = 0;
    long file = 0;
    long runStart = -1;
    long runEnd = -1;
    long runRss = 0;
    long heapRunRss = 0;
    long heapRunSize = 0;
    boolean isAnonymous = false;
    try (var lines = Files.lines(Path.of("/proc/self/smaps"))) {
      for (String line : (Iterable<String>) lines::iterator) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        if (dash > 0 && space > dash && isHex(line, 0, dash)) {
          long start = Long.parseUnsignedLong(line, 0, dash, 16);
          long end = Long.parseUnsignedLong(line, dash + 1, space, 16);
          String[] f = line.trim().split("\\s+");
          // no path, or a pseudo-path such as [heap] or [stack]: anonymous memory
          isAnonymous = f.length < 6 || f[5].startsWith("[");
          if (!isAnonymous || start != runEnd) {
            if (isHeapRun(runEnd - runStart, heapRunSize, maxHeap)) {
              heapRunSize = runEnd - runStart;
              heapRunRss = runRss;
            }
            runStart = isAnonymous ? start : -1;
            runEnd = isAnonymous ? end : -1;
            runRss = 0;
          } else {
            runEnd = end;
          }
        } else if (line.startsWith("Rss:")) {
          long bytes = Long.parseLong(line.substring(4).replace("kB", "").trim()) * 1024;
          if (isAnonymous) {
            anonymous += bytes;
            runRss += bytes;
          } else {
            file += bytes;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (isHeapRun(runEnd - runStart, heapRunSize, maxHeap)) {
      heapRunRss = runRss;
      heapRunSize = runEnd - runStart;
    }
    return heapRunSize == 0 ? null : new Resident(heapRunRss, anonymous - heapRunRss, file);
  }

  /** Whether a contiguous anonymous run of {@code size} bytes is the heap's best candidate so far. */
  private static boolean isHeapRun(long size, long bestSize, long maxHeap) {
    return size > bestSize && size >= maxHeap / 10 * 9;
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return to > from;
  }

  /** CPU time used by the process so far, nanoseconds (all threads). */
  public static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * CPU time so far per thread group (Linux: /proc/self/task, in clock ticks), threads grouped by name
   * with digits removed, so that the two task threads of one operator, or all GC threads, add up. Covers
   * what the JVM does not list as Java threads (JIT compiler, GC). Empty where /proc is missing.
   */
  public static java.util.Map<String, Long> threadCpuTicks() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
          out.merge(name.replaceAll("[0-9#]+", "").trim(), ticks, Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended between listing and reading
        }
      }
    } catch (IOException e) {
      return java.util.Map.of();
    }
    return out;
  }

  /** Each group's share of the CPU used between two {@link #threadCpuTicks()} samples, largest first. */
  public static java.util.Map<String, Double> threadCpuShares(java.util.Map<String, Long> before,
      java.util.Map<String, Long> after) {
    java.util.Map<String, Long> delta = new java.util.HashMap<>();
    after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
    long total = delta.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
    java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
    delta.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue() / (double) total));
    return out;
  }

  /** Cores busy on average between two samples of {@link #cpuNanos()}. */
  public static double cores(long cpuNanosBefore, long cpuNanosAfter, long wallNanos) {
    return wallNanos <= 0 ? 0 : (cpuNanosAfter - cpuNanosBefore) / (double) wallNanos;
  }
}
