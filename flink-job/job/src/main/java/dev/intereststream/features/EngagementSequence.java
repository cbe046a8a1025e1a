package dev.intereststream.features;

import dev.intereststream.events.Click;
import java.util.Arrays;

/**
 * The part of {@link UserState} that holds the user's last engagements in event-time order, oldest
 * first, as parallel arrays (what {@link UserStateSerializer} writes and {@link FeatureEncoder} reads).
 */
final class EngagementSequence {

  int size;
  long[] items = new long[0];
  long[] categories = new long[0];
  long[] times = new long[0];
  /** {@link dev.intereststream.schemas.Action#ordinal()}. */
  byte[] actions = new byte[0];
  /** {@link UserState#scenarioIndex}. */
  byte[] scenarios = new byte[0];
  /** Dwell in whole seconds plus one; 0 means not measured. Coarse on purpose: one byte up to two minutes. */
  int[] dwells = new int[0];

  /**
   * Inserts an engagement at its event time, keeping at most {@code capacity}: a full sequence drops its
   * oldest, and an engagement older than all it keeps is not inserted at all.
   */
  void insert(Click click, int capacity) {
    long t = click.eventTime;
    // Position after every entry with time <= t: equal times keep arrival order.
    int pos = size;
    while (pos > 0 && times[pos - 1] > t) {
      pos--;
    }
    if (size >= capacity) {
      if (pos == 0) {
        return; // older than everything kept: it would be evicted at once
      }
      int drop = size - capacity + 1;
      shiftLeft(drop);
      pos -= drop;
    } else {
      ensureCapacity(size + 1);
    }
    if (pos < size) {
      System.arraycopy(items, pos, items, pos + 1, size - pos);
      System.arraycopy(categories, pos, categories, pos + 1, size - pos);
      System.arraycopy(times, pos, times, pos + 1, size - pos);
      System.arraycopy(actions, pos, actions, pos + 1, size - pos);
      System.arraycopy(scenarios, pos, scenarios, pos + 1, size - pos);
      System.arraycopy(dwells, pos, dwells, pos + 1, size - pos);
    }
    items[pos] = click.itemId;
    categories[pos] = click.categoryId;
    times[pos] = t;
    actions[pos] = (byte) click.action.ordinal();
    scenarios[pos] = (byte) UserState.scenarioIndex(click.scenario);
    dwells[pos] = click.dwellMs == Click.NO_DWELL ? 0 : 1 + Math.round(click.dwellMs / 1000f);
    size++;
  }

  private void shiftLeft(int n) {
    int keep = size - n;
    System.arraycopy(items, n, items, 0, keep);
    System.arraycopy(categories, n, categories, 0, keep);
    System.arraycopy(times, n, times, 0, keep);
    System.arraycopy(actions, n, actions, 0, keep);
    System.arraycopy(scenarios, n, scenarios, 0, keep);
    System.arraycopy(dwells, n, dwells, 0, keep);
    size = keep;
  }

  void ensureCapacity(int n) {
    if (items.length < n) {
      int c = Math.max(n, Math.min(Math.max(8, items.length * 2), 1000));
      items = Arrays.copyOf(items, c);
      categories = Arrays.copyOf(categories, c);
      times = Arrays.copyOf(times, c);
      actions = Arrays.copyOf(actions, c);
      scenarios = Arrays.copyOf(scenarios, c);
      dwells = Arrays.copyOf(dwells, c);
    }
  }

  /** Dwell of entry i in milliseconds (to the second), or {@link Click#NO_DWELL}. */
  int dwellMs(int i) {
    return dwells[i] == 0 ? Click.NO_DWELL : (dwells[i] - 1) * 1000;
  }

  void copyFrom(EngagementSequence o) {
    size = o.size;
    items = o.items.clone();
    categories = o.categories.clone();
    times = o.times.clone();
    actions = o.actions.clone();
    scenarios = o.scenarios.clone();
    dwells = o.dwells.clone();
  }

  /** Equality of content, ignoring spare capacity. */
  @Override
  public boolean equals(Object o) {
    return o instanceof EngagementSequence q && size == q.size
        && Arrays.equals(items, 0, size, q.items, 0, size)
        && Arrays.equals(categories, 0, size, q.categories, 0, size)
        && Arrays.equals(times, 0, size, q.times, 0, size)
        && Arrays.equals(actions, 0, size, q.actions, 0, size)
        && Arrays.equals(scenarios, 0, size, q.scenarios, 0, size)
        && Arrays.equals(dwells, 0, size, q.dwells, 0, size);
  }

  @Override
  public int hashCode() {
    return size == 0 ? 0 : Long.hashCode(times[size - 1]) * 31 + size;
  }
}
