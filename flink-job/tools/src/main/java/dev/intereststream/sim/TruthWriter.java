package dev.intereststream.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The side file of ground truth: one CSV line per impression with the simulator's true click
 * probability, so evaluations can report the oracle beside every model. Kept out of ClickEvent on
 * purpose: the job must never see it.
 */
public final class TruthWriter implements AutoCloseable {

  public static final String HEADER =
      "event_id,user_id,item_id,category_id,scenario,event_time,position,click_probability,clicked,slate";

  private final BufferedWriter out;

  public TruthWriter(Path file) throws IOException {
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    out.write(HEADER);
    out.newLine();
  }

  public void write(SimEvent e) throws IOException {
    if (!e.isImpression()) {
      return;
    }
    var ev = e.event();
    out.write(String.format(Locale.ROOT, "%s,%d,%d,%d,%s,%d,%d,%.6f,%d,%d", ev.getEventId(), ev.getUserId(),
        ev.getItemId(), ev.getCategoryId(), ev.getScenario(), ev.getEventTime().toEpochMilli(), e.position(),
        e.clickProbability(), e.clicked() ? 1 : 0, e.slate()));
    out.newLine();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
