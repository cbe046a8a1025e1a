package dev.intereststream.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the benchmark report as Markdown. */
final class BenchmarkMarkdown {

  private BenchmarkMarkdown() {}

  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> r) {
    StringBuilder md = new StringBuilder();
    header(md, r, "benchmark", "bench --out docs");

    md.append("\n## Ratios\n\n| ratio | value |\n|---|---:|\n");
    ((Map<String, Object>) r.get("ratios")).forEach((k, v) -> md.append(String.format(Locale.ROOT, "| %s | %s |%n",
        k, v == null ? "n/a" : String.format(Locale.ROOT, "%,.2f", ((Number) v).doubleValue()))));

    md.append("\n## Ceiling: standalone ONNX Runtime (OnnxScorer, one intra-op thread per caller)\n\n");
    md.append("| threads | batch | K | users/s | candidates/s | ms/call |\n|---:|---:|---:|---:|---:|---:|\n");
    for (CeilingBench.Point p : (List<CeilingBench.Point>) r.get("ceiling")) {
      md.append(String.format(Locale.ROOT, "| %d | %d | %d | %,.0f | %,.0f | %.2f |%n", p.threads(), p.batch(),
          p.candidates(), p.usersPerSecond(), p.candidatesPerSecond(), p.msPerCall()));
    }
    CeilingBench.Point mixed = (CeilingBench.Point) r.get("ceilingMixedHistories");
    CeilingBench.Point full = (CeilingBench.Point) r.get("ceilingFullHistories");
    if (mixed != null && full != null) {
      md.append(String.format(Locale.ROOT, "%nHistories of random length 0..L (the rest padding) against full ones, 1 thread, "
          + "batch 32, K 100: %,.0f vs %,.0f users/s, cost ratio %.2f (a model whose masked attention produces subnormal "
          + "floats costs more on short histories; the shipped one keeps its softmax inputs in range).%n",
          mixed.usersPerSecond(), full.usersPerSecond(), full.usersPerSecond() / mixed.usersPerSecond()));
    }
    CeilingBench.Point peer = (CeilingBench.Point) r.get("peerCeiling");
    if (peer != null) {
      md.append(String.format(Locale.ROOT, "%nPer-candidate (BST-style) peer, 2 threads, batch 32, K 100: %,.0f users/s, "
          + "%,.0f candidates/s, %.1f ms/call.%n", peer.usersPerSecond(), peer.candidatesPerSecond(), peer.msPerCall()));
    }

    CatchUpBench.Result c = (CatchUpBench.Result) r.get("catchUp");
    CeilingBench.Point sameK = (CeilingBench.Point) r.get("ceilingAtCatchUpK");
    md.append(String.format(Locale.ROOT, "%n## Catch-up%n%nA backlog of %,d simulated events (written at %,.0f events/s), "
            + "then consumed as fast as possible: **%,.0f events/s** and **%,.0f scored users/s** over %.1f s (second "
            + "half of the window: %,.0f scored users/s), %.2f "
            + "cores busy, heap up to %d MB, RSS up to %d MB. Standalone at the same K (%d) and threads (2), batch 32: "
            + "%,.0f users/s. Timed from the last 100 ms sample before the first update to the last update the job "
            + "wrote; events/s is the backlog times the window's share of all updates (triggers are spread evenly over the backlog), because the Kafka source "
            + "commits input offsets up to 10 s after the last record.%n", c.backlog(), c.producerEventsPerSecond(), c.eventsPerSecond(), c.updatesPerSecond(),
        c.seconds(), c.secondHalfUpdatesPerSecond(), c.cores(), c.heapBytes() >> 20, c.rssBytes() >> 20, c.meanCandidates(), sameK.usersPerSecond()));

    CatchUpBench.Result cold = (CatchUpBench.Result) r.get("catchUpColdJvm");
    CatchUpBench.Result firstWarm = (CatchUpBench.Result) r.get("catchUpFirstWarm");
    if (cold != null) {
      md.append(String.format(Locale.ROOT, "%nMeasured after the live ladders, in a JVM some minutes old: in a fresh one the "
          + "JIT compiler goes on compiling the broker, the Kafka clients and Flink for minutes, and the standalone "
          + "ceiling it is compared with runs warm. The first catch-up of this JVM (%,d events, as after a task "
          + "manager restart) scored %,.0f users/s with the JIT compiler at %.0f %% of the CPU; the one above, %.0f %%.%s%n",
          cold.backlog(), cold.updatesPerSecond(), 100 * BenchmarkRun.compilerShare(cold),
          100 * BenchmarkRun.compilerShare(c), firstWarm == null ? "" : String.format(Locale.ROOT,
              " It is the second of two: the first, with the compiler at %.0f %%, scored %,.0f users/s.",
              100 * BenchmarkRun.compilerShare(firstWarm), firstWarm.updatesPerSecond())));
    }
    if (c.threadCpuShares() != null && !c.threadCpuShares().isEmpty()) {
      md.append("\nWhere the catch-up's CPU went, by thread (share of the process's CPU in the window; thread names "
          + "as the kernel keeps them, 15 characters): ");
      md.append(c.threadCpuShares().entrySet().stream().limit(10)
          .map(e -> String.format(Locale.ROOT, "`%s` %.1f %%", e.getKey(), 100 * e.getValue()))
          .collect(java.util.stream.Collectors.joining(", ")));
      md.append(String.format(Locale.ROOT, ". At the standalone cost per user, ONNX Runtime itself accounts for about "
          + "%.2f of the %.2f busy cores.%n", 2 * c.updatesPerSecond() / sameK.usersPerSecond(), c.cores()));
    }

    md.append("\n## Live ladder\n\nLatency runs from the input record's Kafka timestamp (the event time: the "
        + "simulator sends each event at its event time) to the output record's Kafka timestamp; *visible* is when a "
        + "read_committed consumer received it (for exactly-once: after the checkpoint commits). A rate is sustained "
        + "when the simulator delivered it, the job's input lag did not grow by a second of input, and the median "
        + "latency of the window's second half was less than " + LadderBench.MAX_MEDIAN_CLIMB_MS + " ms above its first "
        + "half's (a queue that grows by a few percent of the input shows there first).\n\n");
    md.append("| setup | offered/s | produced/s | consumed/s | updates/s | K | lag start → end | sustained | p50 | p95 | "
        + "p99 | visible p50 | visible p99 | cores | heap MB | RSS MB |\n");
    md.append("|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<String, List<LadderBench.Point>> ladders = (Map<String, List<LadderBench.Point>>) r.get("ladder");
    for (List<LadderBench.Point> points : ladders.values()) {
      for (LadderBench.Point p : points) {
        md.append(row(p));
      }
    }
    for (LadderBench.Point p : (List<LadderBench.Point>) r.get("halfLoad")) {
      md.append(row(p));
    }
    md.append("\n![latency against offered load](benchmark-latency.png)\n");

    List<StateScaleBench.Result> scale = (List<StateScaleBench.Result>) r.get("stateScale");
    if (scale != null) {
      md.append("\n## Scale of state\n\nEvery one of these users has state (an impression and a click each); "
          + "heuristic scoring, so the state backend is what is measured. Bytes per user: size of the last completed "
          + "checkpoint over users.\n\n| backend | users | events | events/s | checkpoint bytes | bytes/user | heap MB | "
          + "RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (StateScaleBench.Result x : scale) {
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,.0f | %,d | %.0f | %d | %d |%n", x.backend(), x.users(),
            x.events(), x.eventsPerSecond(), x.checkpointBytes(), x.bytesPerUser(), x.heapBytes() >> 20,
            x.rssBytes() >> 20));
      }
    }
    SoakBench.Result soak = (SoakBench.Result) r.get("soak");
    if (soak != null) {
      md.append(soakSection(soak));
    }
    StateSizeBench.Result s = (StateSizeBench.Result) r.get("state");
    md.append(String.format(Locale.ROOT, "%n## State%n%n%,d simulated users: %.0f stored bytes per user on average; the "
            + "%,d with a full sequence (L = %d): %.0f on average, %d at most.%n", s.users(), s.meanBytes(),
        s.fullUsers(), s.sequenceLength(), s.meanFullBytes(), s.maxFullBytes()));
    return md.toString();
  }

  /** The report of {@code bench --soak-only}. */
  static String renderSoak(Map<String, Object> r) {
    StringBuilder md = new StringBuilder();
    header(md, r, "soak", "bench --soak-only --soak 10m --out docs");
    md.append(soakSection((SoakBench.Result) r.get("soak")));
    return md.toString();
  }

  /** Title, where and how it was measured, the command that regenerates it, and the targets table. */
  @SuppressWarnings("unchecked")
  private static void header(StringBuilder md, Map<String, Object> r, String title, String command) {
    Map<String, Object> machine = (Map<String, Object>) r.get("machine");
    md.append("# interest-stream ").append(title).append("\n\n");
    md.append(String.format(Locale.ROOT, "Measured %s on %s cores, Java %s, model `%s`; broker, simulator and job "
            + "in one JVM on 127.0.0.1. Run took %.0f s. Regenerate with "
            + "`java -jar flink-job/tools/target/interest-stream.jar %s`.%n%n", machine.get("date"),
        machine.get("cores"), machine.get("java"), r.get("modelVersion"), (Double) r.get("durationSeconds"), command));
    md.append("## Targets\n\n| target | goal | measured | met |\n|---|---|---:|---|\n");
    for (Map<String, Object> t : (List<Map<String, Object>>) r.get("targets")) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %,.2f | %s |%n", t.get("target"), t.get("goal"),
          ((Number) t.get("measured")).doubleValue(), (Boolean) t.get("met") ? "yes" : "**no**"));
    }
  }

  private static String soakSection(SoakBench.Result soak) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "%n## Soak%n%n%.0f minutes at %,.0f events/s (at-least-once), after a history "
            + "of %,d events consumed in %.0f s so that the users have state, with a trending window of %d minutes "
            + "(default 30) so that its per-item counts are full by the second half. A GC before each sample; growth "
            + "is the least-squares slope over the second half of the samples. Second half: heap after GC %+.1f MB/h; "
            + "RSS %+.1f MB/h, of it native memory (anonymous outside the Java heap) %+.1f MB/h, which is the JVM's "
            + "own (code cache, metaspace, direct buffers: %+.1f MB/h) and the rest (malloc and mmap by ONNX "
            + "Runtime, thread stacks, JVM internals: %+.1f MB/h), and mapped files (jars, libraries, the embedded "
            + "broker's log indexes, which grow with its logs) %+.1f MB/h; the job's checkpointed state %+.1f MB/h. "
            + "Resident memory from /proc/self/smaps.%n%n| s | heap after GC MB | heap committed MB | RSS MB | native "
            + "MB | of it JVM MB | other native MB | mapped files MB | checkpoint MB | updates |%n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n",
        soak.minutes(), soak.rate(), soak.fillEvents(), soak.fillSeconds(), SoakBench.TRENDING_WINDOW.toMinutes(),
        soak.heapGrowthMbPerHour(), soak.rssGrowthMbPerHour(), soak.nativeGrowthMbPerHour(),
        soak.jvmNativeGrowthMbPerHour(), soak.otherNativeGrowthMbPerHour(), soak.fileGrowthMbPerHour(),
        soak.checkpointGrowthMbPerHour()));
    for (SoakBench.Sample x : soak.samples()) {
      md.append(String.format(Locale.ROOT, "| %.0f | %d | %d | %d | %d | %d | %d | %d | %.1f | %,d |%n", x.seconds(),
          x.heapAfterGcBytes() >> 20, x.heapCommittedBytes() >> 20, x.rssBytes() >> 20, x.nativeBytes() >> 20,
          x.jvmNativeBytes() >> 20, x.otherNativeBytes() >> 20, x.fileBytes() >> 20, x.checkpointBytes() / 1048576.0,
          x.updates()));
    }
    return md.toString();
  }

  private static String row(LadderBench.Point p) {
    return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %.0f | %,d → %,d | %s | %d | %d | %d | %d | %d | "
            + "%.2f | %d | %d |%n", p.setup(), p.offered(), p.produced(), p.consumed(), p.updatesPerSecond(),
        p.meanCandidates(),
        p.lagStart(), p.lagEnd(), p.sustained() ? "yes" : "no", p.p50Ms(), p.p95Ms(), p.p99Ms(), p.visibleP50Ms(),
        p.visibleP99Ms(), p.cores(), p.heapBytes() >> 20, p.rssBytes() >> 20);
  }
}
