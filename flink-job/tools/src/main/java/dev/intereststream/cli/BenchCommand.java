package dev.intereststream.cli;

import dev.intereststream.bench.CeilingBench;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The published benchmark ({@link dev.intereststream.bench.BenchmarkRun}): ceiling, catch-up, live
 * ladder with both delivery modes, peers, ratios and targets, written as JSON, Markdown and PNG. With
 * {@code --ceiling-only} (or {@code --any-spec} and another model) only the standalone ONNX Runtime
 * ceiling of a model, for ablations.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run the published benchmark (about 12 minutes), or with --ceiling-only measure a model's "
        + "standalone ONNX Runtime throughput.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--model", description = "Model to measure (default: the shipped one).",
      defaultValue = "classpath:model/interest-model.onnx")
  String model;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32,128", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--candidates", split = ",", defaultValue = "50,100", description = "Candidates per user (default: ${DEFAULT-VALUE}).")
  List<Integer> candidates;

  @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Calling threads (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per point of the standalone ceiling, after 1 s of warm-up (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--any-spec", description = "Measure a model of another shape (an ablation) without "
      + "checking it against the job's feature spec.")
  boolean anySpec;

  @Option(names = "--ceiling-only", description = "Only the standalone ONNX Runtime ceiling (for ablation models).")
  boolean ceilingOnly;

  @Option(names = "--out", defaultValue = "target/benchmark", description = "Report directory (default: ${DEFAULT-VALUE}).")
  java.nio.file.Path out;

  @Option(names = "--peer-model", defaultValue = "model/peers/bst-per-candidate.onnx",
      description = "Per-candidate (BST-style) peer model; skipped if the file is missing (default: ${DEFAULT-VALUE}).")
  String peerModel;

  @Option(names = "--rates", split = ",", defaultValue = "2000,10000,20000,30000,40000,70000,100000",
      description = "Offered rates of the live ladder, events/s (default: ${DEFAULT-VALUE}).")
  double[] rates;

  @Option(names = "--peer-rates", split = ",", defaultValue = "500,1000,2000",
      description = "Offered rates for the per-candidate peer (default: ${DEFAULT-VALUE}).")
  double[] peerRates;

  @Option(names = "--measure-seconds", defaultValue = "10", description = "Measured seconds per ladder point (default: ${DEFAULT-VALUE}).")
  double measureSeconds;

  @Option(names = "--warm-up-seconds", defaultValue = "3", description = "Traffic before each measurement (default: ${DEFAULT-VALUE}).")
  double warmUpSeconds;

  @Option(names = "--backlog", defaultValue = "800000", description = "Events in the catch-up backlog (default: ${DEFAULT-VALUE}).")
  long backlog;

  @Option(names = "--users", defaultValue = "10000", description = "Simulated users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--state-scale", defaultValue = "0",
      description = "Also measure state with this many distinct users on the heap and RocksDB backends (e.g. 1000000).")
  int stateScaleUsers;

  @Option(names = "--soak", converter = DurationConverter.class,
      description = "Also run this long at half the highest sustained rate (or --soak-rate), watching heap and RSS "
          + "(e.g. 10m).")
  java.time.Duration soak;

  @Option(names = "--soak-rate", defaultValue = "0",
      description = "Offered rate of the soak, events/s (default: half the ladder's highest sustained rate; "
          + "20000 with --soak-only, half of the published run's).")
  double soakRate;

  @Option(names = "--soak-fill-events", defaultValue = "2000000",
      description = "History consumed before the soak is measured, so its users have state (default: ${DEFAULT-VALUE}).")
  long soakFillEvents;

  @Option(names = "--soak-only", description = "Run only the soak (--soak, default 10m) and write soak.json and soak.md.")
  boolean soakOnly;

  @Override
  public Integer call() throws Exception {
    if (ceilingOnly || !model.equals("classpath:model/interest-model.onnx") && anySpec) {
      ceiling();
      return 0;
    }
    String peer = java.nio.file.Files.exists(java.nio.file.Path.of(peerModel)) ? peerModel : null;
    if (peer == null) {
      System.out.println("bench: no per-candidate peer model at " + peerModel + "; that peer is skipped");
    }
    dev.intereststream.bench.BenchmarkRun.run(new dev.intereststream.bench.BenchmarkRun.Settings(model, peer, out,
        rates, peerRates, warmUpSeconds, measureSeconds, backlog, users, stateScaleUsers,
        soakOnly && soak == null ? java.time.Duration.ofMinutes(10) : soak, soakRate, soakFillEvents, soakOnly,
        seconds),
        System.out);
    return 0;
  }

  private void ceiling() throws Exception {
    System.out.printf("bench: %s, ONNX Runtime, 1 intra-op thread per caller, spinning off%n", model);
    System.out.println("threads  batch      K      users/s   candidates/s   ms/call");
    for (int t : threads) {
      for (int k : candidates) {
        for (int b : batchSizes) {
          CeilingBench.Point p = CeilingBench.measure(model, !anySpec, t, b, k, seconds);
          System.out.printf(Locale.ROOT, "%7d %6d %6d %12.0f %14.0f %9.3f%n", t, b, k, p.usersPerSecond(),
              p.candidatesPerSecond(), p.msPerCall());
        }
      }
    }
  }
}
