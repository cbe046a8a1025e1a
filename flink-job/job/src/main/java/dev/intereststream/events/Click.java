package dev.intereststream.events;

import dev.intereststream.schemas.Action;
import dev.intereststream.schemas.Scenario;
import java.util.Objects;

/**
 * A validated click event as it travels through the job: the fields of
 * {@link dev.intereststream.schemas.ClickEvent} with ids checked and the event time as epoch millis.
 * A Flink POJO, so it is serialized field by field without Kryo.
 */
public final class Click {
  /** Marks an absent dwell time. */
  public static final int NO_DWELL = -1;

  public String eventId;
  public long userId;
  public long itemId;
  public long categoryId;
  public Scenario scenario;
  public Action action;
  /** Dwell time in milliseconds, or {@link #NO_DWELL}. */
  public int dwellMs = NO_DWELL;
  public long eventTime;

  public Click() {}

  public Click(String eventId, long userId, long itemId, long categoryId, Scenario scenario, Action action,
      int dwellMs, long eventTime) {
    this.eventId = eventId;
    this.userId = userId;
    this.itemId = itemId;
    this.categoryId = categoryId;
    this.scenario = scenario;
    this.action = action;
    this.dwellMs = dwellMs;
    this.eventTime = eventTime;
  }

  public boolean isEngagement() {
    return action != Action.IMPRESSION;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Click c)) {
      return false;
    }
    return userId == c.userId && itemId == c.itemId && categoryId == c.categoryId && dwellMs == c.dwellMs
        && eventTime == c.eventTime && Objects.equals(eventId, c.eventId) && scenario == c.scenario
        && action == c.action;
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, userId, itemId, eventTime);
  }

  @Override
  public String toString() {
    return "Click{" + eventId + " user=" + userId + " item=" + itemId + " cat=" + categoryId + " " + scenario + " "
        + action + " dwell=" + dwellMs + " t=" + eventTime + "}";
  }
}
