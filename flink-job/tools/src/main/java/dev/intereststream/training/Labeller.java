package dev.intereststream.training;

import dev.intereststream.events.Click;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Labels impressions: an impression's example waits until its label window has passed and is
 * positive if the user clicked the same item within the window. Finished examples go to their split;
 * the labeller counts positives and, with a truth file, how many labels agree with the simulator's
 * clicks. Examples must arrive in event-time order.
 */
final class Labeller {

  private record UserItem(long user, long item) {}

  private final Splits splits;
  private final long windowMs;
  private final ArrayDeque<TrainingExample> pending = new ArrayDeque<>();
  private final Map<UserItem, TrainingExample> pendingByItem = new HashMap<>();
  private long positives;
  private long truthCompared;
  private long truthAgreed;

  Labeller(Splits splits, long windowMs) {
    this.splits = splits;
    this.windowMs = windowMs;
  }

  /** Finishes the waiting examples whose label window ended before {@code time}. */
  void finishBefore(long time) throws IOException {
    while (!pending.isEmpty() && pending.peekFirst().time + windowMs < time) {
      finish(pending.pollFirst());
    }
  }

  /** An impression's example, to wait for a click within the label window. */
  void impression(TrainingExample x) {
    pending.addLast(x);
    pendingByItem.put(new UserItem(x.user, x.item), x);
  }

  /** A click: labels the user's latest waiting impression of that item if within its window. */
  void click(Click click) {
    TrainingExample x = pendingByItem.get(new UserItem(click.userId, click.itemId));
    if (x != null && click.eventTime - x.time <= windowMs) {
      x.label = true;
    }
  }

  /** Writes an example whose label is final to its split. */
  void finish(TrainingExample x) throws IOException {
    pendingByItem.remove(new UserItem(x.user, x.item), x);
    splits.write(x);
    if (x.label) {
      positives++;
    }
    if (x.truthClicked >= 0) {
      truthCompared++;
      truthAgreed += (x.truthClicked == 1) == x.label ? 1 : 0;
    }
  }

  /** Finishes every waiting example (the end of the events). */
  void finishAll() throws IOException {
    while (!pending.isEmpty()) {
      finish(pending.pollFirst());
    }
  }

  long positives() {
    return positives;
  }

  long truthCompared() {
    return truthCompared;
  }

  long truthAgreed() {
    return truthAgreed;
  }
}
