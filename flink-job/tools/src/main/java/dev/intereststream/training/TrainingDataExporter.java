package dev.intereststream.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.candidates.TrendingReplay;
import dev.intereststream.events.Click;
import dev.intereststream.features.FeatureConfig;
import dev.intereststream.features.RequestFactory;
import dev.intereststream.features.UserEventFold;
import dev.intereststream.features.UserState;
import dev.intereststream.schemas.Action;
import dev.intereststream.scoring.FeatureSpec;
import dev.intereststream.scoring.ModelInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Replays an event file through the job's own classes ({@link UserEventFold}, {@link UserState},
 * {@link TrendingReplay}, {@link RequestFactory}, {@link ModelInputs}) and writes one training example
 * per impression as NumPy arrays: the model's inputs for the user's state just before the impression
 * with the impressed item as the single candidate, and the label (the user clicked that item within
 * the label window). Splits by event time (train, then valid, then test) and writes the
 * {@link FeatureSpec} beside the data as {@code feature_spec.json}.
 *
 * <p>Beside the model inputs each split holds {@code label}, {@code oracle} (the simulator's true click
 * probability from a truth file, NaN without one), {@code heuristic} (the job's heuristic score of the
 * impressed item), {@code paper} (the seed paper's three features), {@code event_time} and
 * {@code user_id}. Events must be in event-time order (as {@code simulate} writes them).
 *
 * <p>The steps: every event goes through the job's {@link UserEventFold} (duplicates and conflicts are
 * skipped as the job skips them); {@link ExampleBuilder} builds examples from the state before the
 * event; {@link Labeller} labels them once their label window has passed; {@link Splits} writes them.
 */
public final class TrainingDataExporter {

  static final String[] SPLITS = {"train", "valid", "test"};

  private final FeatureConfig features;
  private final CandidateConfig candidates;
  private final int topCategories;
  private final long labelWindowMs;
  private final double trainFraction;
  private final double validFraction;
  /** The model's sequence length: {@link FeatureSpec#SEQUENCE_LENGTH}, or another for ablations. */
  private final int l;

  public TrainingDataExporter(FeatureConfig features, CandidateConfig candidates, int topCategories,
      long labelWindowMs, double trainFraction, double validFraction) {
    this(features, candidates, topCategories, labelWindowMs, trainFraction, validFraction,
        FeatureSpec.SEQUENCE_LENGTH);
  }

  /** With another model sequence length (the user state must keep at least as many engagements). */
  public TrainingDataExporter(FeatureConfig features, CandidateConfig candidates, int topCategories,
      long labelWindowMs, double trainFraction, double validFraction, int sequenceLength) {
    if (features.sequenceLength() < sequenceLength) {
      throw new IllegalArgumentException("features.sequence-length (" + features.sequenceLength()
          + ") is shorter than the model's sequence length " + sequenceLength);
    }
    this.l = sequenceLength;
    if (trainFraction <= 0 || validFraction < 0 || trainFraction + validFraction >= 1) {
      throw new IllegalArgumentException("need 0 < train fraction, 0 <= valid fraction, and their sum below 1");
    }
    this.features = features;
    this.candidates = candidates;
    this.topCategories = topCategories;
    this.labelWindowMs = labelWindowMs;
    this.trainFraction = trainFraction;
    this.validFraction = validFraction;
  }

  /** What an export wrote. */
  public record Summary(long events, long duplicates, long outOfOrder, long impressions, long positives,
      Map<String, Long> examples, long truthCompared, long truthAgreed) {}

  /** Exports a simulator log (impressions with their clicks), with its ground truth if given. */
  public Summary export(Path eventsFile, Path truthFile, Path outDir) throws IOException {
    return export(() -> new AvroEventSource(eventsFile), eventsFile.toString(), truthFile, 0, outDir);
  }

  /**
   * Exports events through the job's feature code.
   *
   * @param truthFile simulator ground truth (impressions mode only), or null
   * @param negatives 0 for logs with impressions (one example per impression, labeled by a click within
   *     the label window); otherwise logs without impressions: every click is a positive example and
   *     {@code negatives} items sampled from recent engagements of all users (so by recent popularity)
   *     that the user has not engaged with are negatives shown at the same moment
   */
  public Summary export(EventSource.Opener source, String sourceName, Path truthFile, int negatives, Path outDir)
      throws IOException {
    long[] range = timeRange(source);
    Files.createDirectories(outDir);
    Splits splits = new Splits(outDir, l, range[0], range[1], trainFraction, validFraction);
    Replay replay;
    try (splits; EventSource in = source.open();
        TruthFile truth = truthFile == null ? null : new TruthFile(truthFile)) {
      replay = new Replay(splits, negatives);
      Click click;
      while ((click = in.next()) != null) {
        replay.next(click, truth);
      }
      replay.labels.finishAll();
    }
    Summary summary = new Summary(replay.events, replay.duplicates, replay.outOfOrder, replay.impressions,
        replay.labels.positives(), splits.rowsByName(), replay.labels.truthCompared(), replay.labels.truthAgreed());
    writeSpec(outDir, sourceName, truthFile, negatives, summary, splits);
    return summary;
  }

