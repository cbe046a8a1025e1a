package dev.intereststream.training;

import dev.intereststream.events.Click;
import dev.intereststream.schemas.ClickEvent;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/** Events from an Avro container file of {@link ClickEvent} (what {@code simulate --output} writes). */
public final class AvroEventSource implements EventSource {

  private final DataFileReader<ClickEvent> reader;
  private ClickEvent reuse;

  public AvroEventSource(Path file) throws IOException {
    reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ClickEvent.class));
  }

  @Override
  public Click next() throws IOException {
    if (!reader.hasNext()) {
      return null;
    }
    reuse = reader.next(reuse);
    ClickEvent e = reuse;
    return new Click(e.getEventId(), e.getUserId(), e.getItemId(), e.getCategoryId(), e.getScenario(), e.getAction(),
        e.getDwellMs() == null ? Click.NO_DWELL : (int) Math.min(Integer.MAX_VALUE, e.getDwellMs()),
        e.getEventTime().toEpochMilli());
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
