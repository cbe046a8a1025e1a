package dev.intereststream.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The simulator's ground truth beside an event file ({@code truth.csv}): one row per impression in the
 * event file's order, with the true click probability, whether the simulated user clicked, the slate
 * position and the slate id.
 */
final class TruthFile implements AutoCloseable {

  private final BufferedReader reader;

  TruthFile(Path file) throws IOException {
    reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    reader.readLine(); // header
  }

  /** Copies the next row's truth into {@code x}, the example of impression {@code eventId}. */
  void attach(TrainingExample x, String eventId) throws IOException {
    String[] row = next(eventId);
    x.oracle = Float.parseFloat(row[7]);
    x.truthClicked = Integer.parseInt(row[8]);
    x.position = Integer.parseInt(row[6]);
    x.slate = row.length > 9 ? Long.parseLong(row[9]) : -1;
  }

  private String[] next(String eventId) throws IOException {
    String line = reader.readLine();
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

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
