package dev.intereststream.cli;

import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.features.FeatureConfig;
import dev.intereststream.job.InterestStreamOptions;
import dev.intereststream.training.TrainingDataExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
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

  @Option(names = "--events", required = true, paramLabel = "FILE", description = "Avro event file (from 'simulate --output').")
  Path events;

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

  @Override
  public Integer call() throws Exception {
    Configuration config = settings.toConfiguration();
    TrainingDataExporter exporter = new TrainingDataExporter(FeatureConfig.from(config), CandidateConfig.from(config),
        config.get(InterestStreamOptions.TOP_CATEGORIES), labelWindow.toMillis(), trainFraction, validFraction);
    long start = System.nanoTime();
    TrainingDataExporter.Summary s = exporter.export(events, truth, out);
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