  /** One pass over the events: every event through the job's fold, examples from the state before it. */
  private final class Replay {
    final UserEventFold fold = new UserEventFold(features);
    final TrendingReplay trending = new TrendingReplay(candidates);
    final ExampleBuilder examples =
        new ExampleBuilder(new RequestFactory(topCategories, true, features.sessionGapMs(), l), trending, l);
    final Map<Long, UserState> users = new HashMap<>();
    final Splits splits;
    final Labeller labels;
    final int negatives;
    long events;
    long duplicates;
    long outOfOrder;
    long impressions;
    long lastTime = Long.MIN_VALUE;

    Replay(Splits splits, int negatives) {
      this.splits = splits;
      this.labels = new Labeller(splits, labelWindowMs);
      this.negatives = negatives;
    }

    void next(Click click, TruthFile truth) throws IOException {
      events++;
      if (click.eventTime < lastTime) {
        outOfOrder++;
      }
      lastTime = Math.max(lastTime, click.eventTime);
      labels.finishBefore(click.eventTime);
      trending.advanceTo(click.eventTime);
      UserEventFold.Admission admission = fold.admit(users.get(click.userId), click);
      if (!admission.admitted()) { // duplicates and conflicts alike, as the job refuses both
        duplicates++;
        return;
      }
      // An example shows the model the user as of just before the event: the admitted state, not yet updated.
      examples(admission.state(), click, truth);
      users.put(click.userId, fold.update(admission).state());
      trending.add(click);
      examples.observe(click);
    }

    /** The examples an event makes (impressions, or clicks of a log without impressions) or labels. */
    private void examples(UserState before, Click click, TruthFile truth) throws IOException {
      int split = splits.indexOf(click.eventTime);
      if (negatives == 0 && click.action == Action.IMPRESSION) {
        impressions++;
        TrainingExample x = examples.build(before, click, split);
        if (truth != null) {
          truth.attach(x, click.eventId);
        }
        labels.impression(x);
      } else if (negatives == 0 && click.action == Action.CLICK) {
        labels.click(click);
      } else if (negatives > 0 && click.action == Action.CLICK) {
        impressions++;
        for (TrainingExample x : examples.sampledSlate(before, click, negatives, split)) {
          labels.finish(x);
        }
      }
    }
  }

  private static long[] timeRange(EventSource.Opener source) throws IOException {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    try (EventSource events = source.open()) {
      Click c;
      while ((c = events.next()) != null) {
        min = Math.min(min, c.eventTime);
        max = Math.max(max, c.eventTime);
      }
    }
    if (min > max) {
      throw new IllegalArgumentException("the event source holds no events");
    }
    return new long[] {min, max};
  }

  private void writeSpec(Path outDir, String sourceName, Path truthFile, int negatives, Summary summary,
      Splits splits) throws IOException {
    ObjectNode spec = FeatureSpec.toJson(l);
    ObjectNode splitsNode = spec.putObject("splits");
    for (int i = 0; i < SPLITS.length; i++) {
      ObjectNode s = splitsNode.putObject(SPLITS[i]);
      s.put("examples", splits.rows(i));
      s.put("positives", splits.positives(i));
      s.put("from_event_time", splits.from(i));
      s.put("until_event_time", splits.until(i));
    }
    ObjectNode source = spec.putObject("source");
    source.put("events_file", sourceName);
    source.put("examples", negatives == 0 ? "one per impression, labeled by a click within the label window"
        : "one per click (positive) plus " + negatives + " sampled recent items the user had not engaged with");
    source.put("truth_file", truthFile == null ? null : truthFile.toAbsolutePath().toString());
    source.put("events", summary.events());
    source.put("duplicates_skipped", summary.duplicates());
    source.put("impressions", summary.impressions());
    source.put("label_window_ms", labelWindowMs);
    source.put("labels_compared_with_truth", summary.truthCompared());
    source.put("labels_agreeing_with_truth", summary.truthAgreed());
    ObjectNode job = spec.putObject("job_settings");
    job.put("sequence_length", features.sequenceLength());
    job.put("session_gap_ms", features.sessionGapMs());
    job.put("trending_window_ms", candidates.windowMs());
    job.put("trending_slide_ms", candidates.slideMs());
    job.put("snapshot_grace_ms", candidates.snapshotGraceMs());
    job.put("top_categories", topCategories);
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(outDir.resolve("feature_spec.json").toFile(), spec);
  }
}
