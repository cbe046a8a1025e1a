package dev.intereststream.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three splits of an export ({@link TrainingDataExporter#SPLITS}), by event time: train, then
 * valid, then test, each a fraction of the events' time range, each written by a {@link SplitWriter}
 * into its own directory.
 */
final class Splits implements AutoCloseable {

  private final long[][] bounds;
  private final List<SplitWriter> writers = new ArrayList<>();

  /**
   * @param first the earliest event time
   * @param last the latest event time
   */
  Splits(Path outDir, int l, long first, long last, double trainFraction, double validFraction) throws IOException {
    long trainEnd = first + (long) ((last - first) * trainFraction);
    long validEnd = first + (long) ((last - first) * (trainFraction + validFraction));
    bounds = new long[][] {{first, trainEnd}, {trainEnd, validEnd}, {validEnd, last + 1}};
    try {
      for (String split : TrainingDataExporter.SPLITS) {
        writers.add(new SplitWriter(outDir.resolve(split), l));
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The split of an event at {@code eventTime}. */
  int indexOf(long eventTime) {
    return eventTime < bounds[0][1] ? 0 : eventTime < bounds[1][1] ? 1 : 2;
  }

  void write(TrainingExample x) throws IOException {
    writers.get(x.split).write(x);
  }

  long rows(int split) {
    return writers.get(split).rows();
  }

  long positives(int split) {
    return writers.get(split).positives();
  }

  /** The first event time of a split. */
  long from(int split) {
    return bounds[split][0];
  }

  /** The event time a split ends before. */
  long until(int split) {
    return bounds[split][1];
  }

  /** Rows by split name, in split order. */
  Map<String, Long> rowsByName() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < TrainingDataExporter.SPLITS.length; i++) {
      counts.put(TrainingDataExporter.SPLITS[i], rows(i));
    }
    return counts;
  }

  @Override
  public void close() throws IOException {
    for (SplitWriter w : writers) {
      w.close();
    }
  }
}
