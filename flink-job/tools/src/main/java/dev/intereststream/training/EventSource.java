package dev.intereststream.training;

import dev.intereststream.events.Click;
import java.io.IOException;

/** Events to replay, in the order they were recorded (event-time order for the replay to be exact). */
public interface EventSource extends AutoCloseable {

  /** The next event, or null at the end. */
  Click next() throws IOException;

  @Override
  void close() throws IOException;

  /** Opens a fresh pass over the same events. */
  @FunctionalInterface
  interface Opener {
    EventSource open() throws IOException;
  }
}
