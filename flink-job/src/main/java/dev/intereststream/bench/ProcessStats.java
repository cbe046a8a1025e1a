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
