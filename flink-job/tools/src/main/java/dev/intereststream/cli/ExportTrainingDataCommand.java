package dev.intereststream.cli;

import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.job.JobConfigs;
import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.training.TaobaoEventSource;
import dev.intereststream.training.TrainingDataExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Replays an event file through the job's feature code and writes the model's training tensors. */
@Command(name = "export-training-data", mixinStandardHelpOptions = true,
    description = "Replay an Avro event file through the job's own state and feature code and write one "
        + "training example per impression as NumPy arrays, split by time, with feature_spec.json.")
final class ExportTrainingDataCommand implements Callable<Integer> {

  @Mixin
  JobSettings settings;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--events", paramLabel = "FILE", description = "Avro event file (from 'simulate --output').")
    Path events;

    @Option(names = "--taobao", paramLabel = "FILE", description = "Taobao UserBehavior CSV "
        + "(user_id,item_id,category_id,behavior_type,timestamp), sorted by timestamp. It has no impressions: "
        + "every page view is a positive and --negatives sampled recently popular items are negatives.")
    Path taobao;
  }

  @Option(names = "--negatives", defaultValue = "4",
      description = "Negatives sampled per positive for logs without impressions (default: ${DEFAULT-VALUE}).")
  int negatives;

  @Option(names = "--truth", paramLabel = "FILE", description = "Ground-truth CSV (from 'simulate --truth'): adds the oracle.")
  Path truth;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--label-window", converter = DurationConverter.class, defaultValue = "60s",
      description = "An impression is positive if the user clicks the item within this long (default: ${DEFAULT-VALUE}).")
  Duration labelWindow;

  @Option(names = "--train-fraction", defaultValue = "0.8", description = "Share of the time range for training (default: ${DEFAULT-VALUE}).")
  double trainFraction;

  @Option(names = "--valid-fraction", defaultValue = "0.1", description = "Share of the time range for validation (default: ${DEFAULT-VALUE}).")
  double validFraction;

  @Option(names = "--sequence-length", description = "Model sequence length, for ablations only: the job "
      + "serves models of length " + FeatureSpec.SEQUENCE_LENGTH + " (default).")
  Integer sequenceLength;

  /** The model's sequence length: the flag's, else the one the job serves. */
  int modelSequenceLength() {
    return sequenceLength == null ? FeatureSpec.SEQUENCE_LENGTH : sequenceLength;
  }

  /**
   * The {@code -D} settings, with a state at least as long as the model reads: raised where no {@code -D}
   * sets its length, refused where one sets it shorter.
   */
  Configuration options() {
    Configuration config = settings.toConfiguration();
    int l = modelSequenceLength();
    var stateLength = config.getOptional(InterestStreamOptions.SEQUENCE_LENGTH);
    if (stateLength.isPresent() && stateLength.get() < l) {
      throw new IllegalArgumentException("-D " + InterestStreamOptions.SEQUENCE_LENGTH.key() + "=" + stateLength.get()
          + " keeps fewer engagements than the model reads (--sequence-length " + l + (sequenceLength == null
              ? ", the served models' length" : "") + "): give --sequence-length " + stateLength.get()
          + " for a shorter model, or drop the -D");
    }
    if (l > config.get(InterestStreamOptions.SEQUENCE_LENGTH)) {
      config.set(InterestStreamOptions.SEQUENCE_LENGTH, l);
    }
    return config;
  }

  @Override
  public Integer call() throws Exception {
    Configuration config = options();
    int l = modelSequenceLength();
    TrainingDataExporter exporter = new TrainingDataExporter(JobConfigs.features(config), JobConfigs.candidates(config),
        config.get(InterestStreamOptions.TOP_CATEGORIES), labelWindow.toMillis(), trainFraction, validFraction, l);
    long start = System.nanoTime();
    TrainingDataExporter.Summary s = input.events != null
        ? exporter.export(input.events, truth, out)
        : exporter.export(() -> new TaobaoEventSource(input.taobao), input.taobao.toString(), null, negatives, out);
    System.out.printf("export-training-data: %d events (%d duplicates skipped, %d out of order), %d impressions, "
            + "%d positive; examples %s written to %s in %.1f s%n", s.events(), s.duplicates(), s.outOfOrder(),
        s.impressions(), s.positives(), s.examples(), out, (System.nanoTime() - start) / 1e9);
    if (s.truthCompared() > 0) {
      System.out.printf("export-training-data: labels agree with the simulator's clicks on %d of %d impressions%n",
          s.truthAgreed(), s.truthCompared());
    }
    return 0;
  }
}
