package dev.intereststream.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.intereststream.features.ConsumedItems;
import dev.intereststream.candidates.CandidateConfig;
import dev.intereststream.candidates.CandidateSelector;
import dev.intereststream.candidates.TrendingReplay;
import dev.intereststream.events.Click;
import dev.intereststream.events.EventIds;
import dev.intereststream.features.FeatureConfig;
import dev.intereststream.features.FeatureSpec;
import dev.intereststream.features.RequestFactory;
import dev.intereststream.features.RescoringPolicy;
import dev.intereststream.features.UserState;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.TriggerReason;
import dev.intereststream.scoring.HeuristicScorer;
import dev.intereststream.scoring.ModelInputs;
import dev.intereststream.contracts.ScoringRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays an event file through the job's own classes ({@link RescoringPolicy}, {@link UserState},
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

  /** One impression waiting for its label window to pass. */
  private static final class Example {
    long time;
    long user;
    long item;
    /** The simulator's clicked flag: 1, 0, or -1 without a truth file. */
    int truthClicked = -1;
    /** Slate position from the truth file, or -1. */
    int position = -1;
    /** Id of the slate (impressions shown together), or -1. */
    long slate = -1;
    int split;
    int[] sequence;
    float[] userDense;
    int scenario;
    int candItem;
    int candCategory;
    float[] candDense;
    float heuristic;
    float oracle = Float.NaN;
    boolean label;
  }

  private record UserItem(long user, long item) {}

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
    long trainEnd = range[0] + (long) ((range[1] - range[0]) * trainFraction);
    long validEnd = range[0] + (long) ((range[1] - range[0]) * (trainFraction + validFraction));

    Files.createDirectories(outDir);
    RescoringPolicy policy = new RescoringPolicy(features);
    RequestFactory requests = new RequestFactory(topCategories, true, features.sessionGapMs(), l);
    TrendingReplay trending = new TrendingReplay(candidates);
    HeuristicScorer heuristic = new HeuristicScorer();
    ModelInputs inputs = new ModelInputs(1, 1, l);
    RecentItems recent = new RecentItems(100_000, 0x7A0BA0L);
    Map<Long, UserState> users = new HashMap<>();
    long syntheticSlates = 0;
    ArrayDeque<Example> pending = new ArrayDeque<>();
    Map<UserItem, Example> pendingByItem = new HashMap<>();
    List<SplitWriter> writers = new ArrayList<>();
    for (String split : SPLITS) {
      writers.add(new SplitWriter(outDir.resolve(split), l));
    }
    Counts n = new Counts();
    long lastTime = Long.MIN_VALUE;
    try (EventSource events = source.open();
        BufferedReader truth = truthFile == null ? null : Files.newBufferedReader(truthFile, StandardCharsets.UTF_8)) {
      if (truth != null) {
        truth.readLine(); // header
      }
      Click click;
      while ((click = events.next()) != null) {
        n.events++;
        if (click.eventTime < lastTime) {
          n.outOfOrder++;
        }
        lastTime = Math.max(lastTime, click.eventTime);
        while (!pending.isEmpty() && pending.peekFirst().time + labelWindowMs < click.eventTime) {
          finish(pending.pollFirst(), pendingByItem, writers, n);
        }
        trending.advanceTo(click.eventTime);

        UserState u = policy.stateFor(users.get(click.userId), click.eventTime);
        long fingerprint = EventIds.fingerprint(click);
        if (u.seenRecently(fingerprint)) { // duplicates and conflicts alike, as the job refuses both
          n.duplicates++;
          continue;
        }
        int split = click.eventTime < trainEnd ? 0 : click.eventTime < validEnd ? 1 : 2;
        if (negatives == 0 && click.action == Action.IMPRESSION) {
          n.impressions++;
          Example x = example(u, click, requests, trending, heuristic, inputs);
          x.split = split;
          if (truth != null) {
            String[] row = nextTruth(truth, click.eventId);
            x.oracle = Float.parseFloat(row[7]);
            x.truthClicked = Integer.parseInt(row[8]);
            x.position = Integer.parseInt(row[6]);
            x.slate = row.length > 9 ? Long.parseLong(row[9]) : -1;
          }
          pending.addLast(x);
          pendingByItem.put(new UserItem(click.userId, click.itemId), x);
        } else if (negatives == 0 && click.action == Action.CLICK) {
          Example x = pendingByItem.get(new UserItem(click.userId, click.itemId));
          if (x != null && click.eventTime - x.time <= labelWindowMs) {
            x.label = true;
          }
        } else if (negatives > 0 && click.action == Action.CLICK) {
          n.impressions++;
          Example positive = example(u, click, requests, trending, heuristic, inputs);
          positive.split = split;
          positive.label = true;
          positive.slate = syntheticSlates++;
          finish(positive, pendingByItem, writers, n);
          long[] consumed = ConsumedItems.of(u);
          for (int i = 0; i < negatives; i++) {
            long[] other = recent.sample(click.itemId, consumed);
            if (other == null) {
              break;
            }
            Click shown = new Click(click.eventId + "-neg" + i, click.userId, other[0], other[1], click.scenario,
                Action.IMPRESSION, Click.NO_DWELL, click.eventTime);
            Example negative = example(u, shown, requests, trending, heuristic, inputs);
            negative.split = split;
            negative.slate = positive.slate;
            finish(negative, pendingByItem, writers, n);
          }
        }
        boolean late = policy.isLate(u, click.eventTime);
        u.apply(click, fingerprint, features);
        TriggerReason reason = late ? null : policy.trigger(u, click);
        if (reason != null) {
          u.setLastTriggerTime(click.scenario, Math.max(u.lastTriggerTime(click.scenario), click.eventTime));
        }
        users.put(click.userId, u);
        trending.add(click);
        if (click.isEngagement()) {
          recent.add(click.itemId, click.categoryId);
        }
      }
      while (!pending.isEmpty()) {
        finish(pending.pollFirst(), pendingByItem, writers, n);
      }
    } finally {
      for (SplitWriter w : writers) {
        w.close();
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < SPLITS.length; i++) {
      counts.put(SPLITS[i], writers.get(i).rows());
    }
    Summary summary = new Summary(n.events, n.duplicates, n.outOfOrder, n.impressions, n.positives, counts,
        n.truthCompared, n.truthAgreed);
    writeSpec(outDir, sourceName, truthFile, negatives, summary, writers, range, trainEnd, validEnd);
    return summary;
  }

  /** Running totals of an export. */
  private static final class Counts {
    long events;
    long duplicates;
    long outOfOrder;
    long impressions;
    long positives;
    long truthCompared;
    long truthAgreed;
  }

  private static void finish(Example x, Map<UserItem, Example> pendingByItem, List<SplitWriter> writers, Counts n)
      throws IOException {
    pendingByItem.remove(new UserItem(x.user, x.item), x);
    writers.get(x.split).write(x);
    if (x.label) {
      n.positives++;
    }
    if (x.truthClicked >= 0) {
      n.truthCompared++;
      n.truthAgreed += (x.truthClicked == 1) == x.label ? 1 : 0;
    }
  }

  private Example example(UserState u, Click impression, RequestFactory requests, TrendingReplay trending,
      HeuristicScorer heuristic, ModelInputs inputs) {
    ScoringRequest r = requests.create(u, impression, null);
    long count = trending.countOf(impression.scenario, impression.eventTime, impression.itemId);
    r.candidateItems = new long[] {impression.itemId};
    r.candidateCategories = new long[] {impression.categoryId};
    r.candidateCounts = new long[] {count};
    r.candidatePopularity = new float[] {
        CandidateSelector.popularity(trending.snapshotFor(impression.scenario, impression.eventTime), count)};
    inputs.start(1);
    inputs.add(r);
    Example x = new Example();
    x.time = impression.eventTime;
    x.user = impression.userId;
    x.item = impression.itemId;
    x.sequence = new int[FeatureSpec.SEQUENCE_FEATURES * l];
    for (int f = 0; f < FeatureSpec.SEQUENCE_FEATURES; f++) {
      System.arraycopy(inputs.ints(f), 0, x.sequence, f * l, l);
    }
    x.userDense = inputs.floats(6);
    x.scenario = inputs.ints(7)[0];
    x.candItem = inputs.ints(8)[0];
    x.candCategory = inputs.ints(9)[0];
    x.candDense = inputs.floats(10);
    x.heuristic = heuristic.score(List.of(r))[0][0];
    return x;
  }

  private static String[] nextTruth(BufferedReader truth, String eventId) throws IOException {
    String line = truth.readLine();
    if (line == null) {
      throw new IllegalStateException("the truth file ends before impression " + eventId);
    }
    String[] row = line.split(",");
    if (!row[0].equals(eventId)) {
      throw new IllegalStateException("the truth file does not follow the event file: expected impression "
          + eventId + ", found " + row[0]);
    }
    return row;
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
      List<SplitWriter> writers, long[] range, long trainEnd, long validEnd) throws IOException {
    ObjectNode spec = FeatureSpec.toJson(l);
    ObjectNode splits = spec.putObject("splits");
    long[][] bounds = {{range[0], trainEnd}, {trainEnd, validEnd}, {validEnd, range[1] + 1}};
    for (int i = 0; i < SPLITS.length; i++) {
      ObjectNode s = splits.putObject(SPLITS[i]);
      s.put("examples", writers.get(i).rows());
      s.put("positives", writers.get(i).positives());
      s.put("from_event_time", bounds[i][0]);
      s.put("until_event_time", bounds[i][1]);
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

  /** The arrays of one split. */
  private static final class SplitWriter implements AutoCloseable {
    private final int l;
    private final List<NpyWriter> sequence = new ArrayList<>();
    private final NpyWriter userDense;
    private final NpyWriter scenario;
    private final NpyWriter candItem;
    private final NpyWriter candCategory;
    private final NpyWriter candDense;
    private final NpyWriter label;
    private final NpyWriter oracle;
    private final NpyWriter heuristic;
    private final NpyWriter paper;
    private final NpyWriter eventTime;
    private final NpyWriter userId;
    private final NpyWriter position;
    private final NpyWriter slate;
    private final int[] paperColumns = {
        FeatureSpec.USER_DENSE.indexOf("dwell_seconds"), FeatureSpec.USER_DENSE.indexOf("clicks"),
        FeatureSpec.USER_DENSE.indexOf("imp_1d")};
    private final float[] paperRow = new float[3];
    private final int[] one = new int[1];
    private long positives;

    SplitWriter(Path dir, int l) throws IOException {
      this.l = l;
      Files.createDirectories(dir);
      for (String name : FeatureSpec.SEQUENCE_INPUTS) {
        NpyWriter.DType type = switch (name) {
          case "seq_item" -> NpyWriter.DType.INT32;
          case "seq_category" -> NpyWriter.DType.INT16;
          default -> NpyWriter.DType.INT8;
        };
        sequence.add(new NpyWriter(dir.resolve(name + ".npy"), type, l));
      }
      userDense = new NpyWriter(dir.resolve("user_dense.npy"), NpyWriter.DType.FLOAT32, FeatureSpec.USER_DENSE_SIZE);
      scenario = new NpyWriter(dir.resolve("scenario.npy"), NpyWriter.DType.INT8);
      candItem = new NpyWriter(dir.resolve("cand_item.npy"), NpyWriter.DType.INT32, 1);
      candCategory = new NpyWriter(dir.resolve("cand_category.npy"), NpyWriter.DType.INT16, 1);
      candDense = new NpyWriter(dir.resolve("cand_dense.npy"), NpyWriter.DType.FLOAT32, 1,
          FeatureSpec.CANDIDATE_DENSE_SIZE);
      label = new NpyWriter(dir.resolve("label.npy"), NpyWriter.DType.FLOAT32);
      oracle = new NpyWriter(dir.resolve("oracle.npy"), NpyWriter.DType.FLOAT32);
      heuristic = new NpyWriter(dir.resolve("heuristic.npy"), NpyWriter.DType.FLOAT32);
      paper = new NpyWriter(dir.resolve("paper.npy"), NpyWriter.DType.FLOAT32, 3);
      eventTime = new NpyWriter(dir.resolve("event_time.npy"), NpyWriter.DType.INT64);
      userId = new NpyWriter(dir.resolve("user_id.npy"), NpyWriter.DType.INT64);
      position = new NpyWriter(dir.resolve("position.npy"), NpyWriter.DType.INT8);
      slate = new NpyWriter(dir.resolve("slate.npy"), NpyWriter.DType.INT64);
    }

    void write(Example x) throws IOException {
      for (int f = 0; f < sequence.size(); f++) {
        sequence.get(f).writeInts(x.sequence, f * l);
      }
      userDense.writeFloats(x.userDense, 0);
      one[0] = x.scenario;
      scenario.writeInts(one, 0);
      one[0] = x.candItem;
      candItem.writeInts(one, 0);
      one[0] = x.candCategory;
      candCategory.writeInts(one, 0);
      candDense.writeFloats(x.candDense, 0);
      label.writeScalar(x.label ? 1 : 0);
      oracle.writeScalar(x.oracle);
      heuristic.writeScalar(x.heuristic);
      for (int i = 0; i < 3; i++) {
        paperRow[i] = x.userDense[paperColumns[i]];
      }
      paper.writeFloats(paperRow, 0);
      eventTime.writeLong(x.time);
      userId.writeLong(x.user);
      one[0] = x.position;
      position.writeInts(one, 0);
      slate.writeLong(x.slate);
      if (x.label) {
        positives++;
      }
    }

    long rows() {
      return label.rows();
    }

    long positives() {
      return positives;
    }

    @Override
    public void close() throws IOException {
      for (NpyWriter w : sequence) {
        w.close();
      }
      for (NpyWriter w : List.of(userDense, scenario, candItem, candCategory, candDense, label, oracle, heuristic,
          paper, eventTime, userId, position, slate)) {
        w.close();
      }
    }
  }
}
