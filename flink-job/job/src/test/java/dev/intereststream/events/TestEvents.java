package dev.intereststream.events;

import dev.intereststream.contracts.Topics;
import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.ClickEvent;
import dev.intereststream.schemas.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Builders of events for tests. */
public final class TestEvents {

  /** 2026-01-01T00:00:00Z */
  public static final long T0 = 1_767_225_600_000L;

  private TestEvents() {}

  public static Click click(String id, long user, long item, long category, Scenario scenario, Action action,
      long time) {
    return new Click(id, user, item, category, scenario, action, Click.NO_DWELL, time);
  }

  public static Click click(String id, long user, long item, long category, Action action, long time) {
    return click(id, user, item, category, Scenario.ECOMMERCE, action, time);
  }

  public static ClickEvent event(String id, long user, long item, long category, Scenario scenario, Action action,
      Long dwell, long time) {
    return new ClickEvent(id, user, item, category, scenario, action, dwell, Instant.ofEpochMilli(time));
  }

  public static byte[] encode(ClickEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Topics.CLICK_EVENTS.newEncoder().encode(event, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
