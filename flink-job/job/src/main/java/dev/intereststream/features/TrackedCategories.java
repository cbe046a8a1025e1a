package dev.intereststream.features;

import static dev.intereststream.features.UserState.CATEGORY_HORIZONS;
import static dev.intereststream.features.UserState.CATEGORY_LONG;
import static dev.intereststream.features.UserState.CH;

import java.util.Arrays;

/**
 * The part of {@link UserState} that tracks the user's strongest (scenario, category) pairs with their
 * decayed engagement at the {@link UserState#CATEGORY_HORIZONS}, referenced to the user's clock.
 */
final class TrackedCategories {

  int count;
  /** {@link UserState#scenarioIndex} of each tracked category. */
  byte[] scenarios = new byte[0];
  long[] ids = new long[0];
  /** Engagement weight per tracked category and category horizon: index {@code i * CH + k}. */
  float[] weights = new float[0];

  /** Moves the reference time {@code dt} forward. */
  void decay(long dt) {
    for (int k = 0; k < CH; k++) {
      float f = UserState.decayFactor(CATEGORY_HORIZONS[k], dt);
      for (int i = 0; i < count; i++) {
        weights[i * CH + k] *= f;
      }
    }
  }

  /** Adds an engagement worth {@code day} and {@code week} at the category horizons. */
  void add(int s, long category, float day, float week, int capacity) {
    int index = find(s, category);
    if (index < 0) {
      if (count < capacity) {
        index = count++;
        ensureCapacity(count);
      } else {
        // Keep the strongest categories by 7-day weight: replace the weakest only if the new event
        // alone outweighs it, so a steady favourite is not pushed out by one stray click.
        int weakest = 0;
        for (int i = 1; i < count; i++) {
          if (weights[i * CH + CATEGORY_LONG] < weights[weakest * CH + CATEGORY_LONG]) {
            weakest = i;
          }
        }
        if (weights[weakest * CH + CATEGORY_LONG] >= week) {
          return;
        }
        index = weakest;
      }
      scenarios[index] = (byte) s;
      ids[index] = category;
      Arrays.fill(weights, index * CH, (index + 1) * CH, 0f);
    }
    weights[index * CH] += day;
    weights[index * CH + CATEGORY_LONG] += week;
  }

  /** Index of the tracked (scenario, category), or -1. */
  int find(int s, long category) {
    for (int i = 0; i < count; i++) {
      if (ids[i] == category && scenarios[i] == s) {
        return i;
      }
    }
    return -1;
  }

  void ensureCapacity(int n) {
    if (ids.length < n) {
      int c = Math.max(n, 4);
      scenarios = Arrays.copyOf(scenarios, c);
      ids = Arrays.copyOf(ids, c);
      weights = Arrays.copyOf(weights, c * CH);
    }
  }

  void copyFrom(TrackedCategories o) {
    count = o.count;
    scenarios = o.scenarios.clone();
    ids = o.ids.clone();
    weights = o.weights.clone();
  }

  /** Equality of content, ignoring spare capacity. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TrackedCategories t && count == t.count
        && Arrays.equals(scenarios, 0, count, t.scenarios, 0, count)
        && Arrays.equals(ids, 0, count, t.ids, 0, count)
        && Arrays.equals(weights, 0, count * CH, t.weights, 0, count * CH);
  }

  @Override
  public int hashCode() {
    return count;
  }
}
